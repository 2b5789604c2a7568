// The HTML report's content: gaps and the partial second, the subtitle per model, checks, thresholds and the
// self-check, compare verdicts, optional per-second series, and the size of an hour-long report.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderHtmlReport } from '../../src/report/html.ts';
import { latencyBuckets } from '../../src/report/html-distribution.ts';
import { readRunSeries, MAX_CHART_POINTS } from '../../src/report/report-series.ts';
import type { RunResult, ScenarioResult } from '../../src/result/types.ts';
import { niceTicks } from '../../src/report/svg-chart.ts';
import { createHistogram, recordUs } from '../../src/metrics/histogram.ts';
import { fixtureResult } from '../helpers/result-fixture.ts';

type Point = Record<string, unknown> & { t: number };

function run(o: { model?: 'open' | 'closed'; durationMs?: number; series?: Point[]; name?: string } = {}): RunResult {
  const r = fixtureResult({ name: o.name });
  r.durationMs = o.durationMs ?? 3000;
  r.scenarios = { default: { ...(r as unknown as ScenarioResult), executor: o.model === 'open' ? 'constant-arrival-rate' : 'constant-vus', model: o.model ?? 'closed', iterations: r.iterations } };
  if (o.series) (r as unknown as { timeSeries: Point[] }).timeSeries = o.series;
  return r;
}

/** The `<figure>` of the chart whose title starts with `title`. */
function figure(html: string, title: string): string {
  const start = html.indexOf(`<figcaption>${title}`);
  assert.ok(start >= 0, `no chart '${title}'`);
  return html.slice(html.lastIndexOf('<figure', start), html.indexOf('</figure>', start));
}

const second = (t: number, finished: number, errors = 0): Point => ({ t, started: finished, finished, errors, dropped: 0, p50: errors === finished ? 0 : 2, p99: errors === finished ? 0 : 5 });

test('a second without responses is a gap in the latency lines, not 0 ms', () => {
  const html = renderHtmlReport([{ label: 'a.json', result: run({ series: [second(0, 10), second(1, 10), second(2, 5, 5), second(3, 10), second(4, 10)], durationMs: 5000 }) }]);
  const chart = figure(html, 'Latency per second');
  const p50 = /<path class="series"[^>]* d="([^"]+)"[^>]*>(?:(?!<\/path>).)*latency p50/.exec(chart);
  assert.ok(p50, chart);
  // Two pieces (seconds 0–1 and 3–4), and no point at the bottom of the plot (y of 0 ms).
  assert.equal(p50[1].split('M').length - 1, 2, p50[1]);
  assert.deepEqual(readRunSeries(run({ series: [second(0, 10), second(1, 5, 5)], durationMs: 2000 }))?.points.map((p) => p.p99), [5, null]);
});

test('the partial last second is scaled to its length and shaded, not drawn as a throughput crash', () => {
  const series = readRunSeries(run({ series: [second(0, 100), second(1, 100), second(2, 40)], durationMs: 2400 }));
  assert.ok(series);
  assert.deepEqual(series.partial, { from: 2, to: 2.4 });
  assert.equal(series.points[2].finished, 100);
  assert.equal(series.points[2].span, 0.4);
  const html = renderHtmlReport([{ label: 'a.json', result: run({ series: [second(0, 100), second(1, 100), second(2, 40)], durationMs: 2400 }) }]);
  assert.match(figure(html, 'Requests per second'), /<rect class="partial"[^>]*><title>partial second \(400 ms\), rates scaled<\/title>/);
  // A few milliseconds of a last second are left out: their rate is noise.
  assert.equal(readRunSeries(run({ series: [second(0, 100), second(1, 1)], durationMs: 1020 }))?.points.length, 1);
});

