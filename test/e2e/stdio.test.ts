// A reader that goes away (`runner run … | head -1`, a closed log pipe) never crashes runner: the result file is
// complete and the exit code is the usual one. SIGHUP (a closed terminal) stops a run like SIGTERM. Real
// processes: the built CLI, spawned, with its pipes closed by the reader and signals sent to its PID.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { binPath, tempDir } from './cli.ts';

let server: TestServer;
let dir: string;
let cleanup: () => Promise<void>;
const children: ChildProcess[] = [];

before(async () => {
  server = await startTestServer({ record: false, behaviour: { kind: 'respond', status: 200, body: '{"ok":true}', delayMs: 2 } });
  ({ dir, cleanup } = await tempDir('runner-stdio-'));
});
after(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await server.close();
  await cleanup();
});

function scenario(name: string, load: string[]): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, [`name: ${name}`, `target: ${server.url}`, 'requests:', '  - name: hit', '    path: /hit', '    expect: 200', 'load:', ...load.map((l) => `  ${l}`), ''].join('\n'));
  return file;
}

const ITERATIONS = 300;
const shared = ['executor: shared-iterations', 'vus: 2', `iterations: ${ITERATIONS}`];

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** Waits for `child` to exit; SIGKILLs it (by its PID) after `timeoutMs`. */
function exited(child: ChildProcess, timeoutMs = 60_000): Promise<Exit> {
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr });
    });
  });
}

function completeResult(file: string, requests: number): void {
  assert.ok(existsSync(file), 'result file written');
  const r = JSON.parse(readFileSync(file, 'utf8'));
  assert.equal(r.outcome, 'completed');
  assert.equal(r.totals.requests, requests);
  assert.equal(r.totals.byStatus['200'], requests);
}

test('stdout closed by its reader before the summary: exit 0, result file complete, no Node warning from any output', async () => {
  const out = join(dir, 'stdout-closed.json');
  const before = server.count;
  const outputs = ['--out', out, '--out', `ndjson=${join(dir, 's.ndjson')}`, '--hdr-log', join(dir, 'h.hlog'), '--summary-export', join(dir, 'sum.json')];
  const child = spawn(process.execPath, [binPath, 'run', scenario('stdout-closed', shared), ...outputs], { cwd: dir, env: { ...process.env, NO_COLOR: '1' } });
  children.push(child);
  child.stdout.destroy(); // the reader went away
  const exit = await exited(child);
  assert.equal(exit.signal, null);
  assert.equal(exit.code, 0, exit.stderr);
  assert.doesNotMatch(exit.stderr, /EPIPE|internal error|\n\s+at /);
  assert.doesNotMatch(exit.stderr, /\(node:\d+\)|Warning/);
  assert.equal(server.count - before, ITERATIONS);
  completeResult(out, ITERATIONS);
  assert.equal(readFileSync(join(dir, 's.ndjson'), 'utf8').split('\n').filter((l) => l !== '').length, ITERATIONS);
});

test('stderr closed while progress lines are written: the run goes on, exit 0, result file complete', async () => {
  const out = join(dir, 'stderr-closed.json');
  const before = server.count;
  const child = spawn(process.execPath, [binPath, 'run', scenario('stderr-closed', shared), '--out', out], {
    cwd: dir,
    env: { ...process.env, NO_COLOR: '1', RUNNER_PROGRESS_INTERVAL_MS: '20' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(child);
  child.stderr.destroy();
  const exit = await exited(child);
  assert.equal(exit.signal, null);
  assert.equal(exit.code, 0);
  assert.equal(server.count - before, ITERATIONS);
  completeResult(out, ITERATIONS);
});

test('runner run … 2>&1 | head -1: exit code as usual, result file complete', async () => {
  const out = join(dir, 'head.json');
  const rcFile = join(dir, 'head.rc');
  const before = server.count;
  // Progress lines every 20 ms go into the pipe; head exits after the first, runner writes on into a closed pipe.
  const cmd = `"${process.execPath}" "${binPath}" run "${scenario('head', shared)}" --out "${out}" 2>&1 | head -1; echo "\${PIPESTATUS[0]}" > "${rcFile}"`;
  const child = spawn('bash', ['-c', cmd], { cwd: dir, env: { ...process.env, NO_COLOR: '1', RUNNER_PROGRESS_INTERVAL_MS: '20' }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let firstLine = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (firstLine += s));
  const exit = await exited(child);
  assert.equal(exit.code, 0, exit.stderr);
  assert.match(firstLine, /^progress: /);
  assert.equal(readFileSync(rcFile, 'utf8').trim(), '0', 'runner exit code');
  assert.equal(server.count - before, ITERATIONS);
  completeResult(out, ITERATIONS);
});

test('SIGHUP stops the run like SIGTERM: exit 130, the result file written with what was measured', async () => {
  const out = join(dir, 'hup.json');
  const before = server.count;
  const child = spawn(process.execPath, [binPath, 'run', scenario('hup', ['executor: constant-vus', 'vus: 2', 'duration: 60s']), '--out', out, '--quiet'], {
    cwd: dir,
    env: { ...process.env, NO_COLOR: '1' },
  });
  children.push(child);
  const done = exited(child);
  // Signal once the load is flowing (a slow start on a loaded machine must not see it before it listens).
  const deadline = Date.now() + 30_000;
  while (server.count - before < 5 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  assert.ok(server.count - before >= 5, 'the load started');
  child.kill('SIGHUP');
  const exit = await done;
  assert.equal(exit.signal, null, 'not killed by the signal');
  assert.equal(exit.code, 130, exit.stderr);
  assert.match(exit.stderr, /SIGHUP: stopping/);
  const r = JSON.parse(readFileSync(out, 'utf8'));
  assert.equal(r.outcome, 'interrupted');
  assert.ok(r.totals.requests >= 5);
  assert.ok(r.totals.requests <= server.count - before);
});
