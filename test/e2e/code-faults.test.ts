// Scenario code cannot take runner down or hold it hostage (built CLI, real TS files in a temp dir, a real
// server): an unhandled rejection or a throw in a timer fails its iteration; an iteration awaiting a promise that
// never settles is aborted after gracefulStop under every executor; a hung setup or teardown yields to
// SIGINT/SIGTERM; process.exit() stops the run with a warning instead of ending it with exit 0. Every time the
// summary is printed and the result file written.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { binPath, runCli, type CliResult } from './cli.ts';
import type { RunResult } from '../../src/result/types.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const dir = await mkdtemp(join(tmpdir(), 'runner-code-faults-'));
const servers: TestServer[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await rm(dir, { recursive: true, force: true });
});

async function server(): Promise<TestServer> {
  const s = await startTestServer();
  servers.push(s);
  return s;
}

async function scenarioFile(name: string, body: string): Promise<string> {
  const file = join(dir, `${name}.ts`);
  await writeFile(file, `import { defineScenario } from 'runner';\nexport default defineScenario(${body});\n`);
  return file;
}

async function result(file: string): Promise<RunResult> {
  return JSON.parse(await readFile(file, 'utf8')) as RunResult;
}

/** Spawns the CLI; sends `signal` to the child (by its pid) once `ready()` holds; killed after 60 s. */
function runUntil(args: string[], ready: () => boolean, signal: NodeJS.Signals): Promise<CliResult & { ms: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(process.execPath, [binPath, ...args], { env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const poll = setInterval(() => {
      if (!ready()) return;
      clearInterval(poll);
      // A moment for the scenario to reach its hang after the request that made ready() true.
      setTimeout(() => child.kill(signal), 300);
    }, 20);
    const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('error', reject);
    child.once('close', (code, sig) => {
      clearInterval(poll);
      clearTimeout(killer);
      resolve({ code, signal: sig, stdout, stderr, ms: Date.now() - started });
    });
  });
}

test('a rejection nobody awaited and a throw in a timer fail their iteration; hung iterations end after gracefulStop under every executor', async () => {
  const s = await server();
  const file = await scenarioFile(
    'faults',
    `{
  scenarios: {
    rejects: { load: { executor: 'shared-iterations', vus: 1, iterations: 3 } },
    timer: { load: { executor: 'per-vu-iterations', vus: 1, iterations: 2 } },
    late: { load: { executor: 'shared-iterations', vus: 1, iterations: 2 } },
    cvus: { load: { executor: 'constant-vus', vus: 2, duration: '1s', gracefulStop: '500ms' } },
    rvus: { load: { executor: 'ramping-vus', startVUs: 1, stages: [{ duration: '1s', target: 2 }], gracefulStop: '500ms', gracefulRampDown: '500ms' } },
    shared: { load: { executor: 'shared-iterations', vus: 2, iterations: 50, maxDuration: '1s', gracefulStop: '500ms' } },
    pervu: { load: { executor: 'per-vu-iterations', vus: 2, iterations: 50, maxDuration: '1s', gracefulStop: '500ms' } },
    car: { load: { executor: 'constant-arrival-rate', rate: 4, duration: '1s', preAllocatedVUs: 2, maxVUs: 2, gracefulStop: '500ms' } },
    rar: { load: { executor: 'ramping-arrival-rate', startRate: 4, stages: [{ duration: '1s', target: 4 }], preAllocatedVUs: 2, maxVUs: 2, gracefulStop: '500ms' } },
  },
  iteration: async ({ http, sleep, scenario }) => {
    await http.get('/' + scenario, { name: scenario });
    if (scenario === 'rejects') {
      Promise.reject(new Error('nobody awaited me'));
      await sleep(100);
    } else if (scenario === 'late') {
      setTimeout(() => { throw new Error('thrown after its iteration ended'); }, 100);
    } else if (scenario === 'timer') {
      await new Promise((resolve) => setTimeout(() => { throw new Error('thrown in a timer'); }, 5));
    } else {
      await new Promise(() => {});
    }
  },
}`,
  );
  const out = join(dir, 'faults.json');
  const started = Date.now();
  const { code, stdout, stderr } = await runCli(['run', file, '--target', s.url, '--out', out], { timeoutMs: 60_000 });
  const ms = Date.now() - started;
  assert.equal(code, 0, stderr);
  assert.ok(ms < 30_000, `bounded: ${ms} ms`);
  assert.match(stdout, /iteration errors/);
  const r = await result(out);
  assert.equal(r.outcome, 'completed');
  assert.deepEqual(r.scenarios?.rejects.iterations, { started: 3, completed: 0, failed: 3, dropped: 0, aborted: 0 });
  assert.deepEqual(r.scenarios?.timer.iterations, { started: 2, completed: 0, failed: 2, dropped: 0, aborted: 0 });
  const errors = Object.fromEntries((r.iterationErrors ?? []).map((e) => [e.message, e.count]));
  // An error from a timer that outlived its iteration fails nothing: it is counted and warned about.
  assert.deepEqual(r.scenarios?.late.iterations, { started: 2, completed: 2, failed: 0, dropped: 0, aborted: 0 });
  assert.deepEqual(errors, { 'nobody awaited me': 3, 'thrown in a timer': 2, 'thrown after its iteration ended': 2 });
  assert.ok(r.warnings.some((w) => w.startsWith('2 error(s) escaped scenario code outside any running iteration')), r.warnings.join('\n'));
  for (const name of ['cvus', 'rvus', 'shared', 'pervu', 'car', 'rar']) {
    const it = r.scenarios?.[name].iterations;
    assert.ok(it && it.started > 0, `${name} started iterations`);
    assert.equal(it.aborted, it.started, `${name}: every hung iteration aborted: ${JSON.stringify(it)}`);
    assert.equal(it.completed + it.failed, 0, name);
    // Each hung iteration sent its request first: what the server got is what runner counted.
    assert.equal(s.received.filter((q) => q.path === `/${name}`).length, r.requests[name].totals.requests, name);
  }
  assert.equal(s.count, r.totals.requests);
});

