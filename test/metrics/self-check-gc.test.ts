// The self-check reports runner's own GC pauses beside its event-loop delay, and the summary prints both right
// under the latency table: a reader sees how much of a tail runner itself could have added.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startSelfCheck } from '../../src/metrics/self-check.ts';
import { renderSummary } from '../../src/report/summary.ts';
import { fixtureResult } from '../helpers/result-fixture.ts';

test('selfCheck counts the GC pauses of the run: count, total, longest (was: not measured)', async () => {
  const check = startSelfCheck();
  // Enough short-lived garbage for several scavenges, bounded in time.
  let keep = 0;
  for (let i = 0; i < 200; i++) {
    const junk = Array.from({ length: 10_000 }, (_, j) => ({ j, s: `x${j}` }));
    keep += junk.length;
    await new Promise((r) => setImmediate(r));
  }
  assert.equal(keep, 2_000_000);
  const sc = check.stop(0);
  assert.ok(sc.gcPauses !== undefined && sc.gcPauses > 0, JSON.stringify(sc));
  assert.ok(sc.gcPauseTotalMs! > 0 && sc.gcPauseMaxMs! > 0 && sc.gcPauseMaxMs! <= sc.gcPauseTotalMs!, JSON.stringify(sc));
  assert.ok(sc.gcPauseMajorMs! <= sc.gcPauseTotalMs!);
});

test('the summary prints event-loop delay and GC pauses right under the latency table', () => {
  const result = fixtureResult();
  result.selfCheck = {
    eventLoopDelayP99Ms: 1.25,
    eventLoopDelayMaxMs: 4.5,
    cpuPercent: 20,
    eventLoopUtilization: 0.2,
    lateStartsP99Ms: null,
    lateStartsMaxMs: null,
    scheduledStarts: 0,
    droppedIterations: 0,
    gcPauses: 12,
    gcPauseTotalMs: 8.5,
    gcPauseMaxMs: 2.25,
    gcPauseMajorMs: 0,
    saturated: false,
    reasons: [],
  };
  const lines = renderSummary(result, { color: false }).split('\n');
  const total = lines.findIndex((l) => l.startsWith('total '));
  assert.ok(total > 0, lines.join('\n'));
  assert.equal(lines[total + 1], "runner's own delay: event loop p99 1.25 ms (max 4.50 ms)  GC pauses 8.50 ms in 12 (longest 2.25 ms)");
});
