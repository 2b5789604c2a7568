// Threshold verdicts on a known RunResult: every metric and aggregation, no-data cases, the result-file shape.
import { test } from 'node:test';
import { fail, respond } from '../helpers/samples.ts';
import assert from 'node:assert/strict';
import { createCollector } from '../../src/metrics/collector.ts';
import { evaluateThresholds, thresholdsFailed, thresholdsToJson, noDataWarnings } from '../../src/metrics/thresholds/evaluate.ts';
import { compileThresholds } from '../../src/metrics/thresholds/parse.ts';
import { renderSummary } from '../../src/report/summary.ts';
import { resultOf } from '../helpers/result-fixture.ts';
import type { RunResult } from '../../src/result/types.ts';

/** 1000 signups at 1..1000 ms, 10 of them 500s; 90 logins at 5 ms and 10 refused. 10 s. */
function result(): RunResult {
  const c = createCollector(['signup', 'login']);
  for (let i = 1; i <= 1000; i++) respond(c, 0, i <= 10 ? 500 : 200, i * 1000, i * 1000, 100, 100, i > 10);
  for (let i = 0; i < 90; i++) respond(c, 1, 200, 5000, 5000, 100, 100, true);
  for (let i = 0; i < 10; i++) fail(c, 1, 'refused', 0, 0);
  return resultOf(c, { durationMs: 10_000, iterations: { started: 1100, completed: 1000, failed: 100, dropped: 7, aborted: 0 }, checks: { a: { passes: 990, fails: 10 } } });
}

function verdict(metric: string, expression: string, r = result()) {
  const [t] = compileThresholds([{ metric, expression, abortOnFail: false, delayAbortEvalMs: 0 }], ['signup', 'login']);
  return evaluateThresholds([t], r)[0];
}

test('each metric and aggregation is measured in its unit', () => {
  const cases: [string, string, number, boolean][] = [
    ['http_req_duration{name:signup}', 'p(99)<1000', 990, true],
    ['http_req_duration{name:signup}', 'p(50)<501', 500, true],
    ['http_req_duration{name:signup}', 'med<=501', 500, true],
    ['http_req_duration{name:signup}', 'max<1000', 1000, false],
    ['http_req_duration{name:signup}', 'min>1', 1, false],
    ['http_req_duration{name:signup}', 'avg<500', 500.5, false],
    ['http_req_duration{name:login}', 'p(99)<6', 5, true],
    ['http_req_failed', 'rate<0.01', 0.018182, false],
    ['http_req_failed{name:signup}', 'rate<=0.01', 0.01, true],
    ['http_req_failed{name:login}', 'rate<0.2', 0.1, true],
    ['http_reqs', 'count==1100', 1100, true],
    ['http_reqs', 'rate>100', 110, true],
    ['http_reqs{name:login}', 'count<100', 100, false],
    ['checks', 'rate>0.99', 0.99, false],
    ['iterations', 'count==1100', 1100, true],
    ['iterations', 'rate<100', 110, false],
    ['dropped_iterations', 'count==0', 7, false],
  ];
  for (const [metric, expression, value, ok] of cases) {
    const v = verdict(metric, expression);
    assert.ok(Math.abs((v.value ?? NaN) - value) < value * 0.002 + 1e-9, `${metric} ${expression}: value ${v.value}, want ≈${value}`);
    assert.equal(v.ok, ok, `${metric} ${expression}`);
  }
});

test('the result-file shape, the failure flag and the summary block', () => {
  const r = result();
  const ts = compileThresholds(
    [
      { metric: 'http_req_duration', expression: 'p(99)<1', abortOnFail: true, delayAbortEvalMs: 0 },
      { metric: 'http_req_duration', expression: 'avg<1000', abortOnFail: false, delayAbortEvalMs: 0 },
      { metric: 'http_reqs', expression: 'count>1', abortOnFail: false, delayAbortEvalMs: 0 },
    ],
    ['signup', 'login'],
  );
  const verdicts = evaluateThresholds(ts, r);
  r.thresholds = thresholdsToJson(verdicts, verdicts[0]);
  assert.deepEqual(Object.keys(r.thresholds), ['http_req_duration', 'http_reqs']);
  assert.deepEqual(r.thresholds.http_req_duration[0], { expression: 'p(99)<1', ok: false, value: r.thresholds.http_req_duration[0].value, abortOnFail: true, abortedRun: true });
  assert.equal(thresholdsFailed(r.thresholds), true);
  assert.equal(thresholdsFailed({ x: [{ expression: 'count>1', ok: true, value: 2 }] }), false);
  assert.equal(thresholdsFailed(undefined), false);
  // A threshold that stopped the run stays failed with the live value, even if the final numbers pass it.
  const stopped = thresholdsToJson(verdicts, { threshold: ts[2], ok: false, value: 0 });
  assert.deepEqual(stopped.http_reqs, [{ expression: 'count>1', ok: false, value: 0, abortedRun: true }]);
  const text = renderSummary(r, { color: false });
  assert.match(text, /✗ http_req_duration {2}p\(99\)<1 {3}p\(99\)=\d+(\.\d+)?ms {2}\(stopped the run: abortOnFail\)/);
  assert.match(text, /✓ http_req_duration {2}avg<1000 {2}avg=\d+/);
  assert.match(text, /✓ http_reqs {10}count>1 {3}count=1,100/);
  assert.match(text, /1 of 3 thresholds failed/);
});

test('a run-time {name:X} that no request used is skipped mid-run and fails at the end, with a warning', () => {
  const [t] = compileThresholds([{ metric: 'http_req_duration{name:chekout}', expression: 'p(99)<100', abortOnFail: true, delayAbortEvalMs: 0 }], ['signup', 'login'], {
    namesAtRunTime: true,
  });
  const r = result();
  assert.deepEqual(evaluateThresholds([t], r).map((v) => [v.value, v.ok]), [[null, true]], 'live: the name may still come');
  assert.deepEqual(evaluateThresholds([t], r, true).map((v) => [v.value, v.ok]), [[null, false]]);
  assert.deepEqual(noDataWarnings([t], r), ["threshold http_req_duration{name:chekout}: no request was named 'chekout', so it failed; request names: signup, login"]);
  const [known] = compileThresholds([{ metric: 'http_req_duration{name:login}', expression: 'p(99)<100', abortOnFail: false, delayAbortEvalMs: 0 }], ['signup', 'login'], { namesAtRunTime: true });
  assert.deepEqual(noDataWarnings([known], r), []);
  assert.equal(evaluateThresholds([known], r, true)[0].ok, true);
});