test('process.exit() in scenario code stops the run with a warning and exit 130, not a silent exit 0', async () => {
  const s = await server();
  const file = await scenarioFile(
    'exits',
    `{
  load: { executor: 'constant-vus', vus: 2, duration: '20s' },
  iteration: async ({ http, iteration }) => {
    await http.get('/x', { name: 'x' });
    if (iteration === 5) process.exit(0);
  },
}`,
  );
  const out = join(dir, 'exits.json');
  const { code, stdout, stderr } = await runCli(['run', file, '--target', s.url, '--out', out], { timeoutMs: 60_000 });
  assert.equal(code, 130, stderr);
  assert.match(stdout, /outcome: aborted/);
  assert.match(stdout, /warning: scenario code called process\.exit\(0\)/);
  const r = await result(out);
  assert.equal(r.outcome, 'aborted');
  assert.ok(r.durationMs < 15_000, `stopped early: ${r.durationMs} ms`);
  assert.equal(r.iterationErrors?.[0].count, 1);
  assert.match(r.iterationErrors?.[0].message ?? '', /process\.exit\(0\) was called by scenario code/);
  assert.equal(r.totals.requests, s.count);
});

for (const call of ['process.reallyExit(0)', 'process.abort()']) {
  // process.exit() calls process.reallyExit(), which ends the process with no 'exit' event; abort() dumps core.
  test(`${call} in scenario code is refused like process.exit(): warning, exit 130, result file, no core dump`, async () => {
    const s = await server();
    const name = call.includes('abort') ? 'aborts' : 'really-exits';
    const file = await scenarioFile(
      name,
      `{
  load: { executor: 'constant-vus', vus: 2, duration: '20s' },
  iteration: async ({ http, iteration }) => {
    await http.get('/x', { name: 'x' });
    if (iteration === 5) ${call};
  },
}`,
    );
    const out = join(dir, `${name}.json`);
    const { code, signal, stdout, stderr } = await runCli(['run', file, '--target', s.url, '--out', out], { timeoutMs: 60_000 });
    assert.equal(signal, null, stderr);
    assert.equal(code, 130, stderr);
    assert.match(stdout, /outcome: aborted/);
    assert.ok(stdout.includes(`warning: scenario code called ${call}`), stdout);
    const r = await result(out);
    assert.equal(r.outcome, 'aborted');
    assert.ok(r.durationMs < 15_000, `stopped early: ${r.durationMs} ms`);
    assert.equal(r.iterationErrors?.[0].count, 1);
    assert.ok(r.iterationErrors?.[0].message.includes(`${call} was called by scenario code`), r.iterationErrors?.[0].message);
    assert.equal(r.totals.requests, s.count);
  });
}

test('a setup() that never settles yields to SIGINT: summary, result file, exit 130, no iteration', async () => {
  const s = await server();
  const file = await scenarioFile(
    'hung-setup',
    `{
  load: { executor: 'shared-iterations', vus: 1, iterations: 5 },
  setup: async ({ http }) => { await http.get('/setup', { name: 'setup' }); await new Promise(() => {}); },
  iteration: async ({ http }) => { await http.get('/x', { name: 'x' }); },
}`,
  );
  const out = join(dir, 'hung-setup.json');
  const { code, stdout, stderr } = await runUntil(['run', file, '--target', s.url, '--out', out], () => s.count >= 1, 'SIGINT');
  assert.equal(code, 130, stderr);
  assert.match(stdout, /outcome: interrupted/);
  assert.match(stdout, /setup\(\) was interrupted/);
  const r = await result(out);
  assert.equal(r.iterations.started, 0);
  assert.deepEqual(r.requests.setup.totals.byStatus, { '200': 1 });
  assert.equal(s.count, 1);
});

test('a teardown() that never settles and leaves a timer running yields to SIGTERM and the process exits', async () => {
  const s = await server();
  const file = await scenarioFile(
    'hung-teardown',
    `{
  load: { executor: 'shared-iterations', vus: 1, iterations: 2 },
  iteration: async ({ http }) => { await http.get('/x', { name: 'x' }); },
  teardown: async ({ http }) => { await http.get('/teardown', { name: 'teardown' }); setInterval(() => {}, 1000); await new Promise(() => {}); },
}`,
  );
  const out = join(dir, 'hung-teardown.json');
  const { code, stdout, stderr, ms } = await runUntil(['run', file, '--target', s.url, '--out', out, '--no-color'], () => s.count >= 3, 'SIGTERM');
  assert.equal(code, 130, stderr);
  assert.ok(ms < 30_000, `exited: ${ms} ms`);
  assert.match(stdout, /teardown\(\) was interrupted/);
  const r = await result(out);
  assert.deepEqual(r.iterations, { started: 2, completed: 2, failed: 0, dropped: 0, aborted: 0 });
  assert.equal(r.totals.requests, 3);
});
