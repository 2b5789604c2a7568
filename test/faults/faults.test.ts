// The fault battery: a real server misbehaving in each way a target can, and for each one the run ends in
// bounded time, every request is in exactly one bucket, and the error class is the right one.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { freePort, startTestServer, type Behaviour, type TestServer } from '../helpers/server.ts';
import { assertBooksBalance, runFault } from './harness.ts';

const servers: TestServer[] = [];
after(() => Promise.all(servers.map((s) => s.close())));

async function serve(behaviour: Behaviour, extra: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> {
  const s = await startTestServer({ behaviour, ...extra });
  servers.push(s);
  return s;
}

/** One fault → one error class: [name, behaviour, expected class, max wall ms]. */
const table: [string, Behaviour, string, number][] = [
  ['RST before responding', { kind: 'reset' }, 'reset', 3_000],
  ['headers then FIN mid-body (truncated content-length)', { kind: 'close-mid-body', declaredLength: 1000, sendBytes: 10 }, 'closed', 3_000],
  ['FIN before any byte of the body', { kind: 'close-mid-body', declaredLength: 1000, sendBytes: 0 }, 'closed', 3_000],
  ['garbage status line', { kind: 'garbage' }, 'protocol', 3_000],
  ['never sends headers', { kind: 'hang' }, 'timeout', 3_000],
  ['body trickles slower than the timeout', { kind: 'trickle', bytes: 100, intervalMs: 50 }, 'timeout', 3_000],
];

for (const [name, behaviour, kind, maxMs] of table) {
  test(`fault: ${name} → ${kind}`, async () => {
    const s = await serve(behaviour);
    // 4 iterations on 4 VUs: one timeout round at most.
    const { result, wallMs } = await runFault({ target: s.url, vus: 4, iterations: 4, timeout: '500ms' });
    assertBooksBalance(result);
    assert.equal(result.totals.requests, 4);
    assert.deepEqual(result.totals.errors, { [kind]: 4 });
    assert.deepEqual(result.totals.byStatus, {}, 'a failed response is never a status');
    assert.equal(s.count, 4, 'the server received every request');
    assert.ok(wallMs < maxMs, `took ${wallMs} ms`);
    assert.equal(result.iterations.failed, 4);
  });
}

test('fault: closed port → refused, no request reaches anything', async () => {
  const port = await freePort();
  const { result, wallMs } = await runFault({ target: `http://127.0.0.1:${port}`, vus: 2, iterations: 6 });
  assertBooksBalance(result);
  assert.deepEqual(result.totals.errors, { refused: 6 });
  assert.ok(wallMs < 3_000);
});

test('fault: a name that does not resolve → dns (.invalid never resolves, RFC 6761)', async () => {
  const { result, wallMs } = await runFault({ target: 'http://does-not-exist.invalid', vus: 1, iterations: 2, timeout: '5s' });
  assertBooksBalance(result);
  assert.deepEqual(result.totals.errors, { dns: 2 });
  assert.ok(wallMs < 6_000);
});

test('fault: Connection: close after every response → all 200, one connection per request', async () => {
  const s = await serve({ kind: 'close-after' });
  const { result } = await runFault({ target: s.url, vus: 2, iterations: 40 });
  assertBooksBalance(result);
  assert.deepEqual(result.totals.byStatus, { '200': 40 });
  assert.deepEqual(result.totals.errors, {});
  assert.equal(s.count, 40);
  assert.equal(s.connections, 40);
});

test('fault: server closes keep-alive sockets after 3 requests → all 200, books match the server', async () => {
  const s = await serve({ kind: 'respond', status: 200, body: 'ok' }, { maxRequestsPerSocket: 3 });
  const { result } = await runFault({ target: s.url, vus: 2, iterations: 60 });
  assertBooksBalance(result);
  // A request racing the close may fail as closed/reset (undici#3141): it is counted, never retried nor lost.
  const failed = Object.values(result.totals.errors).reduce((a, b) => a + b, 0);
  assert.equal(result.totals.byStatus['200'] + failed, 60);
  assert.equal(result.totals.byStatus['200'], s.statusCounts.get(200));
  assert.ok(result.totals.byStatus['200'] >= 57, JSON.stringify(result.totals));
  assert.ok(s.connections >= 20, `${s.connections} connections`);
});

test('fault: 8 MiB bodies × 200 are streamed and dropped: RSS stays bounded', async () => {
  const s = await serve({ kind: 'big', bytes: 8 << 20 }, { record: false });
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
  const { result } = await runFault({ target: s.url, vus: 4, iterations: 200, timeout: '20s' });
  clearInterval(sampler);
  assertBooksBalance(result);
  assert.deepEqual(result.totals.byStatus, { '200': 200 });
  assert.ok(result.totals.bytesReceived >= 200 * (8 << 20), 'every byte was read');
  // 200 × 8 MiB = 1.6 GiB if bodies piled up; the server runs in this process too and streams them.
  const growthMiB = (peak - before) / (1 << 20);
  assert.ok(growthMiB < 160, `RSS grew by ${growthMiB.toFixed(0)} MiB`);
});

test('fault: server stops and restarts on the same port mid-run → refused, then the pool recovers', async () => {
  const s = await serve({ kind: 'respond', status: 200, body: 'ok', delayMs: 2 });
  let countAtStop = 0;
  let countAtRestart = 0;
  const { result, wallMs } = await runFault({
    target: s.url,
    request: 'think: 2ms',
    load: 'executor: constant-vus\nvus: 4\nduration: 1500ms',
    during: async () => {
      await sleep(400);
      await s.stop();
      countAtStop = s.count;
      await sleep(300);
      await s.restart();
      countAtRestart = s.count;
    },
  });
  assertBooksBalance(result);
  assert.ok(wallMs < 4_000);
  assert.ok(countAtStop > 0);
  assert.ok((result.totals.errors.refused ?? 0) > 0, JSON.stringify(result.totals.errors));
  assert.ok(s.count - countAtRestart > 20, `only ${s.count - countAtRestart} requests after the restart`);
  // Every 200 runner counted is one the server answered, and the other way round.
  assert.equal(result.totals.byStatus['200'], s.statusCounts.get(200));
  // The only failures are the ones the outage explains.
  for (const kind of Object.keys(result.totals.errors)) assert.ok(['refused', 'reset', 'closed'].includes(kind), kind);
});

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
