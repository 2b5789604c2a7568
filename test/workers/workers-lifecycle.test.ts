// --workers with setup() and teardown(): both run once, on the main thread; the threads get setup's data (a
// structured clone) with their "go". A setup() that throws ends the run as on one thread, with no load; data no
// thread can receive is a user error before any load (teardown still runs); Ctrl-C still runs teardown once.
// In process (main(io), the threads boot the sources through tsx) except the signal case (the built CLI).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { RunResult } from '../../src/result/types.ts';
import { binPath } from '../e2e/cli.ts';
import { runInProcess } from '../e2e/in-process.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const servers: TestServer[] = [];
after(() => Promise.all(servers.map((s) => s.close())));
const dir = mkdtempSync(join(tmpdir(), 'runner-workers-life-'));

async function server(): Promise<TestServer> {
  const s = await startTestServer();
  servers.push(s);
  return s;
}

function scenario(name: string, body: string): string {
  const file = join(dir, `${name}.ts`);
  writeFileSync(file, `import { defineScenario } from 'runner';\n${body}\n`);
  return file;
}

/** How many requests the server got on each path (without the query). */
function byPath(s: TestServer): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of s.received) {
    const p = r.path.split('?')[0];
    out[p] = (out[p] ?? 0) + 1;
  }
  return out;
}

