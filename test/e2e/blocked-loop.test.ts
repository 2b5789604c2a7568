// Scenario code that blocks the event loop (a synchronous endless loop) made runner deaf to Ctrl-C: its signal
// listeners run on that loop. The watchdog (src/cli/event-loop-watchdog.ts, armed by `run`) says so on stderr after 3 s and lets
// the next signal end the process; a loop that runs again gets its Ctrl-C handling back. Built CLI, real signals
// sent to the child's PID, a real server; every wait bounded.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { binPath, readResult } from './cli.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const dir = await mkdtemp(join(tmpdir(), 'runner-blocked-'));
const servers: TestServer[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await rm(dir, { recursive: true, force: true });
});

const BLOCKED = /event loop has been blocked for 3 s .*now end runner at once, with no summary and no result file/;

interface Child {
  /** Resolves when stderr matches `re` (false after `ms`). */
  waitFor(re: RegExp, ms: number): Promise<boolean>;
  kill(signal: NodeJS.Signals): void;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

function start(args: string[]): Child {
  const child = spawn(process.execPath, [binPath, ...args], { env: { ...process.env, NO_COLOR: '1' }, cwd: dir });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.once('close', (code, signal) => {
      clearTimeout(killer);
      resolve({ code, signal, stdout, stderr });
    }),
  );
  return {
    waitFor: (re, ms) =>
      new Promise((resolve) => {
        const deadline = Date.now() + ms;
        const poll = setInterval(() => {
          if (re.test(stderr) || Date.now() > deadline || child.exitCode !== null || child.signalCode !== null) {
            clearInterval(poll);
            resolve(re.test(stderr));
          }
        }, 50);
      }),
    kill: (signal) => child.kill(signal),
    exited,
  };
}

async function scenarioFile(name: string, body: string): Promise<string> {
  const file = join(dir, `${name}.ts`);
  await writeFile(file, `import { defineScenario } from 'runner';\nexport default defineScenario(${body});\n`);
  return file;
}

test('a synchronous endless loop in an iteration: a message on stderr, then Ctrl-C (SIGINT to the PID) ends runner', { timeout: 90_000 }, async () => {
  const server = await startTestServer();
  servers.push(server);
  const file = await scenarioFile(
    'endless',
    `{
  load: { executor: 'shared-iterations', vus: 1, iterations: 3 },
  iteration: async ({ http }) => { await http.get('/x', { name: 'x' }); while (true) {} },
}`,
  );
  const out = join(dir, 'endless.json');
  const child = start(['run', file, '--target', server.url, '--out', out]);
  // The old runner printed nothing here and ignored every signal until the SIGKILL 60 s later.
  const said = await child.waitFor(BLOCKED, 30_000);
  child.kill('SIGINT');
  const r = await child.exited;
  assert.ok(said, `the blocked loop was reported: ${r.stderr}`);
  assert.deepEqual([r.code, r.signal], [null, 'SIGINT'], 'ended by the signal itself (a shell shows 130)');
  assert.equal(server.count, 1);
  assert.equal(existsSync(out), false, 'no result file: the message said so');
});

test('a loop blocked for a while then running again: Ctrl-C stops the run as before, with its result file', { timeout: 90_000 }, async () => {
  const server = await startTestServer();
  servers.push(server);
  const file = await scenarioFile(
    'busy-setup',
    `{
  load: { executor: 'constant-vus', vus: 1, duration: '60s' },
  setup: () => { const end = Date.now() + 4500; while (Date.now() < end) {} },
  iteration: async ({ http, sleep }) => { await http.get('/x', { name: 'x' }); await sleep('50ms'); },
}`,
  );
  const out = join(dir, 'busy-setup.json');
  const child = start(['run', file, '--target', server.url, '--out', out, '-q']);
  const said = await child.waitFor(/event loop runs again; Ctrl-C stops the run as before/, 30_000);
  // Some iterations after the loop came back.
  const deadline = Date.now() + 20_000;
  while (server.count < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  child.kill('SIGINT');
  const r = await child.exited;
  assert.ok(said, r.stderr);
  assert.match(r.stderr, BLOCKED);
  assert.equal(r.code, 130, r.stderr);
  const result = await readResult(out);
  assert.equal(result.outcome, 'interrupted');
  assert.equal(result.totals.requests, server.count);
});
