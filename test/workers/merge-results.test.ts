// The merged self-check of a run with workers names the thread each reason came from: the worst thread's
// event-loop delay is the run's, and the reason says which thread it was (README "Every core").
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunResult } from '../../src/result/types.ts';
import { mergeWorkerResults } from '../../src/workers/merge-results.ts';
import { fixtureResult } from '../helpers/result-fixture.ts';

test('mergeWorkerResults: each self-check reason is prefixed with its thread, the worst delay is the run\'s', () => {
  const part = (p99: number, reasons: string[]): RunResult => {
    const r = fixtureResult();
    return { ...r, selfCheck: { ...r.selfCheck!, eventLoopDelayP99Ms: p99, saturated: reasons.length > 0, reasons } };
  };
  const a = part(3, []);
  const b = part(180, ['event-loop delay p99 180 ms']);
  const run = { runner: 't', scenario: a.scenario, startedAt: a.startedAt };
  const merged = mergeWorkerResults([a, b], run, 3000);
  assert.deepEqual(merged.selfCheck?.reasons, ['worker 2: event-loop delay p99 180 ms']);
  assert.equal(merged.selfCheck?.eventLoopDelayP99Ms, 180);
  assert.equal(merged.selfCheck?.saturated, true);
  const labelled = mergeWorkerResults([b, a], run, 3000, ['main thread (setup/teardown)', 'worker 1']);
  assert.deepEqual(labelled.selfCheck?.reasons, ['main thread (setup/teardown): event-loop delay p99 180 ms']);
  assert.deepEqual(b.selfCheck?.reasons, ['event-loop delay p99 180 ms'], 'the parts are not changed');
});