test('--workers 2: setup() and teardown() run once each on the main thread, and every thread\'s iterations get setup\'s data (was: refused, exit 2)', async () => {
  const s = await server();
  const file = scenario(
    'once',
    `export default defineScenario({
  target: '${s.url}',
  load: { executor: 'shared-iterations', vus: 4, iterations: 40 },
  setup: async ({ http }) => {
    await http.get('/setup', { name: 'setup' });
    // Made here, once: a thread that ran setup() itself would send another token.
    return { token: 'tok-' + Math.random().toString(36).slice(2), since: new Date(0), roles: new Map([['admin', 7]]) };
  },
  teardown: async ({ http, data }) => { await http.get('/teardown?t=' + data.token, { name: 'teardown' }); },
  iteration: async ({ http, data }) => {
    await http.get('/it?t=' + data.token + '&date=' + (data.since instanceof Date) + '&admin=' + data.roles.get('admin'), { name: 'it' });
  },
});`,
  );
  const out = join(dir, 'once.json');
  const ndjson = join(dir, 'once.ndjson');
  const r = await runInProcess(['run', file, '--workers', '2', '--out', out, '--out', `ndjson=${ndjson}`], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(byPath(s), { '/setup': 1, '/it': 40, '/teardown': 1 });
  const tokens = new Set(s.received.filter((x) => !x.path.startsWith('/setup')).map((x) => new URL(x.path, s.url).searchParams.get('t')));
  assert.equal(tokens.size, 1, `one setup's data reached every thread and teardown: ${[...tokens].join(', ')}`);
  for (const x of s.received.filter((x) => x.path.startsWith('/it'))) assert.match(x.path, /&date=true&admin=7$/, 'a Date and a Map arrive as such (structured clone)');
  const result = JSON.parse(readFileSync(out, 'utf8')) as RunResult;
  assert.equal(result.outcome, 'completed');
  assert.equal(result.totals.requests, 42, 'setup\'s and teardown\'s requests are counted, as on one thread');
  assert.equal(result.requests.setup.totals.requests, 1);
  assert.equal(result.requests.teardown.totals.requests, 1);
  assert.equal(result.requests.it.totals.requests, 40);
  assert.deepEqual(result.iterations, { started: 40, completed: 40, failed: 0, dropped: 0, aborted: 0 });
  assert.equal(r.stdout.split('outcome: completed').length - 1, 1, 'one summary');
  // The NDJSON stream holds setup's and teardown's requests (sent on the main thread) beside the threads' own.
  const names = readFileSync(ndjson, 'utf8').split('\n').filter((l) => l !== '').map((l) => (JSON.parse(l) as { name: string }).name);
  assert.deepEqual([names.filter((n) => n === 'setup').length, names.filter((n) => n === 'it').length, names.filter((n) => n === 'teardown').length], [1, 40, 1]);
});

test('--workers 2 with a setup() that throws: the same exit code, message and outcome as one thread, and no load', async () => {
  const runs = [];
  for (const workers of [[], ['--workers', '2']]) {
    const s = await server();
    const file = scenario(
      `throws-${workers.length}`,
      `export default defineScenario({
  target: '${s.url}',
  load: { executor: 'shared-iterations', vus: 2, iterations: 10 },
  setup: async ({ http }) => {
    await http.get('/setup');
    throw new Error('no users in the config');
  },
  teardown: async ({ http }) => { await http.get('/teardown'); },
  iteration: async ({ http }) => { await http.get('/it'); },
});`,
    );
    const out = join(dir, `throws-${workers.length}.json`);
    const r = await runInProcess(['run', file, ...workers, '--out', out], dir);
    runs.push({ r, s, result: JSON.parse(readFileSync(out, 'utf8')) as RunResult });
  }
  const [one, two] = runs;
  assert.equal(one.r.code, 2, one.r.stderr);
  assert.equal(two.r.code, one.r.code, two.r.stderr);
  assert.match(two.r.stderr, /throws-2\.ts:7:11: error: setup\(\) threw: no users in the config/);
  assert.equal(two.r.stderr.replaceAll('throws-2', 'throws-0'), one.r.stderr);
  assert.deepEqual(byPath(two.s), { '/setup': 1 }, 'no thread started load, none ran setup or teardown');
  assert.deepEqual(byPath(two.s), byPath(one.s));
  assert.equal(two.result.outcome, 'aborted');
  assert.equal(two.result.totals.requests, 1);
  assert.deepEqual(two.result.iterations, one.result.iterations);
  assert.deepEqual(two.result.iterationErrors, one.result.iterationErrors!.map((e) => ({ ...e, location: e.location?.replace('throws-0', 'throws-2') })));
});

test('--workers: setup data no thread can receive (a class instance, a function) is a user error naming the scenario, before any load; teardown runs once', async () => {
  const s = await server();
  const file = scenario(
    'unclonable',
    `class Client { constructor(readonly token: string) {} auth() { return 'Bearer ' + this.token; } }
export default defineScenario({
  target: '${s.url}',
  load: { executor: 'shared-iterations', vus: 2, iterations: 10 },
  setup: async () => ({ users: [{ client: new Client('t') }] }),
  teardown: async ({ http, data }) => { await http.get('/teardown', { headers: { authorization: data.users[0].client.auth() } }); },
  iteration: async ({ http }) => { await http.get('/it'); },
});`,
  );
  const out = join(dir, 'unclonable.json');
  const r = await runInProcess(['run', file, '--workers', '2', '--out', out, '-q'], dir);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /what setup\(\) of scenario 'default' returned cannot be sent to the worker threads: data\.users\[0\]\.client is a Client instance/);
  assert.match(r.stderr, /hint: return plain data from setup\(\)/);
  assert.deepEqual(byPath(s), { '/teardown': 1 });
  assert.equal(s.received[0].headers.authorization, 'Bearer t', 'teardown got setup\'s own data');
  const result = JSON.parse(readFileSync(out, 'utf8')) as RunResult;
  assert.equal(result.outcome, 'aborted');
  assert.equal(result.iterations.started, 0);
});

