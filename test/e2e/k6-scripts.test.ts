// k6 scripts run unchanged by `runner run` (in process), against a recording server: what the server received
// proves k6's semantics (per-VU module state, __VU/__ITER, form bodies, redirects, cookies reset per iteration,
// SharedArray shared, setup data, teardown) and the result proves what runner reported (group tags, custom
// metric thresholds → exit 99, handleSummary files). Unsupported modules and unawaitable blocking calls exit 2.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunResult } from '../../src/result/types.ts';
import { startTestServer, type Behaviour, type RecordedRequest } from '../helpers/server.ts';
import { runInProcess } from './in-process.ts';

const dir = await mkdtemp(join(tmpdir(), 'runner-k6-'));
after(() => rm(dir, { recursive: true, force: true }));

const json = (v: unknown): Behaviour => ({ kind: 'respond', status: 200, body: JSON.stringify(v), headers: { 'content-type': 'application/json' } });

/** Writes `script` and runs it with BASE pointing at the server; returns the exit code, output and result file. */
async function runScript(name: string, script: string, base: string, extra: string[] = []) {
  const file = join(dir, name);
  await writeFile(file, script);
  const out = join(dir, `${name}.result.json`);
  await rm(out, { force: true });
  const r = await runInProcess(['run', file, '-e', `BASE=${base}`, '--out', out, ...extra], dir);
  let result: RunResult | undefined;
  try {
    result = JSON.parse(await readFile(out, 'utf8')) as RunResult;
  } catch {
    result = undefined;
  }
  return { ...r, result };
}

const query = (r: RecordedRequest) => Object.fromEntries(new URL(r.path, 'http://x').searchParams);

test('k6 behaviours: module state per VU, __VU/__ITER, object body as form, redirects followed, groups in the result', { timeout: 60_000 }, async () => {
  const server = await startTestServer({
    handle: (req) => {
      if (req.path === '/r1') return { kind: 'respond', status: 302, headers: { location: '/r2' } };
      if (req.path === '/r2') return { kind: 'respond', status: 301, headers: { location: `${server.url}/end` } };
      return json({ ok: true });
    },
  });
  try {
    const { code, stderr, result } = await runScript(
      'behaviours.js',
      `import http from 'k6/http';
import { check, group } from 'k6';
export const options = { scenarios: { s: { executor: 'per-vu-iterations', vus: 2, iterations: 3 } } };
let calls = 0;
export default function () {
  calls++;
  group('shop', function () {
    group('cart', function () {
      http.post(\`\${__ENV.BASE}/form?vu=\${__VU}&iter=\${__ITER}&calls=\${calls}\`, { item: 'a b&c', qty: ['1', '2'] });
    });
  });
  const res = http.get(\`\${__ENV.BASE}/r1\`);
  check(res, { followed: (r) => r.status === 200 && r.url === \`\${__ENV.BASE}/end\` });
}
`,
      server.url,
      ['-q'],
    );
    assert.equal(code, 0, stderr);
    const forms = server.received.filter((r) => r.path.startsWith('/form'));
    assert.equal(forms.length, 6);
    for (const f of forms) {
      assert.equal(f.body, 'item=a+b%26c&qty=1&qty=2');
      assert.equal(f.headers['content-type'], 'application/x-www-form-urlencoded');
    }
    // Each VU counts its own calls (module state per VU) and its own iterations (__ITER per VU, 0-based).
    const seen = forms.map(query).map((q) => `${q.vu}:${q.iter}:${q.calls}`).sort();
    assert.deepEqual(seen, ['1:0:1', '1:1:2', '1:2:3', '2:0:1', '2:1:2', '2:2:3']);
    assert.equal(server.received.filter((r) => r.path === '/r1').length, 6);
    assert.equal(server.received.filter((r) => r.path === '/r2').length, 6);
    assert.equal(server.received.filter((r) => r.path === '/end').length, 6);
    assert.ok(result);
    assert.deepEqual(result.checks.followed, { passes: 6, fails: 0 });
    const cart = result.k6?.groups.find((g) => g.path === '::shop::cart');
    assert.ok(cart, JSON.stringify(result.k6?.groups));
    assert.equal(Object.values(cart.requests).reduce((a, b) => a + b, 0), 6);
    // Each redirect hop is a request of its own, named by its URL (k6's default name tag).
    assert.equal(result.requests[`${server.url}/r2`].totals.requests, 6);
  } finally {
    await server.close();
  }
});

