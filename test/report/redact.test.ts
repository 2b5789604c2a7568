// redactRunResult: secrets replaced in names and messages, never in keys of the format or in histograms; the
// redacted result reads back. URL passwords are redacted from any text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRunResult } from '../../src/report/read-result.ts';
import { createRedactor, redactRunResult, urlSecrets } from '../../src/report/redact.ts';
import { fixtureResult } from '../helpers/result-fixture.ts';

test('secrets that collide with base64 and JSON keys: the redacted result is still a valid result', () => {
  const result = fixtureResult({ name: 'nightly sk_live_1234', requests: ['login sk_live_1234', 'me'], warnings: ['token sk_live_1234 expired'] });
  result.thresholds = { 'http_req_duration{name:login sk_live_1234}': [{ expression: 'p(99)<5', ok: true, value: 1 }] };
  // 'HIST' and 'AAAA' are in every encoded histogram; 'count', 'mean', 'totals' are keys of the format.
  const redactor = createRedactor(['HIST', 'AAAA', 'count', 'mean', 'totals', 'sk_live_1234']);
  const redacted = redactRunResult(result, redactor);
  const text = JSON.stringify(redacted);
  assert.ok(!text.includes('sk_live_1234'));
  assert.equal(redacted.latency.hdr, result.latency.hdr);
  assert.equal(redacted.requests['login ***'].latency.hdr, result.requests['login sk_live_1234'].latency.hdr);
  assert.deepEqual(Object.keys(redacted.requests), ['login ***', 'me']);
  assert.equal(redacted.scenario.name, 'nightly ***');
  assert.deepEqual(redacted.warnings, ['token *** expired']);
  assert.deepEqual(Object.keys(redacted.thresholds ?? {}), ['http_req_duration{name:login ***}']);
  const back = parseRunResult(text, 'redacted.json');
  assert.equal(back.latency.count, result.latency.count);
  assert.equal(back.totals.requests, result.totals.requests);
});

test('values shorter than MIN_SECRET_LENGTH are not secrets: a 2-3 character env value changes nothing', () => {
  const result = fixtureResult();
  assert.deepEqual(redactRunResult(result, createRedactor(['HI', 'AAA', 'cou'])), result);
});

test('two names that redact alike stay two entries', () => {
  const result = fixtureResult({ requests: ['a sk_one_secret', 'a sk_two_secret'] });
  const redacted = redactRunResult(result, createRedactor(['sk_one_secret', 'sk_two_secret']));
  assert.deepEqual(Object.keys(redacted.requests), ['a ***', 'a *** (2)']);
});

test('URL passwords are redacted from any text, whatever their length; the user stays', () => {
  const r = createRedactor([]);
  assert.equal(r.text('GET http://bob:pw@example.test:8080/x failed'), 'GET http://bob:***@example.test:8080/x failed');
  assert.equal(r.text('https://:tok@h/ and http://h/?a=b@c'), 'https://:***@h/ and http://h/?a=b@c');
  assert.deepEqual(urlSecrets('http://u:p%40ss@h/'), ['p%40ss', 'p@ss']);
  assert.deepEqual(urlSecrets('http://h/'), []);
  assert.deepEqual(urlSecrets(undefined), []);
});

test('names inside per-second points and a k6 section are redacted too', () => {
  const result = fixtureResult({ requests: ['login sk_live_1234'], timeSeriesSeconds: 2 });
  result.timeSeries[0].requests = { 'login sk_live_1234': { finished: 1, errors: 0, p50: 1, p99: 1 } } as never;
  result.k6 = {
    metrics: { 'http_req_duration{name:login sk_live_1234}': { type: 'trend', contains: 'time', values: { avg: 1 } } },
    groups: [{ path: '::sk_live_1234', name: 'sk_live_1234', checks: { 'ok sk_live_1234': { passes: 1, fails: 0 } }, requests: { 'login sk_live_1234': 1 } }],
  };
  const redacted = redactRunResult(result, createRedactor(['sk_live_1234']));
  assert.ok(!JSON.stringify(redacted).includes('sk_live_1234'), JSON.stringify(redacted).slice(0, 400));
  assert.deepEqual(Object.keys(redacted.timeSeries[0].requests ?? {}), ['login ***']);
  assert.deepEqual(Object.keys(redacted.k6?.metrics ?? {}), ['http_req_duration{name:login ***}']);
});
