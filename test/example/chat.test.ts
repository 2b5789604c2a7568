// The example API's WebSocket chat, driven by a plain ws client: the token from /login is required, a room per
// query parameter, each message relayed to the other members only, and the stats count it all.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import WebSocket from 'ws';
import { createExampleApi } from '../../src/example/api.ts';

const api = createExampleApi();
after(() => api.close());

function connect(url: string, headers: Record<string, string> = {}): Promise<{ ws: WebSocket; got: string[] } | { status: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    const got: string[] = [];
    ws.on('message', (d) => got.push(d.toString()));
    ws.on('open', () => resolve({ ws, got }));
    ws.on('unexpected-response', (_req, res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0 });
    });
    ws.on('error', () => undefined);
  });
}

async function until(cond: () => boolean): Promise<void> {
  const end = Date.now() + 5_000;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('chat: 401 without a token, 400 without a room, relay to the other members of the room only', async () => {
  const base = (await api.listen(0)).replace('http', 'ws');
  const http = base.replace('ws', 'http');
  const tokens: string[] = [];
  for (const id of ['a', 'b', 'c']) {
    await fetch(`${http}/signup`, { method: 'POST', body: JSON.stringify({ userId: id, userName: id, email: id, userPw: 'pw' }) });
    const r = await fetch(`${http}/login`, { method: 'POST', body: JSON.stringify({ userId: id, userPw: 'pw' }) });
    tokens.push(((await r.json()) as { token: string }).token);
  }
  assert.deepEqual(await connect(`${base}/chat?room=x`), { status: 401 });
  assert.deepEqual(await connect(`${base}/chat?room=x`, { authorization: 'Bearer nope' }), { status: 401 });
  assert.deepEqual(await connect(`${base}/chat`, { authorization: `Bearer ${tokens[0]}` }), { status: 400 });
  const a = await connect(`${base}/chat?room=x`, { authorization: `Bearer ${tokens[0]}` });
  const b = await connect(`${base}/chat?room=x&token=${tokens[1]}`);
  const c = await connect(`${base}/chat?room=y`, { authorization: `Bearer ${tokens[2]}` });
  assert.ok('ws' in a && 'ws' in b && 'ws' in c);
  await until(() => a.got.length === 2 && b.got.length === 1 && c.got.length === 1);
  assert.deepEqual(a.got.map((m) => JSON.parse(m)), [{ type: 'presence', room: 'x', members: 1 }, { type: 'presence', room: 'x', members: 2 }]);
  a.ws.send('{"id":"m1"}');
  await until(() => b.got.length === 2);
  assert.equal(b.got[1], '{"id":"m1"}');
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(a.got.length, 2, 'the sender gets no copy');
  assert.equal(c.got.length, 1, 'another room gets nothing');
  assert.deepEqual(api.chatStats(), { connections: 3, open: 3, rejected: 3, messagesReceived: 1, messagesDelivered: 1, presenceSent: 4 });
  for (const x of [a, b, c]) x.ws.close();
  await until(() => api.chatStats().open === 0);
});