test('cookies: the VU jar is reset at each iteration; Set-Cookie of a redirect is kept; local jars and request cookies', { timeout: 60_000 }, async () => {
  const server = await startTestServer({
    handle: (req) => {
      const q = query(req);
      if (req.path.startsWith('/login')) return { kind: 'respond', status: 302, headers: { location: '/me', 'set-cookie': `sid=it${q.iter}; Path=/` } };
      return json({ cookie: req.headers.cookie ?? null });
    },
  });
  try {
    const { code, stderr, result } = await runScript(
      'cookies.js',
      `import http from 'k6/http';
import { check } from 'k6';
export const options = { iterations: 2 };
export default function () {
  const jar = http.cookieJar();
  const before = jar.cookiesForURL(__ENV.BASE).sid;
  const res = http.get(\`\${__ENV.BASE}/login?iter=\${__ITER}\`);
  check(res, { 'cookie sent after the redirect': (r) => r.json('cookie') === 'sid=it' + __ITER, 'jar empty at start': () => before === undefined });
  const local = new http.CookieJar();
  local.set(__ENV.BASE, 'x', '1');
  http.get(\`\${__ENV.BASE}/local\`, { jar: local, cookies: { extra: 'e' } });
  check(jar.cookiesForURL(__ENV.BASE), { 'vu jar has sid': (c) => c.sid[0] === 'it' + __ITER && c.x === undefined });
}
`,
      server.url,
      ['-q'],
    );
    assert.equal(code, 0, stderr);
    const logins = server.received.filter((r) => r.path.startsWith('/login'));
    assert.deepEqual(logins.map((r) => r.headers.cookie), [undefined, undefined]);
    assert.deepEqual(server.received.filter((r) => r.path === '/me').map((r) => r.headers.cookie), ['sid=it0', 'sid=it1']);
    assert.deepEqual(server.received.filter((r) => r.path === '/local').map((r) => r.headers.cookie), ['x=1; extra=e', 'x=1; extra=e']);
    for (const c of Object.values(result!.checks)) assert.equal(c.fails, 0, JSON.stringify(result!.checks));
  } finally {
    await server.close();
  }
});

test('setup data, SharedArray shared by VUs, open(), teardown, handleSummary files and stdout', { timeout: 60_000 }, async () => {
  const server = await startTestServer({ handle: (req) => (req.path === '/setup' ? json({ token: 'T1' }) : json({ ok: true })) });
  try {
    await writeFile(join(dir, 'users.json'), JSON.stringify([{ name: 'ann' }, { name: 'bob' }]));
    const { code, stdout, stderr } = await runScript(
      'lifecycle.js',
      `import http from 'k6/http';
import { SharedArray } from 'k6/data';
globalThis.__k6made = globalThis.__k6made ?? 0;
globalThis.__k6arrays = globalThis.__k6arrays ?? new Set();
const users = new SharedArray('users', function () { globalThis.__k6made++; return JSON.parse(open('./users.json')); });
globalThis.__k6arrays.add(users);
export const options = { scenarios: { s: { executor: 'per-vu-iterations', vus: 3, iterations: 1 } } };
export function setup() {
  return { token: http.get(\`\${__ENV.BASE}/setup\`).json().token };
}
export default function (data) {
  http.get(\`\${__ENV.BASE}/it?user=\${users[(__VU - 1) % users.length].name}&made=\${globalThis.__k6made}&arrays=\${globalThis.__k6arrays.size}\`, { headers: { 'X-Token': data.token } });
}
export function teardown(data) {
  http.get(\`\${__ENV.BASE}/teardown?token=\${data.token}\`);
}
export function handleSummary(data) {
  return { 'summary-out.json': JSON.stringify(data), stdout: 'SUMMARY ' + data.metrics.http_reqs.values.count + '\\n' };
}
`,
      server.url,
    );
    assert.equal(code, 0, stderr);
    const its = server.received.filter((r) => r.path.startsWith('/it'));
    assert.equal(its.length, 3);
    for (const r of its) {
      assert.equal(r.headers['x-token'], 'T1');
      // The array was built once (the load-time init run) and every VU holds that one array.
      assert.equal(query(r).made, '1');
      assert.equal(query(r).arrays, '1');
    }
    assert.deepEqual(its.map((r) => query(r).user).sort(), ['ann', 'ann', 'bob']);
    assert.deepEqual(server.received.filter((r) => r.path.startsWith('/teardown')).map(query), [{ token: 'T1' }]);
    // handleSummary's stdout replaces runner's summary; its file is written relative to the working directory.
    assert.equal(stdout, 'SUMMARY 5\n');
    const summary = JSON.parse(await readFile(join(dir, 'summary-out.json'), 'utf8'));
    assert.equal(summary.metrics.http_reqs.values.count, 5);
    assert.equal(summary.metrics.http_req_duration.type, 'trend');
    assert.equal(summary.metrics.http_req_duration.contains, 'time');
    assert.deepEqual(summary.setup_data, { token: 'T1' });
    assert.equal(summary.root_group.path, '');
  } finally {
    await server.close();
  }
});

