// k6 scripts with --workers: each thread loads the script itself and keeps its own k6 registry; the main thread
// merges their deltas, so custom metrics, sub-metric thresholds, the result's `k6` section and handleSummary's
// data are the one-thread run's; abortOnFail on a custom metric and test.abort() in one thread stop them all.
// The worker runs spawn the built CLI (threads load the bundle); the one-thread runs are in process.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunResult } from '../../src/result/types.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { runInProcess } from '../e2e/in-process.ts';
import { runCli } from '../e2e/cli.ts';

const servers: TestServer[] = [];
const dir = mkdtempSync(join(tmpdir(), 'runner-workers-k6-'));
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
  rmSync(dir, { recursive: true, force: true });
});

async function server(): Promise<TestServer> {
  const s = await startTestServer();
  servers.push(s);
  return s;
}

const METRICS_SCRIPT = `import http from 'k6/http';
import { check, group } from 'k6';
import exec from 'k6/execution';
import { Counter, Gauge, Rate, Trend } from 'k6/metrics';
const counter = new Counter('my_counter');
const trend = new Trend('my_trend');
const rate = new Rate('my_rate');
const gauge = new Gauge('my_gauge');
export const options = {
  scenarios: { s: { executor: 'per-vu-iterations', vus: 4, iterations: 6 }, b: { executor: 'per-vu-iterations', vus: 2, iterations: 2, exec: 'other' } },
  thresholds: { 'my_trend{kind:even}': ['max<1000'], my_rate: ['rate>0.3'], my_counter: ['count==24'] },
  summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'count'],
};
export default function () {
  const it = exec.scenario.iterationInTest;
  if (it === 0) console.log('first iteration');
  counter.add(1);
  trend.add(it, { kind: it % 2 === 0 ? 'even' : 'odd' });
  rate.add(it % 3 === 0);
  gauge.add(it);
  group('shop', function () {
    const res = http.get(\`\${__ENV.BASE}/x?vu=\${__VU}&iter=\${__ITER}&it=\${it}&id=\${exec.vu.idInTest}\`, { tags: { name: 'x' }, headers: { 'X-In-Instance': String(exec.scenario.iterationInInstance) } });
    check(res, { ok: (r) => r.status === 200 });
  });
}
export function other() {
  http.get(\`\${__ENV.BASE}/b?vu=\${__VU}&id=\${exec.vu.idInTest}&it=\${exec.scenario.iterationInTest}&iter=\${__ITER}\`, { tags: { name: 'b' } });
}
export function handleSummary(data) {
  console.log('handleSummary called');
  const pick = (k) => data.metrics[k];
  return { stdout: 'SUMMARY\\n', [__ENV.OUT]: JSON.stringify({ counter: pick('my_counter').values.count, trend: pick('my_trend').values, even: pick('my_trend{kind:even}'), rate: pick('my_rate').values, reqs: pick('http_reqs').values.count, durations: pick('http_req_duration').values.count, checks: pick('checks').values, root: data.root_group }) };
}
`;

