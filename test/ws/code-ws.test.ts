// ctx.ws in a code scenario: connect with a login token, wait for the full room, sendMany with tracked ids,
// drain, listeners and close — and the failures (401, a wait timeout, a throwing listener) as values, not crashes.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createExampleApi } from '../../src/example/api.ts';
import type { RunResult } from '../../src/result/types.ts';
import { runInProcess } from '../e2e/in-process.ts';
import { startWsRoomServer } from '../helpers/ws-room-server.ts';

const dir = mkdtempSync(join(tmpdir(), 'runner-code-ws-'));
const closers: (() => Promise<void>)[] = [];
after(async () => {
  await Promise.all(closers.map((c) => c()));
  rmSync(dir, { recursive: true, force: true });
});

test('ctx.ws: 2 rooms of 4 users, 5 tracked messages each: 120 deliveries, listeners see them, nothing lost', async () => {
  const api = createExampleApi();
  const url = await api.listen(0);
  closers.push(() => api.close());
  const file = join(dir, 'chat.ts');
  writeFileSync(
    file,
    `import { defineScenario } from 'runner';
export default defineScenario({
  target: '${url}',
  load: { executor: 'per-vu-iterations', vus: 8, iterations: 1, maxDuration: '1m' },
  fields: { n: { gen: 'sequence' }, room: { gen: 'sequence', prefix: 'r', repeat: 4 } },
  iteration: async ({ http, ws, check, fields }) => {
    const userId = 'u' + fields.n;
    await http.post('/signup', { userId, userName: 'n', email: 'e', userPw: 'pw' }, { name: 'signup' });
    const { token } = (await http.post('/login', { userId, userPw: 'pw' }, { name: 'login' })).json();
    const room = String(fields.room);
    const chat = await ws.connect('/chat?room=' + room, { headers: { Authorization: 'Bearer ' + token }, track: { id: '$.id', room } });
    if (!check(chat, { 'connected': (c) => c.open })) return;
    let heard = 0;
    chat.on('message', (m) => { if (m.data.includes('"id"')) heard++; });
    check(await chat.next({ json: '$.members', equals: 4 }, { timeout: '10s' }), { 'room full': (m) => m !== undefined });
    const sent = await chat.sendMany((id) => ({ id, from: userId }), { count: 5, every: '5ms' });
    check(sent, { 'sent 5': (n) => n === 5 });
    check(await chat.drain({ timeout: '10s' }), { 'delivered': (ok) => ok });
    check(heard, { 'heard 15': (n) => n === 15 });
    const quiet = await chat.next({ contains: 'never' }, { timeout: 50 });
    check(quiet, { 'nothing more': (m) => m === undefined });
    // Left open on purpose: runner closes it when the iteration ends.
  },
});
`,
  );
  const out = join(dir, 'chat.json');
  const r = await runInProcess(['run', file, '--out', out, '--quiet'], dir);
  const result = JSON.parse(readFileSync(out, 'utf8')) as RunResult;
  assert.equal(r.code, 0, r.stderr + JSON.stringify(result.checks));
  for (const name of ['connected', 'room full', 'sent 5', 'delivered', 'heard 15', 'nothing more']) assert.deepEqual(result.checks[name], { passes: 8, fails: 0 }, name);
  const d = result.ws!.delivery;
  assert.deepEqual([d.tracked, d.expected, d.delivered, d.lost, d.duplicated, d.unexpected], [40, 120, 120, 0, 0, 0]);
  assert.equal(api.chatStats().messagesDelivered, 120);
  assert.deepEqual(result.ws!.connections.closes.byClient, { 1000: 8 });
  assert.equal(api.chatStats().open, 0);
});

test('ctx.ws failures are values: a 401 handshake gives open false and its class; a throwing listener fails the iteration', async () => {
  const api = createExampleApi();
  const url = await api.listen(0);
  closers.push(() => api.close());
  const rooms = await startWsRoomServer();
  closers.push(() => rooms.close());
  const file = join(dir, 'fail.ts');
  writeFileSync(
    file,
    `import { defineScenario } from 'runner';
export default defineScenario({
  target: '${url}',
  load: { executor: 'per-vu-iterations', vus: 1, iterations: 1 },
  iteration: async ({ ws, check }) => {
    const c = await ws.connect('/chat?room=a');
    check(c, { 'refused 401': (x) => !x.open && x.error === 'handshake_401' });
    check(c.send('hi'), { 'send on a failed connection is false': (v) => v === false });
    const open = await ws.connect('${rooms.url}/?room=b');
    open.on('message', () => { throw new Error('listener broke'); });
    const other = await ws.connect('${rooms.url}/?room=b');
    other.send('hello');
    await open.hold('2s');
  },
});
`,
  );
  const out = join(dir, 'fail.json');
  const r = await runInProcess(['run', file, '--out', out, '--quiet'], dir);
  const result = JSON.parse(readFileSync(out, 'utf8')) as RunResult;
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(result.checks['refused 401'], { passes: 1, fails: 0 });
  assert.deepEqual(result.checks['send on a failed connection is false'], { passes: 1, fails: 0 });
  assert.deepEqual(result.ws!.connections.failures, { handshake_401: 1 });
  // A message reached the throwing listener: the iteration failed there, at once, and its socket closed.
  assert.equal(result.iterations.failed, 1);
  assert.match(result.iterationErrors?.[0]?.message ?? '', /listener broke/);
  assert.ok(result.durationMs < 1900, String(result.durationMs));
  assert.equal(rooms.stats.open, 0);
});
