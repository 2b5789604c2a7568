// Threshold expressions and metric keys: k6's grammar, accepted and rejected forms, positions of errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isUserError } from '../../src/errors.ts';
import { compileThresholds, parseExpression, parseKey, compilePlanThresholds } from '../../src/metrics/thresholds/parse.ts';
import type { Plan } from '../../src/plan/types.ts';

const good: [string, unknown][] = [
  ['p(99)<500', { aggregation: { kind: 'percentile', percentile: 99 }, operator: '<', value: 500 }],
  ['p(99.9) <= 1000', { aggregation: { kind: 'percentile', percentile: 99.9 }, operator: '<=', value: 1000 }],
  ['p(0)>0', { aggregation: { kind: 'percentile', percentile: 0 }, operator: '>', value: 0 }],
  ['avg<200', { aggregation: { kind: 'avg' }, operator: '<', value: 200 }],
  [' min >= 1.5 ', { aggregation: { kind: 'min' }, operator: '>=', value: 1.5 }],
  ['max<3000', { aggregation: { kind: 'max' }, operator: '<', value: 3000 }],
  ['med<100', { aggregation: { kind: 'med' }, operator: '<', value: 100 }],
  ['rate<0.01', { aggregation: { kind: 'rate' }, operator: '<', value: 0.01 }],
  ['count>100', { aggregation: { kind: 'count' }, operator: '>', value: 100 }],
  ['count==0', { aggregation: { kind: 'count' }, operator: '==', value: 0 }],
  ['count===0', { aggregation: { kind: 'count' }, operator: '==', value: 0 }],
  ['count!=3', { aggregation: { kind: 'count' }, operator: '!=', value: 3 }],
  ['avg>-1', { aggregation: { kind: 'avg' }, operator: '>', value: -1 }],
];

const bad = ['p99<500', 'p(99)', 'p(101)<5', 'avg<', 'avg 200', 'mean<200', 'avg<200ms', 'avg<<200', 'p(x)<1', '', 'avg<1e3', 'rate<0.01 && avg<3'];

test('expressions k6 accepts parse to aggregation, operator and value', () => {
  for (const [text, want] of good) assert.deepEqual(parseExpression(text), want, text);
});

test('malformed expressions are errors that quote the text', () => {
  for (const text of bad) {
    const got = parseExpression(text);
    assert.ok('error' in got, `${JSON.stringify(text)} should not parse`);
    assert.match(got.error, new RegExp(`'${text.replace(/[()*+.?[\]\\|^$]/g, '\\$&')}'`));
  }
});

test('metric keys: k6 names, a {name:X} filter on request metrics, helpful errors', () => {
  const names = ['signup', 'login'];
  assert.deepEqual(parseKey('http_req_duration', names), { metric: 'http_req_duration' });
  assert.deepEqual(parseKey('http_req_duration{name:signup}', names), { metric: 'http_req_duration', requestName: 'signup' });
  assert.deepEqual(parseKey('http_req_failed{ name : login }', names), { metric: 'http_req_failed', requestName: 'login' });
  assert.deepEqual(parseKey('checks', names), { metric: 'checks' });
  const cases: [string, RegExp, RegExp?][] = [
    ['http_req_duraton', /unknown threshold metric 'http_req_duraton'/, /http_req_duration/],
    ['iteration_duration', /not measured by runner/],
    ['http_req_waiting', /not measured by runner/],
    ['http_req_duration{status:200}', /filters only by request name/],
    ['http_req_duration{name:sigup}', /no request is named 'sigup'/, /signup/],
    ['checks{name:signup}', /no per-request values/],
    ['http_reqs{', /not a metric name/],
  ];
  for (const [key, message, hint] of cases) {
    const got = parseKey(key, names);
    assert.ok('error' in got, key);
    assert.match(got.error, message, key);
    if (hint) assert.match(got.hint ?? '', hint, key);
  }
});

test('compileThresholds checks aggregations per metric kind and reports every problem at its location', () => {
  const at = (line: number) => ({ file: 's.yaml', line, column: 5 });
  const ok = compileThresholds(
    [
      { metric: 'http_req_duration', expression: 'p(99)<500', abortOnFail: false, delayAbortEvalMs: 0, location: at(1) },
      { metric: 'http_req_failed', expression: 'rate<0.01', abortOnFail: true, delayAbortEvalMs: 0, location: at(2) },
      { metric: 'http_reqs{name:signup}', expression: 'rate>10', abortOnFail: false, delayAbortEvalMs: 0, location: at(3) },
      { metric: 'dropped_iterations', expression: 'count==0', abortOnFail: false, delayAbortEvalMs: 0, location: at(4) },
    ],
    ['signup'],
  );
  assert.equal(ok.length, 4);
  assert.equal(ok[1].abortOnFail, true);
  assert.equal(ok[2].requestName, 'signup');

  try {
    compileThresholds(
      [
        { metric: 'http_req_duration', expression: 'rate<0.1', abortOnFail: false, delayAbortEvalMs: 0, location: at(7) },
        { metric: 'http_req_failed', expression: 'p(95)<1', abortOnFail: false, delayAbortEvalMs: 0, location: at(8) },
        { metric: 'checks', expression: 'count>1', abortOnFail: false, delayAbortEvalMs: 0, location: at(9) },
        { metric: 'http_reqs', expression: 'avg<1', abortOnFail: false, delayAbortEvalMs: 0, location: at(10) },
        { metric: 'http_req_duration', expression: 'p99<1', abortOnFail: false, delayAbortEvalMs: 0, location: at(11) },
      ],
      ['signup'],
    );
    assert.fail('should throw');
  } catch (err) {
    assert.ok(isUserError(err));
    assert.deepEqual(err.diagnostics.map((d) => d.location?.line), [7, 8, 9, 10, 11]);
    assert.match(err.diagnostics[0].message, /'rate' does not apply to a trend metric/);
    assert.match(err.diagnostics[0].hint ?? '', /avg, min, max, med, p\(N\)/);
    assert.match(err.diagnostics[2].hint ?? '', /checks takes: rate/);
    assert.match(err.diagnostics[3].hint ?? '', /count, rate/);
  }
});

test('a {name:X} the plan does not list is accepted only when a code scenario may name it at run time', () => {
  const names = ['signup'];
  assert.deepEqual(parseKey('http_req_duration{name:GET /me}', names, { namesAtRunTime: true }), {
    metric: 'http_req_duration',
    requestName: 'GET /me',
    nameAtRunTime: true,
  });
  assert.deepEqual(parseKey('http_req_duration{name:signup}', names, { namesAtRunTime: true }), { metric: 'http_req_duration', requestName: 'signup' });
  assert.ok('error' in parseKey('http_req_duration{name:GET /me}', names));
  const spec = { metric: 'http_reqs{name:checkout}', expression: 'count>0', abortOnFail: false, delayAbortEvalMs: 0 };
  const code = { iteration: () => undefined } as unknown as Plan['scenarios'][number];
  const yaml = { steps: [] } as unknown as Plan['scenarios'][number];
  assert.equal(compilePlanThresholds({ thresholds: [spec], requestNames: [], scenarios: [code] })[0].nameAtRunTime, true);
  assert.throws(() => compilePlanThresholds({ thresholds: [spec], requestNames: [], scenarios: [yaml] }), /no request is named 'checkout'/);
});
