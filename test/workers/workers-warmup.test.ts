// --warmup with --workers: each thread warms up on its own pool and records nothing of it; the measured load then
// starts on every thread at once, after the slowest thread's warm-up has ended, on the warm sockets.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { RunResult } from '../../src/result/types.ts';
import { runInProcess } from '../e2e/in-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'runner-workers-warm-'));
let server: Server | undefined;
const sockets = new Set<Socket>();
after(async () => {
  for (const s of sockets) s.destroy();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
});

test('--workers 2 --warmup 300ms: one thread\'s warm-up ends late, and the other\'s measured load waits for it; nothing of the warm-up is recorded', { timeout: 60_000 }, async () => {
  // The first connection answers at once, the second after 1 s: the second thread's warm-up ends ~1 s in (its
  // request in flight finishes), the first's at ~300 ms.
  const byConnection: number[][] = [];
  const ids = new Map<Socket, number>();
  server = createServer((req, res) => {
    const socket = req.socket;
    if (!ids.has(socket)) {
      ids.set(socket, ids.size);
      byConnection.push([]);
    }
    const id = ids.get(socket)!;
    byConnection[id].push(performance.now());
    req.resume();
    setTimeout(() => res.end('{"ok":true}'), id === 0 ? 2 : 1_000);
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const file = join(dir, 'warm.yaml');
  writeFileSync(file, `name: warm\ntarget: ${url}\nhttp:\n  connections: 1\nrequests:\n  - name: hit\n    path: /hit\nload:\n  executor: constant-vus\n  vus: 2\n  duration: 500ms\n`);
  const out = join(dir, 'r.json');
  const r = await runInProcess(['run', file, '--workers', '2', '--warmup', '300ms', '--seed', '1', '--out', out], dir);
  assert.equal(r.code, 0, r.stderr);
  const result = JSON.parse(readFileSync(out, 'utf8')) as RunResult;
  assert.ok(result.warmupMs! >= 900, `warmupMs ${result.warmupMs}: the slowest thread's warm-up`);
  assert.match(r.stdout, /\(after a [\d.]+ ?m?s warm-up, not recorded\)/);
  // Each thread kept its warm-up's socket for the measured run.
  assert.equal(ids.size, 2, `${ids.size} connections`);
  // The fast thread stopped sending when its warm-up ended and started again only when the slow one's had.
  const fast = byConnection[0];
  const gaps = fast.slice(1).map((t, i) => t - fast[i]);
  assert.ok(Math.max(...gaps) >= 500, `the fast thread waited for the slow one's warm-up (longest gap ${Math.max(...gaps).toFixed(0)} ms)`);
  // Recorded: only the measured part; the server saw both.
  const sent = byConnection.reduce((n, l) => n + l.length, 0);
  assert.ok(result.totals.requests > 0 && result.totals.requests < sent, `recorded ${result.totals.requests} of ${sent}`);
  assert.equal(result.totals.byStatus['200'], result.totals.requests);
  assert.equal(result.iterations.completed, result.totals.requests);
});
