// The test server does what each Behaviour promises, seen from a plain node:http client on 127.0.0.1.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { Agent, request, type IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import { after, describe, it } from 'node:test';
import { freePort, startTestServer, type TestServer, type TestServerOptions } from './server.ts';

const servers: TestServer[] = [];
const agents: Agent[] = [];
after(async () => {
  for (const a of agents) a.destroy();
  await Promise.all(servers.map((s) => s.close()));
});

async function start(opts: TestServerOptions = {}): Promise<TestServer> {
  const s = await startTestServer(opts);
  servers.push(s);
  return s;
}

function keepAliveAgent(): Agent {
  const a = new Agent({ keepAlive: true, maxSockets: 1 });
  agents.push(a);
  return a;
}

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  bytes: number;
  socket: Socket;
}

/** One request; rejects on any socket or parse error, on a body shorter than announced, or after timeoutMs. */
function send(
  url: string,
  opts: { method?: string; body?: string; agent?: Agent; timeoutMs?: number; keepBody?: boolean } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: opts.method ?? 'GET', agent: opts.agent ?? false }, (res) => {
      const socket = res.socket; // the agent takes it back (res.socket = null) once the body ends
      const chunks: Buffer[] = [];
      let bytes = 0;
      res.on('data', (c: Buffer) => {
        bytes += c.length;
        if (opts.keepBody !== false) chunks.push(c);
      });
      res.on('error', (err) => reject(Object.assign(err, { bytes })));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString(),
          bytes,
          socket,
        }),
      );
      res.on('close', () => {
        if (!res.complete) reject(Object.assign(new Error('incomplete body'), { bytes }));
      });
    });
    req.on('error', reject);
    req.setTimeout(opts.timeoutMs ?? 5000, () => req.destroy(new Error('client timeout')));
    req.end(opts.body);
  });
}