test('SIGINT during a --workers 2 run with setup() and teardown(): each ran once, exit 130, outcome interrupted', async () => {
  const s = await server();
  const file = scenario(
    'signal',
    `export default defineScenario({
  target: '${s.url}',
  load: { executor: 'constant-vus', vus: 4, duration: '60s' },
  setup: async ({ http }) => { await http.get('/setup'); return { n: 1 }; },
  teardown: async ({ http, data }) => { await http.get('/teardown?n=' + data.n); },
  iteration: async ({ http, sleep }) => { await http.get('/it'); await sleep(10); },
});`,
  );
  const out = join(dir, 'signal.json');
  const child = spawn(process.execPath, [binPath, 'run', file, '--workers', '2', '--out', out, '-q'], { cwd: dir, env: { ...process.env, NO_COLOR: '1' } });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
  const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const poll = setInterval(() => {
    if ((byPath(s)['/it'] ?? 0) < 20) return;
    clearInterval(poll);
    child.kill('SIGINT');
  }, 20);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearTimeout(killer);
  clearInterval(poll);
  assert.equal(code, 130, stderr);
  const paths = byPath(s);
  assert.equal(paths['/setup'], 1);
  assert.equal(paths['/teardown'], 1, 'teardown ran once, after every thread stopped');
  assert.ok(s.received.at(-1)!.path === '/teardown?n=1', 'teardown came last, with setup\'s data');
  const result = JSON.parse(readFileSync(out, 'utf8')) as RunResult;
  assert.equal(result.outcome, 'interrupted');
  assert.equal(result.totals.requests, s.received.length, 'the books balance against the server');
});

test('--workers: an abortOnFail threshold that fails during setup() stops the run there, as on one thread (the live view follows setup\'s requests)', async () => {
  const runs = [];
  for (const workers of [[], ['--workers', '2']]) {
    const s = await startTestServer({ behaviour: { kind: 'respond', status: 500, body: 'no' } });
    servers.push(s);
    const file = scenario(
      `abort-setup-${workers.length}`,
      `export default defineScenario({
  target: '${s.url}',
  load: { executor: 'shared-iterations', vus: 2, iterations: 10 },
  thresholds: { http_req_failed: [{ threshold: 'rate<0.5', abortOnFail: true }] },
  setup: async ({ http, sleep }) => {
    for (let i = 0; i < 100; i++) { await http.get('/setup'); await sleep(100); }
  },
  iteration: async ({ http }) => { await http.get('/it'); },
});`,
    );
    const out = join(dir, `abort-setup-${workers.length}.json`);
    const r = await runInProcess(['run', file, ...workers, '--out', out, '-q'], dir);
    runs.push({ r, s, result: JSON.parse(readFileSync(out, 'utf8')) as RunResult });
  }
  const [one, two] = runs;
  assert.equal(two.r.code, one.r.code, `${one.r.stderr}\n${two.r.stderr}`);
  assert.equal(two.result.outcome, one.result.outcome);
  assert.equal(two.result.outcome, 'aborted');
  for (const { s } of runs) {
    const paths = byPath(s);
    assert.equal(paths['/it'], undefined, 'no iteration started');
    assert.ok(paths['/setup'] < 80, `setup was cut short after ${paths['/setup']} requests`);
  }
  assert.equal(two.result.totals.requests, byPath(two.s)['/setup']);
});

test('--workers 2 with a teardown() that throws: the load is complete, the outcome unchanged, the diagnostic and exit 2 as on one thread', async () => {
  const s = await server();
  const file = scenario(
    'teardown-throws',
    `export default defineScenario({
  target: '${s.url}',
  load: { executor: 'shared-iterations', vus: 2, iterations: 10 },
  setup: async () => ({ n: 3 }),
  teardown: async ({ http, data }) => {
    await http.get('/teardown?n=' + data.n);
    throw new Error('cleanup failed');
  },
  iteration: async ({ http }) => { await http.get('/it'); },
});`,
  );
  const out = join(dir, 'teardown-throws.json');
  const r = await runInProcess(['run', file, '--workers', '2', '--out', out, '-q'], dir);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /teardown-throws\.ts:8:11: error: teardown\(\) threw: cleanup failed/);
  assert.deepEqual(byPath(s), { '/it': 10, '/teardown': 1 });
  const result = JSON.parse(readFileSync(out, 'utf8')) as RunResult;
  assert.equal(result.outcome, 'completed');
  assert.equal(result.totals.requests, 11);
  assert.deepEqual(result.iterationErrors?.map((e) => [e.message, e.count]), [['teardown() threw: cleanup failed', 1]]);
});
