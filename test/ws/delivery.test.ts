// WebSocket steps end to end, in process: delivery accounting against what the server relayed, drops counted
// exactly as lost, server closes classified while the run goes on, wait timeouts as failed checks.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createExampleApi } from '../../src/example/api.ts';
import type { RunResult } from '../../src/result/types.ts';
import { runInProcess } from '../e2e/in-process.ts';
import { startWsRoomServer } from '../helpers/ws-room-server.ts';

const dir = mkdtempSync(join(tmpdir(), 'runner-ws-'));
const closers: (() => Promise<void>)[] = [];
after(async () => {
  await Promise.all(closers.map((c) => c()));
  rmSync(dir, { recursive: true, force: true });
});

async function run(name: string, yaml: string, args: string[] = []): Promise<{ code: number; stdout: string; stderr: string; result: RunResult }> {
  const file = join(dir, `${name}.yaml`);
  const out = join(dir, `${name}.json`);
  writeFileSync(file, yaml);
  const r = await runInProcess(['run', file, '--out', out, '--quiet', ...args], dir);
  let result: RunResult;
  try {
    result = JSON.parse(readFileSync(out, 'utf8')) as RunResult;
  } catch {
    throw new Error(`no result file; exit ${r.code}\n${r.stdout}\n${r.stderr}`);
  }
  return { ...r, result };
}

test('full delivery: 50 users in 5 rooms × 20 messages = 9,000 deliveries, runner counts = server counts, 0 lost', async () => {
  const api = createExampleApi();
  const url = await api.listen(0);
  closers.push(() => api.close());
  const { result, code } = await run(
    'full',
    `
target: ${url}
headers: { Content-Type: application/json }
fields:
  userId: { gen: sequence, prefix: u, pad: 4 }
  room: { gen: sequence, prefix: room-, repeat: 10 }
requests:
  - { name: signup, method: POST, path: /signup, json: { userId: "{{userId}}", userName: n, email: e, userPw: pw }, expect: 200 }
  - name: login
    method: POST
    path: /login
    json: { userId: "{{userId}}", userPw: pw }
    capture: { token: $.token }
  - ws:
      name: chat
      path: /chat?room={{room}}
      headers: { Authorization: "Bearer {{token}}" }
      track: { id: $.id, room: "{{room}}", grace: 10s }
      steps:
        - wait: { json: $.members, equals: 10, timeout: 20s }
        - send: { json: { id: "{{$msgId}}", text: "hi from {{userId}}" }, count: 20, every: 5ms }
        - drain: 20s
        - close: 1000
load: { executor: per-vu-iterations, vus: 50, iterations: 1, maxDuration: 1m }
thresholds:
  ws_msgs_lost: ['count==0']
  ws_delivery_latency: ['p(99)<20000']
  ws_sessions: ['count==50']
`,
  );
  const chat = api.chatStats();
  const ws = result.ws!;
  assert.equal(code, 0, JSON.stringify(result.checks));
  assert.equal(result.iterations.completed, 50);
  // The server's books: 1,000 messages in, 9 copies each out.
  assert.equal(chat.messagesReceived, 1000);
  assert.equal(chat.messagesDelivered, 9000);
  // runner's books match them.
  assert.equal(ws.messages.sent, chat.messagesReceived);
  assert.equal(ws.messages.received, chat.messagesDelivered + chat.presenceSent);
  assert.deepEqual(
    { tracked: ws.delivery.tracked, expected: ws.delivery.expected, delivered: ws.delivery.delivered, lost: 0, duplicated: 0, unexpected: 0 },
    { tracked: 1000, expected: 9000, delivered: 9000, lost: ws.delivery.lost, duplicated: ws.delivery.duplicated, unexpected: ws.delivery.unexpected },
  );
  assert.equal(ws.delivery.latency.count, 9000);
  assert.equal(ws.connections.opened, 50);
  assert.equal(ws.connections.connecting.count, 50);
  assert.deepEqual(ws.connections.closes.byClient, { 1000: 50 });
  assert.equal(chat.open, 0);
  assert.equal(result.checks['chat: delivered'].passes, 50);
  assert.equal(result.thresholds?.ws_msgs_lost[0].ok, true);
  assert.equal(result.thresholds?.ws_sessions[0].value, 50);
});

