// Thresholds end to end: exit 99 naming the failed threshold, 0 when all pass, 2 with file:line:col for a bad
// expression, abortOnFail stopping a long run early; and live progress lines on a non-TTY stderr.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { runCli, tempDir, writeFiles } from './report-helpers.ts';

let server: TestServer;
let dir: string;

before(async () => {
  server = await startTestServer({ behaviour: { kind: 'respond', status: 200, body: '{"ok":true}', delayMs: 2 }, record: false });
  dir = tempDir('runner-thresholds-');
});
after(() => server.close());

function scenario(thresholds: string, load = 'executor: shared-iterations\n  vus: 4\n  iterations: 200'): string {
  return `version: 1
name: th
target: ${server.url}
requests:
  - name: signup
    method: GET
    path: /x
    expect: 200
thresholds:
${thresholds}
load:
  ${load}
`;
}

test('an impossible p(99)<1 exits 99 and names the threshold; the result file records every verdict', async () => {
  const before = server.count;
  writeFiles(dir, {
    'fail.yaml': scenario('  http_req_duration: ["p(99)<1", "avg<5000"]\n  "http_req_duration{name:signup}": ["max<60000"]\n  http_req_failed: ["rate<0.01"]'),
  });
  const r = await runCli(dir, ['run', 'fail.yaml', '--out', 'fail.json']);
  assert.equal(r.code, 99, r.stderr);
  assert.equal(server.count - before, 200);
  assert.match(r.stdout, /✗ http_req_duration +p\(99\)<1 +p\(99\)=[\d.]+ms/);
  assert.match(r.stdout, /✓ http_req_duration +avg<5000/);
  assert.match(r.stdout, /✓ http_req_failed +rate<0\.01 +rate=0\.00%/);
  assert.match(r.stdout, /1 of 4 thresholds failed/);
  const result = JSON.parse(readFileSync(join(dir, 'fail.json'), 'utf8'));
  assert.equal(result.thresholds.http_req_duration[0].expression, 'p(99)<1');
  assert.equal(result.thresholds.http_req_duration[0].ok, false);
  assert.ok(result.thresholds.http_req_duration[0].value >= 2);
  assert.deepEqual(result.thresholds['http_req_duration{name:signup}'], [{ expression: 'max<60000', ok: true, value: result.requests.signup.latency.max }]);
  assert.deepEqual(result.thresholds.http_req_failed, [{ expression: 'rate<0.01', ok: true, value: 0 }]);
});

test('a loose set passes: exit 0', async () => {
  writeFiles(dir, { 'pass.yaml': scenario('  http_req_duration: ["p(99)<60000", "med<30000"]\n  http_reqs: ["count==200"]\n  checks: ["rate>0.99"]') });
  const r = await runCli(dir, ['run', 'pass.yaml']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /all 4 thresholds passed/);
});

test('a bad expression is a user error at its file:line:col, before any request', async () => {
  const before = server.count;
  writeFiles(dir, { 'bad.yaml': scenario('  http_req_duration: ["p(99)<500", "p99<500"]\n  http_req_faild: ["rate<0.01"]') });
  const r = await runCli(dir, ['run', 'bad.yaml']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /bad\.yaml:10:37: error: threshold 'p99<500' is not an expression/);
  assert.match(r.stderr, /bad\.yaml:11:21: error: unknown threshold metric 'http_req_faild'\n[^]*?hint: did you mean 'http_req_failed'\?/);
  assert.equal(server.count, before);
});

test('abortOnFail stops a 30 s run within seconds: exit 99, outcome aborted, the threshold marked', async () => {
  writeFiles(dir, {
    'abort.yaml': scenario('  http_req_duration:\n    - { threshold: "p(99)<1", abortOnFail: true }', 'executor: constant-vus\n  vus: 2\n  duration: 30s'),
  });
  const started = Date.now();
  const r = await runCli(dir, ['run', 'abort.yaml', '--out', 'abort.json']);
  const tookMs = Date.now() - started;
  assert.equal(r.code, 99, r.stderr);
  assert.ok(tookMs < 8000, `took ${tookMs} ms`);
  assert.match(r.stderr, /threshold http_req_duration: 'p\(99\)<1' failed \(abortOnFail\): stopping the run/);
  const result = JSON.parse(readFileSync(join(dir, 'abort.json'), 'utf8'));
  assert.equal(result.outcome, 'aborted');
  assert.deepEqual(Object.keys(result.thresholds.http_req_duration[0]).sort(), ['abortOnFail', 'abortedRun', 'expression', 'ok', 'value']);
  assert.match(r.stdout, /\(stopped the run: abortOnFail\)/);
});

test('delayAbortEval: an abortOnFail threshold may not stop the run before its delay', async () => {
  writeFiles(dir, {
    'delayed.yaml': scenario('  http_req_duration:\n    - { threshold: "p(99)<1", abortOnFail: true, delayAbortEval: 2500ms }', 'executor: constant-vus\n  vus: 2\n  duration: 30s'),
  });
  const started = Date.now();
  const r = await runCli(dir, ['run', 'delayed.yaml', '--out', 'delayed.json']);
  const tookMs = Date.now() - started;
  assert.equal(r.code, 99, r.stderr);
  assert.ok(tookMs >= 2500 && tookMs < 10_000, `took ${tookMs} ms`);
  const result = JSON.parse(readFileSync(join(dir, 'delayed.json'), 'utf8'));
  assert.equal(result.outcome, 'aborted');
  assert.ok(result.durationMs >= 2500, `ran ${result.durationMs} ms`);
});

test('progress: plain lines on a non-TTY stderr, none with --quiet', async () => {
  writeFiles(dir, { 'prog.yaml': scenario('  http_reqs: ["count>0"]', 'executor: constant-vus\n  vus: 2\n  duration: 1500ms') });
  const r = await runCli(dir, ['run', 'prog.yaml'], { RUNNER_PROGRESS_INTERVAL_MS: '300' });
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stderr.split('\n').filter((l) => l.startsWith('progress: '));
  assert.ok(lines.length >= 3, r.stderr);
  // The lines drawn while the load ran: on a busy machine a tick can also fall after the VUs ended and before
  // the progress stopped (then `1.6s / 1.5s (100%) … vus 0`, which is true but not what this test looks at).
  const during = lines.filter((l) => Number(/\((\d+)%\)/.exec(l)?.[1]) < 100);
  assert.ok(during.length >= 2, r.stderr);
  assert.match(during[during.length - 1], /^progress: [\d.]+s \/ 1\.5s \(\d+%\) {2}vus 2 {2}req\/s [\d,]+ {2}p50 [\d.]+ ms {2}p99 [\d.]+ ms {2}2xx [\d,]+ {2}errors 0$/);
  assert.doesNotMatch(r.stderr, /\x1b\[/);
  const quiet = await runCli(dir, ['run', 'prog.yaml', '--quiet'], { RUNNER_PROGRESS_INTERVAL_MS: '300' });
  assert.equal(quiet.code, 0);
  assert.equal(quiet.stderr, '');
  assert.equal(quiet.stdout, '');
});