test('the subtitle says what latency means: closed model from the send, open model from the intended start', () => {
  assert.match(renderHtmlReport([{ label: 'c', result: run({ model: 'closed' }) }]), /<p class="subtitle">Closed model: latency runs from the send/);
  const open = renderHtmlReport([{ label: 'o', result: run({ model: 'open' }) }]);
  assert.match(open, /<p class="subtitle">Open model: latency runs from each request&#39;s intended start/);
  assert.doesNotMatch(open, /measured from the intended start of each request/);
  const both = renderHtmlReport([{ label: 'c', result: run({ model: 'closed' }) }, { label: 'o', result: run({ model: 'open' }) }]);
  assert.match(both, /<p class="subtitle">c: Closed model[^<]* o: Open model/);
});

test('open model: service time beside latency, arrival rate target and achieved with dropped iterations', () => {
  const series = [0, 1, 2].map((t) => ({ ...second(t, 50), serviceP50: 1, serviceP99: 3, iterations: 40, dropped: t === 1 ? 10 : 0, vus: 4 }));
  const html = renderHtmlReport([{ label: 'o.json', result: run({ model: 'open', series }) }]);
  assert.match(figure(html, 'Latency per second'), /o\.json service time p99/);
  const arrival = figure(html, 'Arrival rate');
  assert.match(arrival, /o\.json target \(started \+ dropped\)/);
  assert.match(arrival, /o\.json achieved \(iterations started\)/);
  // One bar: only second 1 dropped.
  const bars = /<path class="series"[^>]* d="([^"]+)"[^>]*>(?:(?!<\/path>).)*dropped iterations/.exec(arrival);
  assert.ok(bars);
  assert.equal(bars[1].split('Z').length - 1, 1);
  assert.match(figure(html, 'Active VUs'), /o\.json VUs/);
  // Closed: latency alone, no service time line.
  assert.doesNotMatch(figure(renderHtmlReport([{ label: 'c', result: run({ model: 'closed', series }) }]), 'Latency per second'), /service time p50/);
});

test('checks and per-request curves over time when the file carries them; a note when it does not', () => {
  const series = [0, 1, 2].map((t) => ({ ...second(t, 20), checksPassed: 18, checksFailed: 2, requests: { signup: { finished: 10, errors: 0, p50: 1, p99: 2 }, me: { finished: 10, errors: t === 1 ? 10 : 0, p50: 3, p99: 9 } } }));
  const html = renderHtmlReport([{ label: 'a.json', result: run({ series }) }]);
  assert.match(figure(html, 'Checks per second'), /a\.json failed\/s/);
  const perRequest = figure(html, 'Latency per request');
  assert.match(perRequest, /signup p99/);
  assert.match(perRequest, /me p50/);
  assert.match(figure(html, 'Requests per second per request'), /me errors\/s/);
  assert.match(renderHtmlReport([{ label: 'b.json', result: run({ series: [second(0, 1)] }) }]), /Per-request curves need per-request per-second data, which b\.json does not carry/);
});

test('checks table, thresholds ✓/✗ and runner’s self-check', () => {
  const r = run();
  r.checks = { 'status is 200': { passes: 98, fails: 2 }, 'has token': { passes: 10, fails: 0 } };
  r.thresholds = { http_req_duration: [{ expression: 'p(99)<5', ok: false, value: 14.9 }], http_req_failed: [{ expression: 'rate<0.01', ok: true, value: 0 }] };
  r.selfCheck = { eventLoopDelayP99Ms: 31, eventLoopDelayMaxMs: 40, cpuPercent: 97, eventLoopUtilization: 0.96, lateStartsP99Ms: 12, lateStartsMaxMs: 30, scheduledStarts: 100, droppedIterations: 0, saturated: true, reasons: ['CPU 97% of a core'] };
  const html = renderHtmlReport([{ label: 'a.json', result: r }]);
  assert.match(html, /<th>status is 200<\/th><td class="bad">✗ 98\.00% <small>\(98 ✓ \/ 2 ✗\)<\/small><\/td>/);
  assert.match(html, /<th>has token<\/th><td class="good">✓ 100\.00%/);
  assert.match(html, /class="bad">✗<\/td><td>http_req_duration<\/td><td><code>p\(99\)&lt;5<\/code><\/td><td>p\(99\)=14\.9ms/);
  assert.match(html, /class="good">✓<\/td><td>http_req_failed<\/td>/);
  assert.match(html, /✗ saturated: CPU 97% of a core/);
  assert.match(renderHtmlReport([{ label: 'old.json', result: { ...run(), selfCheck: undefined } }]), /no self-check in this file/);
});

