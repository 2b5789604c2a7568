// A request undici refuses to send (a header value outside Latin-1, a space in a path, a bad method) must fail
// as `invalid_request` and never stall the pool: undici alone marks the Pool slot it was handed "busy" forever,
// so before the fix every request after `connections` refused ones waited out its deadline as connect_timeout.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';
import { createHttpSample } from '../../src/metrics/sample.ts';
import { compilePlan } from '../../src/plan/compile.ts';
import { renderSummary } from '../../src/report/summary.ts';
import { Run } from '../../src/run.ts';
import { loadScriptScenario } from '../../src/scenario/load-ts.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { loadYamlScenario } from '../../src/scenario/load-yaml.ts';
import { Exchange } from '../../src/http/exchange.ts';
import { InFlight } from '../../src/http/in-flight.ts';
import { createPools } from '../../src/http/pool.ts';
import { createCollector } from '../../src/metrics/collector.ts';
import { createExpectTable } from '../../src/plan/expect.ts';
import { assertBooksBalance } from '../faults/harness.ts';

const servers: TestServer[] = [];
after(() => Promise.all(servers.map((s) => s.close())));

async function serve(): Promise<TestServer> {
  const s = await startTestServer();
  servers.push(s);
  return s;
}

test('YAML: a header value from a field that undici refuses fails as invalid_request; the good requests all reach the server', async () => {
  const server = await serve();
  const yaml = [
    'name: poison',
    `target: ${server.url}`,
    'http: { connections: 2, timeout: 2s }',
    'fields:',
    '  who: { gen: pick, values: [plain, 김민준, "a\\u0001b", ok] }',
    'requests:',
    '  - name: hit',
    '    path: /',
    '    headers: { x-name: "{{who}}" }',
    'load: { executor: shared-iterations, vus: 2, iterations: 40 }',
  ].join('\n');
  const t0 = performance.now();
  const result = await new Run(compilePlan(loadYamlScenario(yaml, '/virtual/poison.yaml'), { seed: 1, env: {} })).start();
  const wallMs = performance.now() - t0;
  assertBooksBalance(result);
  const bad = result.totals.errors.invalid_request ?? 0;
  const good = result.totals.byStatus['200'] ?? 0;
  assert.equal(result.totals.requests, 40);
  assert.ok(bad > 0 && good > 0, `both kinds drawn: ${JSON.stringify(result.totals)}`);
  assert.equal(bad + good, 40, `only two buckets: ${JSON.stringify(result.totals)}`);
  assert.equal(server.count, good, 'every good request reached the server, no refused one did');
  assert.ok(server.received.every((r) => r.headers['x-name'] === 'plain' || r.headers['x-name'] === 'ok'));
  assert.equal(result.checks['hit: status is expected'].passes, good);
  assert.ok(wallMs < 10_000, `took ${wallMs} ms (a stuck pool waits out every deadline)`);
  const summary = renderSummary(result, { color: false });
  assert.match(summary, /^error: invalid_request count: \d+ {2}\(first: invalid x-name header: (a character outside Latin-1, '김' \(U\+AE40\)|a control character, U\+0001), at character \d+ of its value\)$/m);
});

test('code scenario: ctx.http with a refused header, a path with a space and a bad method fails those as invalid_request only', async () => {
  const server = await serve();
  const fixture = join(fileURLToPath(new URL('../fixtures/ts/', import.meta.url)), 'bad-header-some.ts');
  const model = await loadScriptScenario(fixture);
  const t0 = performance.now();
  const result = await new Run(compilePlan(model, { seed: 1, env: {}, target: server.url })).start();
  const wallMs = performance.now() - t0;
  assertBooksBalance(result);
  assert.deepEqual(result.requests['bad'].totals.errors, { invalid_request: 15 });
  assert.deepEqual(result.requests['good'].totals.byStatus, { '200': 15 });
  assert.deepEqual(result.totals.errors, { invalid_request: 15 });
  assert.equal(result.requests['bad'].totals.bytesSent, 0, 'a request never sent sends no bytes');
  assert.ok(result.requests['good'].totals.bytesSent > 0);
  assert.equal(server.count, 15);
  assert.ok(server.received.every((r) => r.path === '/x' && r.method === 'GET'));
  assert.ok(wallMs < 10_000, `took ${wallMs} ms`);
});

for (const maxRedirects of [0, 3]) {
  test(`a refusal runner's own check missed (prechecked) still leaves the pool working (maxRedirects ${maxRedirects})`, async () => {
    // The guard behind the check: the pool's Client does not report "busy" for a request undici refused.
    const server = await serve();
    const pools = createPools({ timeoutMs: 1000, pipelining: 1, insecure: false, maxRedirects, maxCaptureBytes: 1024, connections: 1 });
    const now = () => performance.now();
    const inFlight = new InFlight(now);
    const ctx = { metrics: createCollector(['hit']), inFlight, now, connectedSince: () => false, maxBodyBytes: 1024, sample: createHttpSample() };
    const send = (headers: string[]) =>
      new Exchange(ctx, {
        requestId: 0,
        dispatcher: pools.get(server.url),
        origin: server.url,
        method: 'GET',
        path: '/',
        headers,
        timeoutMs: 1000,
        expect: createExpectTable(undefined),
        keepBody: false,
        keepHeaders: false,
        prechecked: true,
      }).send();
    try {
      for (let i = 0; i < 3; i++) {
        const bad = await send(['x-name', '김민준']);
        assert.equal(bad.error, 'invalid_request', bad.errorMessage);
        assert.match(bad.errorMessage, /^undici refused the request: invalid x-name header$/);
        const good = await send(['x-name', 'plain']);
        assert.equal(good.status, 200, `good request after a refused one: ${good.error} ${good.errorMessage}`);
      }
      assert.equal(server.count, 3);
    } finally {
      inFlight.stop();
      await pools.destroy();
    }
  });
}