test('custom metrics with tags and thresholds: all pass → exit 0; a failing one → exit 99', { timeout: 60_000 }, async () => {
  const server = await startTestServer();
  try {
    const script = `import http from 'k6/http';
import { Counter, Gauge, Rate, Trend } from 'k6/metrics';
const c = new Counter('my_counter');
const g = new Gauge('my_gauge');
const r = new Rate('my_rate');
const t = new Trend('my_trend', true);
export const options = {
  iterations: 3,
  thresholds: {
    my_counter: [\`count==\${__ENV.WANT}\`],
    'my_trend{kind:a}': ['max<100', 'avg>=10'],
    my_rate: ['rate>0.6'],
    my_gauge: ['value==7'],
    'http_reqs{status:200}': ['count==3'],
  },
};
export default function () {
  http.get(__ENV.BASE + '/');
  c.add(1);
  g.add(__ITER === 2 ? 7 : 1);
  r.add(__ITER > 0);
  t.add(10, { kind: 'a' });
  t.add(1000, { kind: 'b' });
}
`;
    const ok = await runScript('metrics-ok.js', script, server.url, ['-e', 'WANT=3']);
    assert.equal(ok.code, 0, ok.stderr + JSON.stringify(ok.result?.thresholds));
    // The end summary adds the custom metrics, with k6's aggregation names.
    assert.match(ok.stdout, /^ {2}my_counter +counter +count=3 rate=/m);
    assert.match(ok.stdout, /^ {2}my_gauge +gauge +value=7 min=1 max=7$/m);
    assert.deepEqual(ok.result!.thresholds!.my_counter, [{ expression: 'count==3', ok: true, value: 3 }]);
    assert.equal(ok.result!.thresholds!['my_trend{kind:a}'][0].value, 10);
    assert.equal(ok.result!.k6!.metrics.my_trend.values.max, 1000);
    const bad = await runScript('metrics-bad.js', script, server.url, ['-q', '-e', 'WANT=4']);
    assert.equal(bad.code, 99, bad.stderr);
    assert.deepEqual(bad.result!.thresholds!.my_counter, [{ expression: 'count==4', ok: false, value: 3 }]);
  } finally {
    await server.close();
  }
});

test('unsupported modules and remote imports: exit 2 at the import, naming the module', { timeout: 60_000 }, async () => {
  const cases = ['k6/browser', 'k6/net/grpc', 'k6/ws', 'k6/experimental/redis', 'https://jslib.k6.io/k6-utils/1.4.0/index.js'];
  for (const spec of cases) {
    const file = join(dir, 'unsupported.js');
    await writeFile(file, `import http from 'k6/http';\nimport x from '${spec}';\nexport default function () { http.get('http://127.0.0.1:1/'); }\n`);
    const { code, stderr } = await runInProcess(['run', file], dir);
    assert.equal(code, 2, spec);
    assert.ok(stderr.includes('unsupported.js:2:15'), stderr);
    assert.ok(stderr.includes(`'${spec}'`), stderr);
    assert.doesNotMatch(stderr, /\n\s+at /);
  }
});