test('a k6 script with --workers 2 gives the one-thread numbers: custom metrics, sub-metric thresholds, the k6 section, one handleSummary', { timeout: 120_000 }, async () => {
  const file = join(dir, 'metrics.js');
  writeFileSync(file, METRICS_SCRIPT);
  const runs = [];
  for (const workers of [0, 2]) {
    const srv = await server();
    const out = join(dir, `metrics-${workers}.json`);
    const summary = `summary-${workers}.json`;
    const args = ['run', file, '-e', `BASE=${srv.url}`, '-e', `OUT=${summary}`, '--out', out];
    const r = workers === 0 ? await runInProcess(args, dir) : await runCli([...args, '--workers', String(workers)], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    runs.push({ r, srv, result: JSON.parse(readFileSync(out, 'utf8')) as RunResult, summary: JSON.parse(readFileSync(join(dir, summary), 'utf8')) });
  }
  const [one, two] = runs;
  // __VU and k6/execution's ids are global: every thread numbers VUs and iterations as one thread does.
  const seen = (srv: TestServer) => srv.received.map((x) => new URL(x.path, 'http://h').search).sort();
  assert.equal(two.srv.count, 28);
  assert.deepEqual(seen(two.srv), seen(one.srv));
  // Scenario b's VUs are numbered after s's 4 (exec: 'other' runs in both threads).
  // scenario.iterationInInstance counts in start order per thread (k6's instance): 0..11 in each of the two.
  const inInstance = (srv: TestServer) => srv.received.filter((x) => x.path.startsWith('/x?')).map((x) => Number(x.headers['x-in-instance'])).sort((p, q) => p - q);
  assert.deepEqual(inInstance(one.srv), Array.from({ length: 24 }, (_, i) => i));
  assert.deepEqual(inInstance(two.srv), Array.from({ length: 24 }, (_, i) => i >> 1));
  const b = two.srv.received.filter((x) => x.path.startsWith('/b?')).map((x) => new URL(x.path, 'http://h').searchParams);
  assert.deepEqual(b.map((q) => `${q.get('vu')}=${q.get('id')}:${q.get('iter')}`).sort(), ['5=5:0', '5=5:1', '6=6:0', '6=6:1']);
  for (const { r } of runs) {
    assert.equal(r.stdout, 'SUMMARY\n', 'handleSummary replaced the summary, once');
    assert.equal(r.stderr.split('handleSummary called').length - 1, 1, r.stderr);
    assert.equal(r.stderr.split('first iteration').length - 1, 1, `a worker's console reaches stderr:\n${r.stderr}`);
  }
  const k6a = one.result.k6!;
  const k6b = two.result.k6!;
  for (const key of ['my_trend', 'my_trend{kind:even}', 'my_rate', 'http_req_duration{expected_response:true}']) assert.ok(k6b.metrics[key], key);
  assert.deepEqual(k6b.metrics.my_trend, k6a.metrics.my_trend);
  assert.deepEqual(k6b.metrics['my_trend{kind:even}'], k6a.metrics['my_trend{kind:even}']);
  assert.deepEqual(k6b.metrics.my_rate, k6a.metrics.my_rate);
  assert.equal(k6b.metrics.my_counter.values.count, 24);
  assert.deepEqual({ min: k6b.metrics.my_gauge.values.min, max: k6b.metrics.my_gauge.values.max }, { min: 0, max: 23 });
  const byPath = (k6: typeof k6a) => Object.fromEntries(k6.groups.map((g) => [g.path, g]));
  assert.deepEqual(byPath(k6b), byPath(k6a), 'the group tree, its checks and its requests');
  assert.deepEqual(k6b.groups.find((g) => g.path === '::shop')?.checks, { ok: { passes: 24, fails: 0 } });
  assert.deepEqual(two.result.thresholds, one.result.thresholds);
  assert.ok(Object.values(two.result.thresholds!).flat().every((t) => t.ok));
  assert.deepEqual(two.result.checks, one.result.checks);
  // handleSummary's data: built from the merged registry.
  assert.deepEqual(two.summary, one.summary);
  assert.equal(two.summary.counter, 24);
  assert.equal(two.summary.reqs, 28);
  assert.equal(two.summary.trend.count, 24);
  assert.equal(two.summary.even.values.count, 12);
  assert.equal(two.summary.durations, 28);
  assert.equal(two.result.totals.requests, 28);
});

test('--workers 2: abortOnFail on a custom metric stops every thread (exit 99), judged on the merged numbers', { timeout: 120_000 }, async () => {
  const srv = await server();
  const file = join(dir, 'abort-on-fail.js');
  writeFileSync(
    file,
    `import http from 'k6/http';
import { sleep } from 'k6';
import { Rate } from 'k6/metrics';
const errors = new Rate('errors');
export const options = {
  scenarios: { s: { executor: 'constant-vus', vus: 2, duration: '30s' } },
  thresholds: { errors: [{ threshold: 'rate<0.5', abortOnFail: true, delayAbortEval: '1s' }] },
};
export default function () {
  // VU 2 (worker 2) starts late and adds 3 failures per iteration; VU 1 (worker 1) adds one pass each.
  if (__VU === 2 && __ITER === 0) sleep(2);
  http.get(\`\${__ENV.BASE}/a\`);
  if (__VU === 2) for (let i = 0; i < 3; i++) errors.add(true);
  else errors.add(false);
  sleep(0.05);
}
`,
  );
  // Worker 1's passes reach the main thread first; the run stops once the sum crosses 0.5 — a value no single
  // thread has (worker 1's is 0, worker 2's 1).
  const out = join(dir, 'abort-on-fail.json');
  const r = await runCli(['run', file, '-e', `BASE=${srv.url}`, '--workers', '2', '--out', out, '-q'], { cwd: dir });
  assert.equal(r.code, 99, r.stderr);
  const result = JSON.parse(readFileSync(out, 'utf8')) as RunResult;
  assert.equal(result.outcome, 'aborted');
  assert.ok(result.durationMs < 20_000, `stopped after ${result.durationMs} ms`);
  const [t] = result.thresholds!.errors;
  assert.equal(t.ok, false);
  assert.equal(t.abortedRun, true);
  assert.ok(t.value! >= 0.5 && t.value! < 1, `the merged rate: ${t.value}`);
  assert.equal(result.totals.requests, srv.count, 'the books balance against the server');
});

test('--workers 2: test.abort() in one thread stops them all (exit 130, its reason once)', { timeout: 120_000 }, async () => {
  const srv = await server();
  const file = join(dir, 'test-abort.js');
  writeFileSync(
    file,
    `import http from 'k6/http';
import { sleep } from 'k6';
import exec from 'k6/execution';
export const options = { scenarios: { s: { executor: 'constant-vus', vus: 4, duration: '30s' } } };
export default function () {
  http.get(\`\${__ENV.BASE}/a?vu=\${__VU}\`);
  if (__VU === 2 && __ITER === 5) exec.test.abort('enough');
  sleep(0.05);
}
`,
  );
  const out = join(dir, 'test-abort.json');
  const r = await runCli(['run', file, '-e', `BASE=${srv.url}`, '--workers', '2', '--out', out, '-q'], { cwd: dir });
  assert.equal(r.code, 130, r.stderr);
  const result = JSON.parse(readFileSync(out, 'utf8')) as RunResult;
  assert.equal(result.outcome, 'aborted');
  assert.ok(result.durationMs < 20_000, `stopped after ${result.durationMs} ms`);
  assert.deepEqual(result.warnings.filter((w) => /test\.abort/.test(w)), ['the script called test.abort(): test aborted: enough']);
  // VU 1 and 3 ran in the other thread: stopped too.
  const vus = new Set(srv.received.map((x) => new URL(x.path, 'http://h').searchParams.get('vu')));
  assert.deepEqual([...vus].sort(), ['1', '2', '3', '4']);
  assert.equal(result.totals.requests, srv.count);
});

test('--workers 2: a k6 script\'s setup() runs once on the main thread, every VU gets its data, teardown() once, handleSummary sees it', { timeout: 120_000 }, async () => {
  const srv = await startTestServer({
    handle: (req) => (req.path === '/setup' ? { kind: 'respond', status: 200, body: '{"token":"T7"}', headers: { 'content-type': 'application/json' } } : { kind: 'respond', status: 200, body: 'ok' }),
  });
  servers.push(srv);
  const file = join(dir, 'setup.js');
  writeFileSync(
    file,
    `import http from 'k6/http';
import { check } from 'k6';
export const options = { scenarios: { s: { executor: 'per-vu-iterations', vus: 4, iterations: 3 } } };
export function setup() {
  return { token: http.get(\`\${__ENV.BASE}/setup\`).json().token, list: [1, 2, 3] };
}
export default function (data) {
  data.list.push(__VU); // each VU has its own copy: the next iteration of this VU sees 4 items, another VU 3
  check(http.get(\`\${__ENV.BASE}/it?vu=\${__VU}&n=\${data.list.length}\`, { headers: { 'X-Token': data.token } }), { ok: (r) => r.status === 200 });
}
export function teardown(data) {
  http.get(\`\${__ENV.BASE}/teardown?token=\${data.token}&n=\${data.list.length}\`);
}
export function handleSummary(data) {
  return { stdout: JSON.stringify(data.setup_data) + '\\n' };
}
`,
  );
  const out = join(dir, 'setup.json');
  const r = await runCli(['run', file, '-e', `BASE=${srv.url}`, '--workers', '2', '--out', out], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  const paths = srv.received.map((x) => x.path);
  assert.deepEqual(paths.filter((p) => p === '/setup'), ['/setup'], 'setup() once');
  assert.deepEqual(paths.filter((p) => p.startsWith('/teardown')), ['/teardown?token=T7&n=3'], 'teardown() once, with the data as setup returned it');
  const its = srv.received.filter((x) => x.path.startsWith('/it'));
  assert.equal(its.length, 12);
  assert.ok(its.every((x) => x.headers['x-token'] === 'T7'), 'every VU in every thread got the data');
  // A JSON copy per VU: its own pushes pile up over its iterations (4, 5, 6), never another VU's.
  const byVu = new Map<string, string[]>();
  for (const x of its) {
    const q = new URL(x.path, 'http://h').searchParams;
    byVu.set(q.get('vu')!, [...(byVu.get(q.get('vu')!) ?? []), q.get('n')!]);
  }
  assert.deepEqual([...byVu.keys()].sort(), ['1', '2', '3', '4']);
  for (const ns of byVu.values()) assert.deepEqual(ns.sort(), ['4', '5', '6']);
  assert.equal(r.stdout, '{"token":"T7","list":[1,2,3]}\n', 'handleSummary once, with setup_data');
  const result = JSON.parse(readFileSync(out, 'utf8')) as RunResult;
  assert.equal(result.totals.requests, 14);
  assert.deepEqual(result.checks.ok, { passes: 12, fails: 0 });
});
