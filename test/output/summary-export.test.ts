// --summary-export: k6's legacy JSON summary shape (a Rate is { passes: TRUE samples, fails, value }, thresholds
// are true when FAILED); a trend or rate with no samples is left out (as k6 leaves out unobserved metrics), never 0 ms.
import { resultOf } from '../helpers/result-fixture.ts';
import { fail, respond } from '../helpers/samples.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createCollector } from '../../src/metrics/collector.ts';
import { buildSummaryExport } from '../../src/output/summary-export.ts';

function run(record: (c: ReturnType<typeof createCollector>) => void, checks: Record<string, { passes: number; fails: number }> = {}) {
  const c = createCollector(['login', 'idle']);
  record(c);
  return resultOf(c, { iterations: { started: 3, completed: 0, failed: 3, dropped: 0, aborted: 0 }, checks });
}

test('a metric with no samples is not exported as 0 ms / 0 % failed; counters keep their 0; thresholds stay', () => {
  const r = run((c) => {
    for (let i = 0; i < 3; i++) fail(c, 0, 'refused', 0, 0);
  });
  r.thresholds = { http_req_duration: [{ expression: 'p(95)<200', ok: false, value: null }] };
  const metrics = buildSummaryExport(r).metrics as Record<string, Record<string, unknown>>;
  assert.deepEqual(metrics.http_req_duration, { thresholds: { 'p(95)<200': true } }, 'k6: true = the threshold failed');
  assert.equal(metrics['http_req_duration{name:login}'], undefined);
  assert.equal(metrics['http_req_duration{name:idle}'], undefined);
  assert.deepEqual(metrics['http_req_failed{name:login}'], { passes: 3, fails: 0, value: 1 });
  assert.equal(metrics['http_req_failed{name:idle}'], undefined, 'no request: no failure rate');
  assert.deepEqual(metrics['http_reqs{name:idle}'], { count: 0, rate: 0 });
  assert.equal(metrics.checks, undefined);
  // No stat anywhere claims a latency of 0.
  assert.doesNotMatch(JSON.stringify(metrics), /"(avg|min|med|max|p\([\d.]+\))":0\b/);
});

test('a metric with samples is exported in full', () => {
  const r = run((c) => respond(c, 0, 200, 5000, 5000, 10, 10, true));
  const metrics = buildSummaryExport(r).metrics as Record<string, Record<string, number>>;
  // HDR precision: 3 significant digits.
  assert.ok(Math.abs(metrics['http_req_duration{name:login}'].avg - 5) < 0.01);
  assert.ok(Math.abs(metrics['http_req_duration{name:login}']['p(99)'] - 5) < 0.01);
  assert.deepEqual(metrics['http_req_failed{name:login}'], { passes: 0, fails: 1, value: 0 });
});

// k6's legacy export (grafana/k6 internal/js/summary.go, summary-wrapper.js): a Rate's `passes` counts the TRUE
// samples — failed requests for http_req_failed — and its ratio is `value`. runner wrote
// { rate: 0, passes: 1779, fails: 0 }: a k6 reader saw 1,779 failed requests and no `value`.
test('k6 shapes with known counts: http_req_failed, checks, counters, trends, thresholds, root_group', () => {
  const r = run(
    (c) => {
      for (let i = 0; i < 6; i++) respond(c, 0, 200, 2000, 2000, 100, 50, true);
      for (let i = 0; i < 2; i++) respond(c, 0, 500, 4000, 4000, 100, 50, false);
      fail(c, 0, 'refused', 0, 0);
      respond(c, 1, 200, 1000, 1000, 100, 50, true);
    },
    { 'status is 200': { passes: 7, fails: 2 }, 'has body': { passes: 1, fails: 0 } },
  );
  r.thresholds = {
    http_req_failed: [{ expression: 'rate<0.5', ok: true, value: 0.3 }],
    checks: [{ expression: 'rate>0.99', ok: false, value: 0.8 }],
    'http_reqs{name:login}': [{ expression: 'count>1', ok: true, value: 9 }],
  };
  const out = buildSummaryExport(r);
  const metrics = out.metrics as Record<string, Record<string, unknown>>;
  // 10 requests: 2 unexpected statuses + 1 refused failed; passes = TRUE samples = failed requests.
  assert.deepEqual(metrics.http_req_failed, { passes: 3, fails: 7, value: 0.3, thresholds: { 'rate<0.5': false } });
  assert.deepEqual(metrics['http_req_failed{name:login}'], { passes: 3, fails: 6, value: 3 / 9 });
  assert.deepEqual(metrics['http_req_failed{name:idle}'], { passes: 0, fails: 1, value: 0 });
  // checks is a Rate too: passes = checks that held.
  assert.deepEqual(metrics.checks, { passes: 8, fails: 2, value: 0.8, thresholds: { 'rate>0.99': true } });
  // Counters: { count, rate }.
  assert.deepEqual(Object.keys(metrics.http_reqs).sort(), ['count', 'rate']);
  assert.equal(metrics.http_reqs.count, 10);
  assert.deepEqual(metrics['http_reqs{name:login}'], { count: 9, rate: metrics['http_reqs{name:login}'].rate, thresholds: { 'count>1': false } });
  for (const key of ['iterations', 'dropped_iterations', 'data_sent', 'data_received']) assert.deepEqual(Object.keys(metrics[key]).sort(), ['count', 'rate'], key);
  assert.equal(metrics.iterations.count, 3);
  assert.equal(metrics.data_sent.count, 900);
  assert.equal(metrics.data_received.count, 450);
  // Trends: k6's stat keys, in ms.
  assert.deepEqual(Object.keys(metrics.http_req_duration), ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)', 'p(99.9)']);
  assert.ok(Math.abs((metrics.http_req_duration.max as number) - 4) < 0.01);
  assert.ok(Math.abs((metrics.http_req_duration.min as number) - 1) < 0.01);
  // No Rate keeps runner's old `rate` key; every Rate is passes/fails/value.
  for (const [key, m] of Object.entries(metrics)) if ('passes' in m) assert.deepEqual(Object.keys(m).filter((k) => k !== 'thresholds'), ['passes', 'fails', 'value'], key);
  // Per-check counts where k6 writes them: root_group.checks, with k6's path and id (hex MD5 of the path).
  const root = out.root_group as { id: string; checks: Record<string, { name: string; path: string; id: string; passes: number; fails: number }> };
  assert.equal(root.id, 'd41d8cd98f00b204e9800998ecf8427e');
  assert.deepEqual(root.checks['status is 200'], { name: 'status is 200', path: '::status is 200', id: createHash('md5').update('::status is 200').digest('hex'), passes: 7, fails: 2 });
  assert.deepEqual(root.checks['has body'].passes, 1);
});