test('a blocking call inside a .forEach() callback: exit 2 at the call, with a hint', { timeout: 60_000 }, async () => {
  const file = join(dir, 'foreach.js');
  await writeFile(file, `import http from 'k6/http';\nexport default function () {\n  ['a', 'b'].forEach((p) => {\n    http.get('http://127.0.0.1:1/' + p);\n  });\n}\n`);
  const { code, stderr } = await runInProcess(['run', file], dir);
  assert.equal(code, 2);
  assert.ok(stderr.includes('foreach.js:4:5'), stderr);
  assert.match(stderr, /for\.\.\.of/);
});

test('scenarios with exec, k6/execution, http API: batch, url tags, expected statuses, basic auth, verbs, error codes', { timeout: 60_000 }, async () => {
  const server = await startTestServer({
    handle: (req): Behaviour => {
      if (req.path.startsWith('/missing')) return { kind: 'respond', status: 404, body: 'no' };
      if (req.path.startsWith('/slow')) return { kind: 'hang' };
      if (req.path.startsWith('/bytes')) return { kind: 'respond', status: 200, body: new Uint8Array([0, 255, 128, 10]), headers: { 'content-type': 'application/octet-stream' } };
      if (req.path.startsWith('/late')) return { kind: 'respond', status: 200, body: 'late', delayMs: 150 };
      return { kind: 'respond', status: 200, body: JSON.stringify({ method: req.method, items: [{ id: 7 }, { id: 8 }] }), headers: { 'content-type': 'application/json', 'x-custom-thing': 'v' } };
    },
  });
  try {
    const { code, stderr, result } = await runScript(
      'api.js',
      `import http from 'k6/http';
import { check } from 'k6';
import exec from 'k6/execution';
export const options = {
  scenarios: {
    a: { executor: 'per-vu-iterations', vus: 1, iterations: 1, exec: 'fa' },
    b: { executor: 'shared-iterations', vus: 1, iterations: 1, exec: 'fb' },
  },
};
const BASE = __ENV.BASE;
export function fa() {
  const [one, two] = http.batch([BASE + '/b1', ['POST', BASE + '/b2', 'x', { tags: { name: 'b2' } }]]);
  const byKey = http.batch({ k: { method: 'PUT', url: BASE + '/b3' } });
  const id = 42;
  http.get(http.url\`\${BASE}/items/\${id}\`);
  http.setResponseCallback(http.expectedStatuses(200, 404));
  const missing = http.get(BASE + '/missing');
  const authed = http.get(BASE.replace('http://', 'http://ann:s3cret@') + '/auth');
  for (const verb of ['put', 'patch', 'del', 'options']) http[verb](BASE + '/verb', 'body');
  http.head(BASE + '/verb');
  http.request('TRACE', BASE + '/verb');
  const refused = http.get('http://127.0.0.1:1/');
  const slow = http.get(BASE + '/slow', { timeout: '200ms' });
  const bytes = new Uint8Array(http.get(BASE + '/bytes', { responseType: 'binary' }).body);
  const late = http.get(BASE + '/late');
  let threw = '';
  try {
    http.get('http://127.0.0.1:1/', { throw: true });
  } catch (e) {
    threw = String(e.message);
  }
  check(one, {
    'batch array': (r) => r.status === 200 && two.json('method') === 'POST' && byKey.k.json().method === 'PUT',
    'json selector': (r) => r.json('items.1.id') === 8 && r.json('items.#') === 2,
    'canonical headers': (r) => r.headers['X-Custom-Thing'] === 'v' && r.headers['Content-Type'] === 'application/json',
    'timings': (r) => r.timings.duration > 0 && r.timings.waiting > 0 && late.timings.waiting >= 100 && late.timings.waiting <= late.timings.duration && late.timings.receiving >= 0,
    'binary body': () => bytes.length === 4 && bytes[1] === 255 && bytes[2] === 128,
    'expected 404': () => missing.status === 404 && missing.error_code === 0,
    'auth': (r) => authed.status === 200,
    'refused 1212': () => refused.status === 0 && refused.error_code === 1212 && refused.error !== '',
    'timeout 1050': () => slow.error_code === 1050,
    'throw: true throws': () => threw.includes('connection refused'),
    'execution a': () => exec.scenario.name === 'a' && exec.vu.iterationInScenario === 0 && exec.vu.idInTest >= 1,
  });
}
export function fb() {
  check(null, { 'execution b': () => exec.scenario.name === 'b' && exec.scenario.executor === 'shared-iterations' });
}
`,
      server.url,
      ['-q'],
    );
    assert.equal(code, 0, stderr);
    for (const [name, c] of Object.entries(result!.checks)) assert.equal(c.fails, 0, `${name}: ${JSON.stringify(result!.checks)}`);
    const auth = server.received.find((r) => r.path === '/auth');
    assert.equal(auth?.headers.authorization, `Basic ${Buffer.from('ann:s3cret').toString('base64')}`);
    assert.deepEqual(server.received.filter((r) => r.path === '/verb').map((r) => r.method).sort(), ['DELETE', 'HEAD', 'OPTIONS', 'PATCH', 'PUT', 'TRACE']);
    // http.url names the request by its template (every interpolation is \${}, BASE too, as in k6); tags.name by the tag.
    assert.ok(result!.requests['\${}/items/\${}'], Object.keys(result!.requests).join(', '));
    assert.ok(result!.requests[`${server.url}/auth`], 'credentials are not part of the name');
    assert.ok(result!.requests.b2);
    // The 404 was expected (setResponseCallback): only the refused and timed-out requests failed.
    assert.equal(result!.totals.unexpectedStatus, 0);
    assert.equal(result!.totals.errors.refused, 2);
  } finally {
    await server.close();
  }
});

