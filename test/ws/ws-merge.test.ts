// runner merge adds the ws sections of a run's segments: counts and failure/close classes summed, histograms
// added (merged percentiles are those of all samples), per-second series aligned by each file's start.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createHistogram, decodeHistogram } from '../../src/metrics/histogram.ts';
import { mergeResults } from '../../src/report/merge.ts';
import type { RunResult } from '../../src/result/types.ts';
import { WsMetrics } from '../../src/ws/metrics.ts';
import { fixtureResult } from '../helpers/result-fixture.ts';

function ws(opened: number, delivered: number, lost: number, latencyMs: number, secondsFromStart: number) {
  let now = 0;
  const m = new WsMetrics(() => now, 0);
  for (let i = 0; i < opened; i++) m.connected(1000);
  m.connectFailed('refused');
  m.closed(true, 4001);
  now = secondsFromStart * 1000;
  for (let i = 0; i < delivered; i++) {
    m.messageSent();
    m.messageReceived();
    m.delivered(latencyMs * 1000);
  }
  Object.assign(m.delivery, { tracked: delivered, expected: delivered + lost, lost });
  return JSON.parse(JSON.stringify(m.toResult()));
}

test('merge: the ws sections of two segments become one, exactly', () => {
  const a: RunResult = { ...fixtureResult(), startedAt: '2026-11-29T20:00:00.000Z', ws: ws(3, 10, 1, 5, 0) };
  const b: RunResult = { ...fixtureResult(), startedAt: '2026-11-29T20:00:02.000Z', ws: ws(4, 20, 2, 50, 1) };
  const merged = mergeResults(
    [
      { file: 'a.json', result: a },
      { file: 'b.json', result: b },
    ],
    { segments: ['0:1/2', '1/2:1'], missing: [] },
    'test',
    (file, where, err) => {
      throw new Error(`${file} ${where}: ${String(err)}`);
    },
  ).ws!;
  assert.equal(merged.connections.opened, 7);
  assert.deepEqual({ ...merged.connections.failures }, { refused: 2 });
  assert.deepEqual({ ...merged.connections.closes.byServer }, { 4001: 2 });
  assert.equal(merged.connections.connecting.count, 7);
  assert.deepEqual([merged.delivery.delivered, merged.delivery.lost, merged.delivery.expected], [30, 3, 33]);
  assert.equal(merged.delivery.latency.count, 30);
  const h = decodeHistogram(merged.delivery.latency.hdr);
  const both = createHistogram();
  both.add(decodeHistogram(a.ws!.delivery.latency.hdr));
  both.add(decodeHistogram(b.ws!.delivery.latency.hdr));
  assert.equal(h.getValueAtPercentile(50), both.getValueAtPercentile(50));
  // a's 10 messages in its second 0; b started 2 s later and sent its 20 in its second 1: the run's second 3.
  assert.deepEqual(merged.messages.perSecond.sent, [10, 0, 0, 20]);
});

test('--workers: the workers\' ws sections are added into the run\'s, with a warning that rooms are tracked per worker', async () => {
  const { mergeWorkerResults } = await import('../../src/workers/merge-results.ts');
  const a: RunResult = { ...fixtureResult(), ws: ws(3, 10, 1, 5, 0) };
  const b: RunResult = { ...fixtureResult(), ws: ws(4, 20, 2, 50, 1) };
  const merged = mergeWorkerResults([a, b], { runner: 't', scenario: a.scenario, startedAt: a.startedAt }, 3000);
  assert.deepEqual([merged.ws!.connections.opened, merged.ws!.delivery.delivered, merged.ws!.delivery.lost, merged.ws!.delivery.latency.count], [7, 30, 3, 30]);
  assert.deepEqual(merged.ws!.messages.perSecond.sent, [10, 20]);
  assert.ok(merged.warnings.some((w) => w.includes('WebSocket delivery is tracked within each')));
  assert.equal(mergeWorkerResults([fixtureResult(), fixtureResult()], { runner: 't', scenario: a.scenario, startedAt: a.startedAt }, 3000).ws, undefined);
});
