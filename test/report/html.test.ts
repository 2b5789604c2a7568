// The HTML report's content: tables, breakdown, thresholds, the spectrum; over-time charts only with a timeSeries.
import { test } from 'node:test';
import { fail, respond } from '../helpers/samples.ts';
import assert from 'node:assert/strict';
import { createCollector } from '../../src/metrics/collector.ts';
import { readTimeSeries, renderHtmlReport } from '../../src/report/html.ts';
import { buildRunResult } from '../../src/report/result.ts';
import type { RunResult } from '../../src/report/result-types.ts';
import { niceTicks } from '../../src/report/svg-chart.ts';

function result(name: string): RunResult {
  const c = createCollector(['signup', 'me']);
  for (let i = 0; i < 2000; i++) respond(c, i % 2, i % 100 === 0 ? 503 : 200, 1000 + i * 7, 900, 10, 10, i % 100 !== 0);
  fail(c, 1, 'timeout', 0, 0);
  const r = buildRunResult({
    runner: 't',
    scenario: { name, file: `${name}.yaml`, seed: 7 },
    target: 'http://127.0.0.1:1',
    startedAt: new Date(0),
    durationMs: 3000,
    outcome: 'completed',
    iterations: { started: 1000, completed: 1000, failed: 0, dropped: 0, aborted: 0 },
    metrics: c.toRequestResults(3000),
    warnings: ['<b>x</b>'],
  });
  r.thresholds = { http_req_duration: [{ expression: 'p(99)<5', ok: false, value: 14.9 }] };
  return r;
}

test('one run without a time series: tables, breakdown, thresholds, spectrum, and a note instead of time charts', () => {
  const html = renderHtmlReport([{ label: 'a.json', result: result('a') }]);
  assert.match(html, /<title>runner report: a<\/title>/);
  assert.match(html, /<th>status 503<\/th><td class="bad">20 <small>\(1\.00%\)<\/small><\/td>/);
  assert.match(html, /<th>error: timeout<\/th>/);
  assert.match(html, /✗<\/td><td>http_req_duration<\/td><td><code>p\(99\)&lt;5<\/code><\/td><td>p\(99\)=14\.9ms/);
  assert.match(html, /&lt;b&gt;x&lt;\/b&gt;/);
  assert.equal((html.match(/<path class="series"/g) ?? []).length, 1);
  assert.match(html, /No per-second series in: a\.json/);
  assert.doesNotMatch(html, /Throughput per second/);
  for (const label of ['0%', '90%', '99%', '99.9%']) assert.ok(html.includes(`>${label}</text>`), label);
});

test('with time series, latency and throughput charts, runs overlaid', () => {
  const a = result('a');
  const b = result('b');
  (a as unknown as { timeSeries: unknown }).timeSeries = [0, 1, 2].map((t) => ({ t, started: 100, finished: 100 + t, errors: t, p50: 1 + t, p99: 5 + t }));
  (b as unknown as { timeSeries: unknown }).timeSeries = [1, 2, 3].map((t) => ({ t, started: 90, finished: 90, errors: 0, p50: 2, p99: 9 }));
  assert.deepEqual(readTimeSeries(b)?.map((p) => p.t), [1, 2, 3]);
  assert.equal(readTimeSeries(result('c')), undefined);
  const html = renderHtmlReport([{ label: 'a.json', result: a }, { label: 'b.json', result: b }]);
  assert.match(html, /Latency per second/);
  assert.match(html, /Throughput per second/);
  // spectrum 2 + latency (p50, p99) × 2 + throughput 2 + errors/s for a only.
  assert.equal((html.match(/<path class="series"/g) ?? []).length, 9);
  assert.doesNotMatch(html, /No per-second series/);
});

test('nice ticks cover the range with round steps', () => {
  assert.deepEqual(niceTicks(9.3), [0, 2, 4, 6, 8, 10]);
  assert.deepEqual(niceTicks(100), [0, 20, 40, 60, 80, 100]);
  assert.deepEqual(niceTicks(0), [0]);
});