test('test.abort() stops the run: no iteration starts after it', { timeout: 60_000 }, async () => {
  const server = await startTestServer();
  try {
    const { code, stderr, result } = await runScript(
      'abort.js',
      `import http from 'k6/http';
import exec from 'k6/execution';
export const options = { vus: 1, duration: '30s' };
export default function () {
  http.get(__ENV.BASE + '/');
  console.log('iteration', __ITER, { vu: __VU });
  if (__ITER === 2) exec.test.abort('enough');
}
`,
      server.url,
      ['-q'],
    );
    assert.notEqual(code, 0);
    assert.equal(server.count, 3);
    assert.equal(result!.outcome, 'aborted');
    assert.ok(result!.durationMs < 20_000);
    assert.ok(result!.warnings.includes('the script called test.abort(): test aborted: enough'), JSON.stringify(result!.warnings));
    // console writes k6's log lines to stderr, not into the summary on stdout.
    assert.match(stderr, /^INFO\[\d{4}\] iteration 2 \{"vu":1\} source=console$/m);
  } finally {
    await server.close();
  }
});

test('abortOnFail on a custom metric stops the run within about a second: exit 99, the threshold marked', { timeout: 60_000 }, async () => {
  const server = await startTestServer();
  try {
    const { code, stderr, result } = await runScript(
      'abort-on-fail.js',
      `import http from 'k6/http';
import { sleep } from 'k6';
import { Rate } from 'k6/metrics';
const ok = new Rate('ok_rate');
export const options = { vus: 1, duration: '30s', thresholds: { ok_rate: [{ threshold: 'rate>0.5', abortOnFail: true }] } };
export default function () {
  http.get(__ENV.BASE + '/');
  ok.add(false);
  sleep(0.05);
}
`,
      server.url,
      ['-q'],
    );
    assert.equal(code, 99, stderr);
    assert.equal(result!.outcome, 'aborted');
    assert.ok(result!.durationMs < 15_000, String(result!.durationMs));
    assert.deepEqual(result!.thresholds!.ok_rate, [{ expression: 'rate>0.5', ok: false, value: 0, abortOnFail: true, abortedRun: true }]);
  } finally {
    await server.close();
  }
});