test('a server dropping every 10th copy: exactly that many lost, and the drain check fails', async () => {
  const server = await startWsRoomServer({ dropEvery: 10 });
  closers.push(() => server.close());
  const { result, code } = await run(
    'drops',
    `
fields:
  room: { gen: sequence, prefix: r, repeat: 5 }
requests:
  - ws:
      name: room
      url: ${server.url}/?room={{room}}
      track: { id: $.id, room: "{{room}}", grace: 300ms }
      steps:
        - wait: { json: $.members, equals: 5, timeout: 10s }
        - send: { json: { id: "{{$msgId}}" }, count: 10, every: 2ms }
        - drain: 1s
load: { executor: per-vu-iterations, vus: 10, iterations: 1, maxDuration: 1m }
thresholds:
  ws_msgs_lost: ['count==0']
`,
  );
  const d = result.ws!.delivery;
  // 10 users × 10 messages × 4 other members = 400 copies; the server dropped every 10th.
  assert.equal(server.stats.received, 100);
  assert.equal(server.stats.dropped, 40);
  assert.equal(server.stats.relayed, 360);
  assert.equal(d.expected, 400);
  assert.equal(d.delivered, 360);
  assert.equal(d.lost, 40);
  assert.equal(d.latency.count, 360);
  assert.equal(result.checks['room: delivered'].fails, 10);
  assert.equal(result.iterations.failed, 10);
  assert.equal(code, 99, 'the ws_msgs_lost threshold failed');
  assert.equal(result.thresholds?.ws_msgs_lost[0].value, 40);
});

test('a server closing sockets mid-run: closes classified by code, the failed iterations counted, the run goes on', async () => {
  const server = await startWsRoomServer({ closeAfterMs: 100, closeCode: 4001 });
  closers.push(() => server.close());
  const { result, code } = await run(
    'closes',
    `
requests:
  - ws:
      name: held
      url: ${server.url}/?room=a
      steps:
        - hold: 2s
  - { name: after, url: ${server.httpUrl}/x, expect: 404 }
load: { executor: per-vu-iterations, vus: 3, iterations: 2, maxDuration: 1m }
`,
  );
  assert.equal(code, 0);
  const c = result.ws!.connections;
  assert.equal(c.opened, 6, 'every iteration connected again after the close');
  assert.deepEqual(c.closes.byServer, { 4001: 6 });
  assert.deepEqual(c.closes.byClient, {});
  assert.equal(server.stats.closedByServer, 6);
  assert.equal(result.iterations.failed, 6);
  assert.equal(result.outcome, 'completed');
  // An iteration whose socket the server closed stops there: the request after it was not sent.
  assert.equal(result.totals.requests, 0);
});

test('a wait that times out is a failed check, not a hang; the iteration fails and the socket is closed', async () => {
  const server = await startWsRoomServer();
  closers.push(() => server.close());
  const started = Date.now();
  const { result } = await run(
    'timeout',
    `
requests:
  - ws:
      name: w
      url: ${server.url}/?room=t
      steps:
        - wait: { json: $.type, equals: never, timeout: 200ms }
        - send: { text: not sent }
load: { executor: per-vu-iterations, vus: 2, iterations: 1, maxDuration: 1m }
`,
  );
  assert.ok(Date.now() - started < 10_000);
  assert.deepEqual(result.checks['w: wait $.type = never'], { passes: 0, fails: 2 });
  assert.equal(result.iterations.failed, 2);
  assert.equal(server.stats.received, 0, 'the send after the failed wait never ran');
  assert.deepEqual(result.ws!.connections.closes.byClient, { 1000: 2 });
  assert.deepEqual(server.stats.clientCloseCodes, [1000, 1000]);
});

test('a refused handshake (401 without the token) and a closed port are classified connection failures', async () => {
  const api = createExampleApi();
  const url = await api.listen(0);
  closers.push(() => api.close());
  const { result, code, stdout } = await run(
    'handshake',
    `
target: ${url}
requests:
  - ws: { name: no-token, path: /chat?room=x, steps: [{ send: { text: hi } }] }
load: { executor: per-vu-iterations, vus: 2, iterations: 1 }
`,
    [],
  );
  assert.equal(code, 0);
  assert.equal(stdout, '');
  assert.deepEqual(result.ws!.connections.failures, { handshake_401: 2 });
  assert.equal(result.ws!.connections.failed, 2);
  assert.equal(result.ws!.connections.opened, 0);
  assert.deepEqual(result.checks['no-token: connected'], { passes: 0, fails: 2 });
  assert.equal(api.chatStats().rejected, 2);
  const refused = await run('refused', `requests:\n  - ws: { url: "ws://127.0.0.1:1/x" }\nload: { executor: per-vu-iterations, vus: 1, iterations: 1 }\n`);
  assert.deepEqual(refused.result.ws!.connections.failures, { refused: 1 });
});
