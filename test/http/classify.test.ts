// Error classes by undici code: a table for the codes no real-socket test reaches, and one real case: a
// request sent into a pool that runner has already destroyed (the run ending) is `aborted`, not `other`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createHttpSample } from '../../src/metrics/sample.ts';
import { classifyError } from '../../src/http/classify.ts';
import { Exchange } from '../../src/http/exchange.ts';
import { InFlight } from '../../src/http/in-flight.ts';
import { createPools } from '../../src/http/pool.ts';
import { createCollector } from '../../src/metrics/collector.ts';
import { createExpectTable } from '../../src/plan/expect.ts';
import { startTestServer } from '../helpers/server.ts';

const table: [string, { code?: string; name?: string; message?: string }, string][] = [
  ['too many open files', { code: 'EMFILE', message: 'connect EMFILE 127.0.0.1:80' }, 'fd_limit'],
  ['file table full', { code: 'ENFILE' }, 'fd_limit'],
  ['unsolicited 101', { code: 'UND_ERR_SOCKET', message: 'bad upgrade' }, 'protocol'],
  ['unsolicited 100', { code: 'UND_ERR_SOCKET', message: 'bad response' }, 'protocol'],
  ['server closed', { code: 'UND_ERR_SOCKET', message: 'other side closed' }, 'closed'],
  ['undici assert on a 101 without Upgrade', { code: 'ERR_ASSERTION', name: 'AssertionError' }, 'protocol'],
  ['pool destroyed by runner', { code: 'UND_ERR_DESTROYED' }, 'aborted'],
  ['pool closed by runner', { code: 'UND_ERR_CLOSED' }, 'aborted'],
  ['runner refused to send', { code: 'RUNNER_INVALID_REQUEST' }, 'invalid_request'],
  ['a redirect to a Location that is not a URL', { code: 'ERR_INVALID_URL', name: 'TypeError', message: 'Invalid URL' }, 'protocol'],
];

for (const [label, err, kind] of table) {
  test(`classify: ${label} → ${kind}`, () => {
    assert.equal(classifyError(Object.assign(new Error(err.message ?? label), err)), kind);
  });
}

test('a request sent into a destroyed pool is aborted (was other), settles at once and is counted once', async () => {
  const server = await startTestServer();
  const pools = createPools({ timeoutMs: 1000, pipelining: 1, insecure: false, maxRedirects: 0, maxCaptureBytes: 1024, connections: 1 });
  const metrics = createCollector(['hit']);
  const now = () => performance.now();
  const ctx = { metrics, inFlight: new InFlight(now), now, connectedSince: () => false, maxBodyBytes: 1024, sample: createHttpSample() };
  const request = {
    requestId: 0,
    origin: server.url,
    method: 'GET',
    path: '/',
    headers: [],
    timeoutMs: 1000,
    expect: createExpectTable(undefined),
    keepBody: false,
    keepHeaders: false,
  };
  try {
    const first = await new Exchange(ctx, { ...request, dispatcher: pools.get(server.url) }).send();
    assert.equal(first.status, 200);
    const dispatcher = pools.get(server.url);
    await pools.destroy();
    const late = await new Exchange(ctx, { ...request, dispatcher }).send();
    assert.equal(late.error, 'aborted', late.errorMessage);
    assert.equal(server.count, 1);
    const totals = metrics.toRequestResults(1000).total.totals;
    assert.equal(totals.requests, 2);
    assert.deepEqual(totals.errors, { aborted: 1 });
  } finally {
    await server.close();
  }
});
