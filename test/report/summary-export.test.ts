// --summary-export: a trend or rate with no samples is left out (as k6 leaves out unobserved metrics), never 0 ms.
import { resultOf } from '../helpers/result-fixture.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCollector } from '../../src/metrics/collector.ts';
import { buildSummaryExport } from '../../src/report/summary-export.ts';

function run(record: (c: ReturnType<typeof createCollector>) => void) {
  const c = createCollector(['login', 'idle']);
  record(c);
  return resultOf(c, { iterations: { started: 3, completed: 0, failed: 3, dropped: 0, aborted: 0 } });
}

test('a metric with no samples is not exported as 0 ms / 0 % failed; counters keep their 0; thresholds stay', () => {
  const r = run((c) => {
    for (let i = 0; i < 3; i++) c.error(0, 'refused', 0, 0);
  });
  r.thresholds = { http_req_duration: [{ expression: 'p(95)<200', ok: false, value: null }] };
  const metrics = buildSummaryExport(r).metrics as Record<string, Record<string, unknown>>;
  assert.deepEqual(metrics.http_req_duration, { thresholds: { 'p(95)<200': { ok: false, value: null } } });
  assert.equal(metrics['http_req_duration{name:login}'], undefined);
  assert.equal(metrics['http_req_duration{name:idle}'], undefined);
  assert.deepEqual(metrics['http_req_failed{name:login}'], { rate: 1, passes: 0, fails: 3 });
  assert.equal(metrics['http_req_failed{name:idle}'], undefined, 'no request: no failure rate');
  assert.deepEqual(metrics['http_reqs{name:idle}'], { count: 0, rate: 0 });
  assert.equal(metrics.checks, undefined);
  // No stat anywhere claims a latency of 0.
  assert.doesNotMatch(JSON.stringify(metrics), /"(avg|min|med|max|p\([\d.]+\))":0\b/);
});

test('a metric with samples is exported in full', () => {
  const r = run((c) => c.response(0, 200, 5000, 5000, 10, 10, true));
  const metrics = buildSummaryExport(r).metrics as Record<string, Record<string, number>>;
  // HDR precision: 3 significant digits.
  assert.ok(Math.abs(metrics['http_req_duration{name:login}'].avg - 5) < 0.01);
  assert.ok(Math.abs(metrics['http_req_duration{name:login}']['p(99)'] - 5) < 0.01);
  assert.deepEqual(metrics['http_req_failed{name:login}'], { rate: 0, passes: 1, fails: 0 });
});
