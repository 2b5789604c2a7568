// Ctrl-C with --workers (built CLI, real signal): every thread stops, the merged result is written with
// outcome interrupted, the exit code is 130, and the books balance against what the server completed; the NDJSON
// the threads streamed to the main thread holds one whole line per request.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { RunResult } from '../../src/result/types.ts';

const bin = fileURLToPath(new URL('../../dist/cli/bin.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'runner-workers-signals-'));
const children: ChildProcess[] = [];
let server: Server | undefined;
const sockets = new Set<Socket>();
after(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const s of sockets) s.destroy();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  rmSync(dir, { recursive: true, force: true });
});

test('SIGINT during a --workers 2 run: exit 130, one result file, 200s == server completions, an NDJSON line per request', async () => {
  const counts = { received: 0, finished: 0 };
  server = createServer((req, res) => {
    req.resume();
    req.once('end', () => {
      counts.received++;
      res.once('finish', () => counts.finished++);
      setTimeout(() => {
        if (res.destroyed) return;
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': 11 });
        res.end('{"ok":true}');
      }, 20);
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const file = join(dir, 'w.yaml');
  writeFileSync(file, [`name: w`, `target: ${url}`, 'http:', '  timeout: 5s', 'requests:', '  - name: hit', '    path: /', '    expect: 200', 'load:', '  executor: constant-vus', '  vus: 10', '  duration: 60s', ''].join('\n'));
  const out = join(dir, 'w.json');
  const child = spawn(process.execPath, [bin, 'run', file, '--workers', '2', '--out', out, '--out', `ndjson=${join(dir, 'w.ndjson')}`, '--no-color'], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  // Signal 1.5 s after the first request reached the server (a slow start on a loaded machine cannot race it).
  const poll = setInterval(() => {
    if (counts.received === 0) return;
    clearInterval(poll);
    setTimeout(() => child.kill('SIGINT'), 1_500);
  }, 5);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  clearInterval(poll);
  assert.equal(code, 130, stderr);
  assert.match(stderr, /SIGINT: stopping/);
  assert.equal(stdout.split('outcome: interrupted').length - 1, 1, `one summary:\n${stdout}`);
  assert.ok(existsSync(out), 'result file written');
  const result = JSON.parse(readFileSync(out, 'utf8')) as RunResult;
  assert.equal(result.outcome, 'interrupted');
  const ok = result.totals.byStatus['200'] ?? 0;
  assert.ok(ok > 50, `only ${ok} requests`);
  assert.equal(ok, counts.finished);
  assert.equal(result.totals.requests, counts.received);
  assert.equal(result.latency.count, ok);
  const text = readFileSync(join(dir, 'w.ndjson'), 'utf8');
  assert.ok(text.endsWith('\n'), 'no half line at the end');
  const lines = text.slice(0, -1).split('\n').map((l) => JSON.parse(l) as { status: number });
  assert.equal(lines.length, result.totals.requests);
  assert.equal(lines.filter((l) => l.status === 200).length, ok);
});

test('SIGINT while a worker thread still loads a scenario that never settles there: exit 130 and an empty interrupted result (it hung, deaf to Ctrl-C)', { timeout: 60_000 }, async () => {
  const file = join(dir, 'hangs.ts');
  // Only the threads hang: the main thread loads and validates it, then waits for their 'ready' forever.
  writeFileSync(
    file,
    `import { defineScenario } from 'runner';
const { isMainThread } = (process as any).getBuiltinModule('node:worker_threads');
if (!isMainThread) await new Promise(() => { setInterval(() => {}, 1000); });
export default defineScenario({ target: 'http://127.0.0.1:9', load: { executor: 'shared-iterations', vus: 2, iterations: 10 }, iteration: async ({ http }) => { await http.get('/never'); } });
`,
  );
  const out = join(dir, 'hangs.json');
  const child = spawn(process.execPath, [bin, 'run', file, '--workers', '2', '--out', out, '--quiet'], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  await new Promise((r) => setTimeout(r, 3_000));
  child.kill('SIGINT');
  const code = await Promise.race([exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 20_000))]);
  if (code === 'hung') child.kill('SIGKILL');
  assert.equal(code, 130, stderr);
  const result = JSON.parse(readFileSync(out, 'utf8')) as RunResult;
  assert.equal(result.outcome, 'interrupted');
  assert.equal(result.totals.requests, 0);
  assert.deepEqual(result.warnings, []);
});