test('two or more files: the verdicts of runner compare per request, against the first', () => {
  const base = fixtureResult({ baseUs: 1000 });
  const worse = fixtureResult({ baseUs: 3000 });
  const html = renderHtmlReport([{ label: 'base.json', result: base }, { label: 'new.json', result: worse }, { label: 'same.json', result: fixtureResult({ baseUs: 1000 }) }]);
  assert.match(html, /<h2 id="compare">Compared with base\.json<\/h2>/);
  assert.match(html, /new\.json against base\.json/);
  assert.match(html, /<th rowspan="2">total<\/th><td rowspan="2" class="verdict bad">regression<\/td>/);
  assert.match(html, /<th rowspan="2">signup<\/th><td rowspan="2" class="verdict ">no change<\/td>/);
  for (const stat of ['requests', 'req/s', 'error rate', 'mean ms', 'p50 ms', 'p99 ms', 'p99.9 ms', 'max ms']) assert.ok(html.includes(`<th>${stat}</th>`), stat);
  assert.doesNotMatch(renderHtmlReport([{ label: 'one.json', result: base }]), /id="compare"/);
});

test('an hour-long run with every per-second series stays under 500 KB: long series are cut for display', () => {
  const series = Array.from({ length: 3600 }, (_, t) => ({
    ...second(t, 1000 + (t % 17)),
    p50: 2 + (t % 7) / 3,
    p99: t === 1234 ? 900 : 10 + (t % 13),
    serviceP50: 1.5,
    serviceP99: 8,
    vus: 50,
    iterations: 500,
    dropped: t % 100 === 0 ? 3 : 0,
    checksPassed: 999,
    checksFailed: t % 10,
    requests: Object.fromEntries(['a', 'b', 'c', 'd'].map((n) => [n, { finished: 250, errors: 1, p50: 2, p99: 11 }])),
  }));
  const r = run({ model: 'open', series, durationMs: 3_600_000 });
  const html = renderHtmlReport([{ label: 'hour.json', result: r }]);
  assert.ok(html.length < 500_000, `${html.length} bytes`);
  const s = readRunSeries(r);
  assert.ok(s && s.points.length <= MAX_CHART_POINTS, `${s?.points.length} points`);
  // The cut keeps the worst second's p99: a spike does not vanish.
  assert.equal(Math.max(...(s?.points.map((p) => p.p99 ?? 0) ?? [])), 900);
  assert.match(html, /Long run: each point of hour\.json covers 6 s/);
});

test('the latency histogram counts every response once, in log buckets', () => {
  const h = createHistogram();
  for (let i = 0; i < 900; i++) recordUs(h, 1000);
  for (let i = 0; i < 100; i++) recordUs(h, 100_000);
  const b = latencyBuckets(h);
  assert.equal(Math.round(b.reduce((s, [, pct]) => s + pct, 0)), 100);
  assert.equal(b[0][1], 90);
  assert.equal(b[b.length - 1][1], 10);
  assert.equal(b.length, 2 * 12 + 1, 'from 1 ms to 100 ms: two decades of buckets, empty ones at 0 %');
});

test('nice ticks cover the range with round steps', () => {
  assert.deepEqual(niceTicks(9.3), [0, 2, 4, 6, 8, 10]);
  assert.deepEqual(niceTicks(100), [0, 20, 40, 60, 80, 100]);
  assert.deepEqual(niceTicks(0), [0]);
});
