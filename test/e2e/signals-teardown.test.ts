// Two signals and a TypeScript teardown(): the outcome follows the README's Ctrl-C paragraph as a YAML run does.
// A second signal that cuts the load short records `aborted`; once the load has ended, a signal only cuts
// teardown() (warning, its request counted as aborted) and the outcome stays `interrupted` — as a YAML run,
// which has no teardown, is already over when that second signal comes. Exit 130, summary and result file.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { binPath, type CliResult } from './cli.ts';
import type { RunResult } from '../../src/result/types.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const dir = await mkdtemp(join(tmpdir(), 'runner-signals-teardown-'));
const servers: TestServer[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await rm(dir, { recursive: true, force: true });
});

/** Requests to /slow hang; the rest answer at once. */
async function server(): Promise<TestServer> {
  const s = await startTestServer({ handle: (req) => (req.path.startsWith('/slow') ? { kind: 'hang' } : { kind: 'respond', status: 200, body: '{}' }) });
  servers.push(s);
  return s;
}

/** Spawns the CLI and sends SIGINT to its pid once `first()` holds, then again once `second()` holds; killed after 60 s. */
function runWithTwoSignals(args: string[], first: () => boolean, second: () => boolean): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [binPath, ...args], { env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    let sent = 0;
    let pending = false;
    const poll = setInterval(() => {
      if (pending || sent >= 2 || !(sent === 0 ? first() : second())) return;
      // A moment for the process to reach the state the condition saw (the server sees a request first).
      pending = true;
      setTimeout(() => {
        pending = false;
        sent++;
        child.kill('SIGINT');
      }, 300);
    }, 20);
    const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearInterval(poll);
      clearTimeout(killer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

async function scenarioFile(name: string, body: string): Promise<string> {
  const file = join(dir, `${name}.ts`);
  await writeFile(file, `import { defineScenario } from 'runner';\nexport default defineScenario(${body});\n`);
  return file;
}

test('a first Ctrl-C during the load, a second during teardown(): teardown is cut, outcome interrupted (as YAML), exit 130', { timeout: 90_000 }, async () => {
  const s = await server();
  const file = await scenarioFile(
    'teardown-two-signals',
    `{
  load: { executor: 'constant-vus', vus: 1, duration: '30s' },
  iteration: async ({ http, sleep }) => { await http.get('/x', { name: 'x' }); await sleep(20); },
  teardown: async ({ http }) => { await http.get('/slow', { name: 'td' }); },
}`,
  );
  const out = join(dir, 'teardown-two-signals.json');
  const r = await runWithTwoSignals(['run', file, '--target', s.url, '--out', out], () => s.count >= 3, () => s.received.some((q) => q.path === '/slow'));
  assert.equal(r.code, 130, r.stderr);
  assert.match(r.stdout, /outcome: interrupted/);
  assert.match(r.stdout, /teardown\(\) was interrupted/);
  const result = JSON.parse(await readFile(out, 'utf8')) as RunResult;
  assert.equal(result.outcome, 'interrupted');
  assert.ok(result.warnings.some((w) => w.startsWith('teardown() was interrupted')), result.warnings.join('\n'));
  // The books: teardown's request was sent and cut short by the second signal; the load's requests all answered.
  assert.deepEqual(result.requests.td.totals.errors, { aborted: 1 });
  assert.equal(result.requests.x.totals.errors.aborted ?? 0, 0);
  assert.equal(result.totals.requests, s.count);
});

test('two Ctrl-C during the load cut its requests short: outcome aborted, for TypeScript as for YAML', { timeout: 90_000 }, async () => {
  const s = await server();
  const ts = await scenarioFile(
    'load-two-signals',
    `{
  load: { executor: 'constant-vus', vus: 1, duration: '30s' },
  iteration: async ({ http }) => { await http.get('/slow', { name: 'slow' }); },
  teardown: async ({ http }) => { await http.get('/x', { name: 'td' }); },
}`,
  );
  const yaml = join(dir, 'load-two-signals.yaml');
  await writeFile(yaml, `requests:\n  - name: slow\n    path: /slow\nload: { executor: constant-vus, vus: 1, duration: 30s }\n`);
  for (const file of [ts, yaml]) {
    const out = `${file}.json`;
    const before = s.received.filter((q) => q.path === '/slow').length;
    let firstAt = Infinity;
    const r = await runWithTwoSignals(
      ['run', file, '--target', s.url, '--out', out],
      () => s.received.filter((q) => q.path === '/slow').length > before && (firstAt = Date.now()) > 0,
      // Within the first signal's grace (min(timeout, 3 s)): the hung request is still in flight.
      () => Date.now() - firstAt > 200,
    );
    assert.equal(r.code, 130, `${file}: ${r.stderr}`);
    const result = JSON.parse(await readFile(out, 'utf8')) as RunResult;
    assert.equal(result.outcome, 'aborted', file);
    assert.deepEqual(result.requests.slow.totals.errors, { aborted: 1 }, file);
  }
});