describe('startTestServer', () => {
  it('answers 200 {"ok":true} by default and records the request in full', async () => {
    const s = await start();
    const res = await send(`${s.url}/signup?x=1`, { method: 'POST', body: '{"userId":"a"}' });
    assert.equal(res.status, 200);
    assert.equal(res.body, '{"ok":true}');
    assert.equal(s.count, 1);
    assert.equal(s.received.length, 1);
    const [r] = s.received;
    assert.equal(r.method, 'POST');
    assert.equal(r.path, '/signup?x=1');
    assert.equal(r.body, '{"userId":"a"}');
    assert.equal(r.headers.host, `127.0.0.1:${s.port}`);
    assert.equal(typeof r.at, 'number');
    assert.deepEqual([...s.statusCounts], [[200, 1]]);
  });

  it('respond: chosen status, body and headers, after delayMs', async () => {
    const s = await start({ behaviour: { kind: 'respond', status: 503, body: 'busy', headers: { 'x-test': 'yes' }, delayMs: 100 } });
    const t0 = performance.now();
    const res = await send(s.url);
    assert.ok(performance.now() - t0 >= 95, 'answered before delayMs');
    assert.equal(res.status, 503);
    assert.equal(res.body, 'busy');
    assert.equal(res.headers['x-test'], 'yes');
    assert.equal(s.statusCounts.get(503), 1);
  });

  it('handle: chooses per request with a 0-based index; record:false keeps counters only', async () => {
    const seen: number[] = [];
    const s = await start({
      record: false,
      handle: async (_req, i) => {
        seen.push(i);
        return { kind: 'respond', status: i === 0 ? 201 : 202 };
      },
    });
    assert.equal((await send(s.url, { method: 'POST', body: 'x' })).status, 201);
    assert.equal((await send(s.url)).status, 202);
    assert.deepEqual(seen, [0, 1]);
    assert.equal(s.count, 2);
    assert.equal(s.received.length, 0);
    assert.deepEqual([...s.statusCounts].sort(), [[201, 1], [202, 1]]);
  });

  it('a throwing handle becomes a 500, not a hang', async () => {
    const s = await start({ handle: () => { throw new Error('boom'); } });
    const res = await send(s.url);
    assert.equal(res.status, 500);
    assert.match(res.body, /boom/);
  });

  it('reset: the client sees ECONNRESET', async () => {
    const s = await start({ behaviour: { kind: 'reset' } });
    // syscall 'read' tells an RST apart from a FIN, which Node reports as 'socket hang up' (also ECONNRESET).
    await assert.rejects(send(s.url), { code: 'ECONNRESET', syscall: 'read' });
    assert.equal(s.count, 1);
  });

  it('close-mid-body: the client gets an error after the bytes sent, not a full body', async () => {
    const s = await start({ behaviour: { kind: 'close-mid-body', declaredLength: 1000, sendBytes: 300 } });
    const err = await send(s.url).then(
      () => assert.fail('a full body arrived'),
      (e: Error & { bytes?: number }) => e,
    );
    assert.equal(err.bytes, 300);
  });

  it('hang: only the client timeout ends it, and close() does not wait for it', async () => {
    const s = await startTestServer({ behaviour: { kind: 'hang' } });
    await assert.rejects(send(s.url, { timeoutMs: 150 }), /client timeout/);
    const hung = send(s.url, { timeoutMs: 5000 }).catch((e: Error) => e);
    while (s.count < 2) await new Promise((r) => setTimeout(r, 5));
    const t0 = performance.now();
    await s.close();
    await s.close(); // idempotent
    assert.ok(performance.now() - t0 < 500, 'close() waited on a hung socket');
    assert.ok((await hung) instanceof Error);
  });

  it('trickle: one byte per interval; close() does not wait for it', async () => {
    const s = await start({ behaviour: { kind: 'trickle', bytes: 5, intervalMs: 20 } });
    const t0 = performance.now();
    const res = await send(s.url);
    assert.equal(res.body, 'aaaaa');
    assert.ok(performance.now() - t0 >= 90, 'bytes came faster than one per interval');

    const slow = await startTestServer({ behaviour: { kind: 'trickle', bytes: 1000, intervalMs: 50 } });
    const pending = send(slow.url).catch((e: Error) => e);
    while (slow.count < 1) await new Promise((r) => setTimeout(r, 5));
    const t1 = performance.now();
    await slow.close();
    assert.ok(performance.now() - t1 < 500);
    assert.ok((await pending) instanceof Error);
  });

  it('big: streams 8 MiB with the right content-length', async () => {
    const bytes = 8 * 1024 * 1024;
    const s = await start({ behaviour: { kind: 'big', bytes } });
    const res = await send(s.url, { keepBody: false, timeoutMs: 10_000 });
    assert.equal(res.headers['content-length'], String(bytes));
    assert.equal(res.bytes, bytes);
  });

  it('garbage: the client fails to parse the response', async () => {
    const s = await start({ behaviour: { kind: 'garbage' } });
    await assert.rejects(send(s.url), (err: NodeJS.ErrnoException) => {
      assert.match(err.code ?? '', /^HPE_/);
      return true;
    });
  });

  it('close-after: every request on a keep-alive agent needs a new connection', async () => {
    const control = await start();
    const agent = keepAliveAgent();
    for (let i = 0; i < 3; i++) await send(control.url, { agent });
    assert.equal(control.connections, 1, 'keep-alive control did not reuse its socket');

    const s = await start({ behaviour: { kind: 'close-after' } });
    const agent2 = keepAliveAgent();
    for (let i = 0; i < 3; i++) assert.equal((await send(s.url, { agent: agent2 })).headers.connection, 'close');
    assert.equal(s.connections, 3);
    assert.equal(s.count, 3);
  });

  it('maxRequestsPerSocket: a keep-alive socket closes after N requests', async () => {
    const s = await start({ maxRequestsPerSocket: 2 });
    const agent = keepAliveAgent();
    for (let i = 0; i < 4; i++) assert.equal((await send(s.url, { agent })).status, 200);
    assert.equal(s.connections, 2);
  });

  it('stop() closes keep-alive sockets and refuses connections; restart() serves again on the same port', async () => {
    const s = await start();
    const agent = keepAliveAgent();
    const { socket: pooled } = await send(s.url, { agent });
    const pooledClosed = once(pooled, 'close');
    await s.stop();
    // The client notices the FIN a little later; waiting for it keeps the agent from reusing a dead socket.
    await pooledClosed;
    await assert.rejects(send(s.url), { code: 'ECONNREFUSED' });
    await s.restart();
    assert.equal((await send(`http://127.0.0.1:${s.port}/`, { agent })).status, 200);
    assert.equal(s.connections, 2);
    assert.equal(s.count, 2);
  });
});

describe('freePort', () => {
  it('returns a port where connecting is refused', async () => {
    const port = await freePort();
    assert.ok(port > 0 && port < 65536);
    await assert.rejects(send(`http://127.0.0.1:${port}/`), { code: 'ECONNREFUSED' });
  });
});
