// A threshold that measured nothing fails at the end of the run (value null, "no data"), never mid-run.
import { test } from 'node:test';
import { fail } from '../helpers/samples.ts';
import assert from 'node:assert/strict';
import { createCollector } from '../../src/metrics/collector.ts';
import { evaluateThresholds, noDataWarnings, thresholdsFailed, thresholdsToJson } from '../../src/metrics/thresholds/evaluate.ts';
import { compileThresholds } from '../../src/metrics/thresholds/parse.ts';
import { watchThresholds } from '../../src/metrics/thresholds/watch.ts';
import { renderSummary } from '../../src/report/summary.ts';
import { resultOf } from '../helpers/result-fixture.ts';
import type { RunResult } from '../../src/result/types.ts';

/** A run in which every request was refused: no response, no check, no latency. */
function deadRun(): RunResult {
  const c = createCollector(['login', 'other']);
  for (let i = 0; i < 5; i++) fail(c, 0, 'refused', 0, 0);
  return resultOf(c, { iterations: { started: 5, completed: 0, failed: 5, dropped: 0, aborted: 0 } });
}

const spec = (metric: string, expression: string, abortOnFail = false) => ({ metric, expression, abortOnFail, delayAbortEvalMs: 0 });

test('every threshold with no samples fails at the end with value null; counters of 0 are measured', () => {
  const ts = compileThresholds(
    [
      spec('http_req_duration', 'p(95)<200'),
      spec('http_req_duration{name:login}', 'avg<200'),
      spec('checks', 'rate>0.99'),
      spec('http_req_failed{name:other}', 'rate<0.01'),
      spec('http_reqs{name:other}', 'count<1'),
      spec('dropped_iterations', 'count<1'),
    ],
    ['login', 'other'],
  );
  const r = deadRun();
  const final = evaluateThresholds(ts, r, true).map((v) => [v.threshold.key, v.value, v.ok]);
  assert.deepEqual(final, [
    ['http_req_duration', null, false],
    ['http_req_duration{name:login}', null, false],
    ['checks', null, false],
    ['http_req_failed{name:other}', null, false],
    ['http_reqs{name:other}', 0, true],
    ['dropped_iterations', 0, true],
  ]);
  // Mid-run, no data yet is not a failure.
  assert.ok(evaluateThresholds(ts, r).every((v) => v.ok));
  r.thresholds = thresholdsToJson(evaluateThresholds(ts, r, true));
  assert.equal(thresholdsFailed(r.thresholds), true);
  assert.deepEqual(r.thresholds.checks, [{ expression: 'rate>0.99', ok: false, value: null }]);
  const text = renderSummary(r, { color: false });
  assert.match(text, /✗ http_req_duration +p\(95\)<200 +no data/);
  assert.match(text, /✗ checks +rate>0\.99 +no data/);
  assert.match(text, /4 of 6 thresholds failed/);
  assert.deepEqual(noDataWarnings(ts, r), [
    'threshold http_req_duration p(95)<200: no data (the metric has no samples), so it failed',
    'threshold http_req_duration{name:login} avg<200: no data (the metric has no samples), so it failed',
    'threshold checks rate>0.99: no data (the metric has no samples), so it failed',
    'threshold http_req_failed{name:other} rate<0.01: no data (the metric has no samples), so it failed',
  ]);
});

test('the abortOnFail watch does not abort a run for want of data', async () => {
  const [t] = compileThresholds([spec('http_req_duration', 'p(95)<200', true)], []);
  const metrics = createCollector([]);
  let aborted = 0;
  const watch = watchThresholds(
    { metrics, checks: { toJSON: () => ({}) }, iterations: { started: 0, completed: 0, failed: 0, dropped: 0, aborted: 0 }, elapsedMs: () => 5000 },
    [t],
    () => aborted++,
    10,
  );
  await new Promise((resolve) => setTimeout(resolve, 200));
  watch.stop();
  assert.equal(aborted, 0);
  assert.equal(watch.failed, undefined);
});
