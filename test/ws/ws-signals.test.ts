// Ctrl-C during WebSocket steps, with the built CLI (a real signal): exit 130, the result file written, and every
// socket closed by runner (1001, going away) instead of left for the server to time out.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { RunResult } from '../../src/result/types.ts';
import { binPath } from '../e2e/cli.ts';
import { startWsRoomServer } from '../helpers/ws-room-server.ts';

const dir = mkdtempSync(join(tmpdir(), 'runner-ws-signals-'));
const closers: (() => Promise<void>)[] = [];
after(async () => {
  await Promise.all(closers.map((c) => c()));
  rmSync(dir, { recursive: true, force: true });
});

async function until(cond: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('Ctrl-C while 5 VUs hold WebSockets: exit 130, result written, all 5 sockets closed by runner with 1001', async () => {
  const server = await startWsRoomServer();
  closers.push(() => server.close());
  const file = join(dir, 'hold.yaml');
  const out = join(dir, 'hold.json');
  writeFileSync(
    file,
    `requests:
  - ws:
      name: held
      url: ${server.url}/?room=a
      track: { id: $.id, room: a }
      steps:
        - send: { json: { id: "{{$msgId}}" }, count: 1000, every: 50ms }
load: { executor: constant-vus, vus: 5, duration: 30s }
`,
  );
  const child = spawn(process.execPath, [binPath, 'run', file, '--out', out, '--quiet'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  try {
    await until(() => server.stats.open === 5 && server.stats.received >= 10, 15_000);
    child.kill('SIGINT');
    const code = await exited;
    assert.equal(code, 130, stderr);
  } finally {
    clearTimeout(killer);
  }
  const result = JSON.parse(readFileSync(out, 'utf8')) as RunResult;
  assert.equal(result.outcome, 'interrupted');
  const ws = result.ws!;
  assert.equal(ws.connections.opened, 5);
  assert.deepEqual(ws.connections.closes.byClient, { 1001: 5 });
  assert.equal(ws.messages.sent, server.stats.received);
  await until(() => server.stats.open === 0, 2_000);
  assert.deepEqual(server.stats.clientCloseCodes, [1001, 1001, 1001, 1001, 1001]);
});
