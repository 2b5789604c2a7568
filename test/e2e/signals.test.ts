// Ctrl-C with the built CLI: the first SIGINT stops starting iterations, lets in-flight requests finish,
// writes the result and exits 130; a second one aborts at once and still writes the result. The books
// are checked against what the server completed (a response whose last byte the server handed to the OS).
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
const dir = mkdtempSync(join(tmpdir(), 'runner-signals-'));
const children: ChildProcess[] = [];
const closers: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await Promise.all(closers.map((c) => c()));
  rmSync(dir, { recursive: true, force: true });
});

/** A server answering 200 after `delayMs`; counts responses finished (fully written) and cut short. */
async function countingServer(delayMs: number) {
  const counts = { received: 0, finished: 0, cut: 0 };
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    req.resume();
    req.once('end', () => {
      counts.received++;
      res.once('finish', () => counts.finished++);
      res.once('close', () => {
        if (!res.writableFinished) counts.cut++;
      });
      setTimeout(() => {
        if (res.destroyed) return;
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': 11 });
        res.end('{"ok":true}');
      }, delayMs);
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = () => {
    const closed = new Promise<void>((r) => server.close(() => r()));
    for (const s of sockets) s.destroy();
    return closed;
  };
  closers.push(close);
  return { url, counts, close };
}

function scenario(name: string, url: string): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    [`name: ${name}`, `target: ${url}`, 'http:', '  timeout: 5s', 'requests:', '  - name: hit', '    path: /', '    expect: 200', 'load:', '  executor: constant-vus', '  vus: 10', '  duration: 60s', ''].join('\n'),
  );
  return file;
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** ms from the first signal to the exit. */
  afterSignalMs: number;
}

/**
 * Spawns `runner run` and sends `signal` at the given ms offsets from the server's first request (so a slow
 * start under a loaded machine cannot deliver the signal before the CLI listens for it); resolves on exit.
 */
function runWithSignals(file: string, out: string, counts: { received: number }, at: number[], signal: NodeJS.Signals = 'SIGINT'): Promise<Exit> {
  const child = spawn(process.execPath, [bin, 'run', file, '--out', out, '--no-color'], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  let firstSignalAt = 0;
  const waitForTraffic = setInterval(() => {
    if (counts.received === 0) return;
    clearInterval(waitForTraffic);
    for (const ms of at) {
      setTimeout(() => {
        if (firstSignalAt === 0) firstSignalAt = performance.now();
        child.kill(signal);
      }, ms);
    }
  }, 5);
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      clearInterval(waitForTraffic);
      // Let the pipes drain before resolving.
      setImmediate(() => resolve({ code, signal, stdout, stderr, afterSignalMs: performance.now() - firstSignalAt }));
    });
  });
}

test('SIGINT after 2 s of a 60 s run: exit 130 within 5 s, result written, 200s == server completions', async () => {
  const server = await countingServer(20);
  const out = join(dir, 'graceful.json');
  const exit = await runWithSignals(scenario('graceful', server.url), out, server.counts, [2_000]);
  assert.equal(exit.code, 130, exit.stderr);
  assert.ok(exit.afterSignalMs < 5_000, `exited ${exit.afterSignalMs} ms after the signal`);
  assert.match(exit.stderr, /SIGINT: stopping/);
  assert.match(exit.stdout, /outcome: interrupted/);
  assert.ok(existsSync(out), 'result file written');
  const result = JSON.parse(readFileSync(out, 'utf8')) as RunResult;
  assert.equal(result.outcome, 'interrupted');
  const ok = result.totals.byStatus['200'] ?? 0;
  assert.ok(ok > 100, `only ${ok} requests in 2 s`);
  // Graceful: every in-flight request finished within the grace, so the books match exactly, both ways.
  assert.equal(ok, server.counts.finished);
  assert.equal(result.totals.requests, server.counts.received);
  assert.deepEqual(result.totals.errors, {});
  assert.equal(server.counts.cut, 0);
  assert.equal(result.iterations.aborted, 0);
});

test('a second SIGINT aborts at once and still writes the result; nothing is counted twice', async () => {
  // Requests take 3 s: at the first signal all 10 are in flight, the second cuts them short.
  const server = await countingServer(3_000);
  const out = join(dir, 'abort.json');
  const exit = await runWithSignals(scenario('abort', server.url), out, server.counts, [500, 800]);
  assert.equal(exit.code, 130, exit.stderr);
  assert.ok(exit.afterSignalMs < 2_500, `exited ${exit.afterSignalMs} ms after the first signal`);
  const result = JSON.parse(readFileSync(out, 'utf8')) as RunResult;
  assert.equal(result.outcome, 'aborted');
  assert.deepEqual(result.totals.errors, { aborted: 10 });
  assert.deepEqual(result.totals.byStatus, {});
  assert.equal(result.totals.requests, server.counts.received);
  assert.equal(server.counts.finished, 0);
  assert.equal(result.iterations.aborted, 10);
});

test('SIGTERM is handled like SIGINT: exit 130, result written, books balanced', async () => {
  const server = await countingServer(20);
  const out = join(dir, 'term.json');
  const exit = await runWithSignals(scenario('term', server.url), out, server.counts, [500], 'SIGTERM');
  assert.equal(exit.code, 130, exit.stderr);
  assert.match(exit.stderr, /SIGTERM: stopping/);
  const result = JSON.parse(readFileSync(out, 'utf8')) as RunResult;
  assert.equal(result.totals.byStatus['200'], server.counts.finished);
  assert.equal(result.totals.requests, server.counts.received);
});

test('SIGINT while VUs think: the pauses end at once (nothing of them is measured), outcome interrupted, not aborted after the grace', async () => {
  const server = await countingServer(20);
  const file = join(dir, 'thinking.yaml');
  writeFileSync(
    file,
    [`name: thinking`, `target: ${server.url}`, 'http:', '  timeout: 5s', 'requests:', '  - name: hit', '    path: /', '    expect: 200', '    think: 10s', 'load:', '  executor: constant-vus', '  vus: 4', '  duration: 60s', ''].join('\n'),
  );
  const out = join(dir, 'thinking.json');
  const exit = await runWithSignals(file, out, server.counts, [1_000]);
  assert.equal(exit.code, 130, exit.stderr);
  const result = JSON.parse(readFileSync(out, 'utf8')) as RunResult;
  // Before: every VU slept on through the 3 s grace, was then aborted, and the run said `aborted`.
  assert.equal(result.outcome, 'interrupted');
  assert.equal(result.totals.byStatus['200'], 4);
  assert.equal(server.counts.finished, 4);
  assert.equal(result.iterations.aborted, 4);
  assert.ok(exit.afterSignalMs < 2_900, `exited ${exit.afterSignalMs} ms after the signal (the grace is 3 s)`);
});
