// Error classes say what happened, seen from a raw `net` server on 127.0.0.1: an unsolicited 1xx/101 is a
// protocol fault, not `closed`; requests queued behind a hanging server (pipelined or not) are `timeout`, not
// `connect_timeout`; a socket the server really closes is still `closed`.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { assertBooksBalance, runFault } from './harness.ts';
import { OK_RESPONSE, startRawServer, type RawServer, type RawSocketState } from './raw-server.ts';

const servers: RawServer[] = [];
after(() => Promise.all(servers.map((s) => s.close())));

async function raw(onRequest: (s: RawSocketState) => void): Promise<RawServer> {
  const s = await startRawServer(onRequest);
  servers.push(s);
  return s;
}

/** [what the server answers, the class runner must report (or a status), requests]. */
const table: [string, string, string | { status: string }][] = [
  ['101 Switching Protocols (with Upgrade) to a request that asked for no upgrade', 'HTTP/1.1 101 Switching Protocols\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\n', 'protocol'],
  ['101 Switching Protocols without an Upgrade header', 'HTTP/1.1 101 Switching Protocols\r\n\r\n', 'protocol'],
  ['100 Continue to a request that sent no Expect, then 200', `HTTP/1.1 100 Continue\r\n\r\n${OK_RESPONSE}`, 'protocol'],
  ['103 Early Hints, then 200 (informational, allowed)', `HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\n${OK_RESPONSE}`, { status: '200' }],
];

for (const [name, answer, expected] of table) {
  test(`error class: ${name} → ${typeof expected === 'string' ? expected : expected.status}`, async () => {
    const s = await raw((st) => st.socket.write(answer));
    const { result, wallMs } = await runFault({ target: s.url, vus: 2, iterations: 4, timeout: '1s' });
    assertBooksBalance(result);
    assert.equal(result.totals.requests, 4);
    if (typeof expected === 'string') assert.deepEqual(result.totals.errors, { [expected]: 4 }, JSON.stringify(result.errorMessages));
    else assert.deepEqual(result.totals.byStatus, { [expected.status]: 4 }, JSON.stringify(result.totals));
    assert.equal(s.count, 4, 'each request reached the server once');
    assert.ok(wallMs < 5_000, `took ${wallMs} ms`);
  });
}

test('error class: 102 Processing, then the server closes → closed (the socket really closed)', async () => {
  const s = await raw((st) => st.socket.end('HTTP/1.1 102 Processing\r\n\r\n'));
  const { result } = await runFault({ target: s.url, vus: 2, iterations: 4, timeout: '1s' });
  assertBooksBalance(result);
  assert.deepEqual(result.totals.errors, { closed: 4 });
});

for (const [label, http, vus] of [
  ['pipelining: 4 on 1 connection, 8 VUs', 'connections: 1\npipelining: 4', 8],
  ['no pipelining, 2 connections, 8 VUs', 'connections: 2', 8],
] as [string, string, number][]) {
  test(`error class: a server that accepts and never answers, ${label} → all timeout, none connect_timeout`, async () => {
    const s = await raw(() => {});
    const { result, wallMs } = await runFault({ target: s.url, vus, iterations: vus, timeout: '500ms', http });
    assertBooksBalance(result);
    // The requests queued behind the busy sockets expire in the same sweep as those on the sockets, whose aborts
    // destroy the sockets: they were queued behind a live connection, not waiting for a connect.
    assert.deepEqual(result.totals.errors, { timeout: vus }, JSON.stringify(result.totals.errors));
    assert.ok(s.connections >= 1);
    assert.ok(wallMs < 5_000, `took ${wallMs} ms`);
  });
}

test('error class: a server that never answers, 4 requests pipelined on 1 connection 40 ms apart → all timeout (the first one\'s abort destroys the socket under the others: they were closed before)', async () => {
  const s = await raw(() => {});
  const { result } = await runFault({
    target: s.url,
    timeout: '500ms',
    http: 'connections: 1\npipelining: 4',
    load: 'executor: constant-arrival-rate\nrate: 25\nduration: 160ms\npreAllocatedVUs: 4',
  });
  assertBooksBalance(result);
  assert.equal(result.totals.requests, 4);
  assert.deepEqual(result.totals.errors, { timeout: 4 }, JSON.stringify(result.totals.errors));
});

test('error class: a redirect to a Location that is not a URL → protocol (was other); the pool keeps working', async () => {
  let n = 0;
  // Odd requests get the bad redirect, even ones a 200: the redirect's failure must not disturb the others.
  const s = await raw((st) => st.socket.write(++n % 2 === 1 ? 'HTTP/1.1 302 Found\r\nLocation: //x y\r\nContent-Length: 0\r\n\r\n' : OK_RESPONSE));
  const { result } = await runFault({ target: s.url, vus: 1, iterations: 6, timeout: '1s', http: 'maxRedirects: 2' });
  assertBooksBalance(result);
  assert.deepEqual(result.totals.errors, { protocol: 3 }, JSON.stringify(result.errorMessages));
  assert.deepEqual(result.totals.byStatus, { '200': 3 });
  assert.equal(s.count, 6);
});

test('pipelining: the server answers the first request on a socket and closes it: the unanswered pipelined ones are closed, never silently sent again', async () => {
  // undici re-writes idempotent requests that were pipelined on a socket that closed (client-h1.js): the server
  // got 16 requests for runner's 8 before the fix. Every request the server got is now one runner counted.
  const s = await raw((st) => {
    if (st.received === 1) st.socket.end(OK_RESPONSE);
  });
  const { result, wallMs } = await runFault({ target: s.url, vus: 8, iterations: 8, timeout: '2s', http: 'connections: 1\npipelining: 4' });
  assertBooksBalance(result);
  assert.equal(result.totals.requests, 8);
  const ok = result.totals.byStatus['200'] ?? 0;
  assert.ok(ok >= 1, JSON.stringify(result.totals));
  assert.deepEqual(Object.keys(result.totals.errors), ['closed'], JSON.stringify(result.totals.errors));
  assert.equal(s.count, result.totals.requests, `the server got ${s.count} requests, runner counted ${result.totals.requests}`);
  assert.ok(wallMs < 5_000, `took ${wallMs} ms`);
});
