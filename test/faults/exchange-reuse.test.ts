// A YAML VU sends all its requests through one reused Exchange. After runner gave up on a request (its deadline
// passed) undici still owns that request and calls its handler back later (the abort's error, data already read):
// none of that may land in the VU's next request. Each request is counted once, in its own bucket.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { compilePlan } from '../../src/plan/compile.ts';
import { Run } from '../../src/run.ts';
import { loadYamlScenario } from '../../src/scenario/load-yaml.ts';
import { assertBooksBalance, runFault } from './harness.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { OK_RESPONSE, startRawServer, type RawServer } from './raw-server.ts';

const servers: (RawServer | TestServer)[] = [];
after(() => Promise.all(servers.map((s) => s.close())));

for (const variant of ['headers sent, body late', 'nothing sent, answered late'] as const) {
  test(`exchange reuse: a request that timed out (${variant}) never leaks into the VU's next request`, async () => {
    let n = 0;
    const timers = new Set<NodeJS.Timeout>();
    const server = await startRawServer((s) => {
      // Odd requests time out: the answer comes after the client's 150 ms deadline. Even ones are answered at once.
      if (++n % 2 === 0) {
        s.socket.write(OK_RESPONSE);
        return;
      }
      if (variant === 'headers sent, body late') s.socket.write('HTTP/1.1 299 Late\r\nContent-Length: 4\r\n\r\nla');
      const t = setTimeout(() => {
        timers.delete(t);
        if (!s.socket.destroyed) s.socket.write(variant === 'headers sent, body late' ? 'te' : 'HTTP/1.1 299 Late\r\nContent-Length: 4\r\n\r\nlate');
      }, 300);
      timers.add(t);
    });
    servers.push(server);
    after(() => timers.forEach(clearTimeout));
    const { result } = await runFault({ target: server.url, timeout: '150ms', vus: 1, iterations: 6 });
    assertBooksBalance(result);
    assert.equal(server.count, 6);
    assert.equal(result.totals.requests, 6);
    assert.deepEqual(result.totals.byStatus, { '200': 3 }, JSON.stringify(result.totals));
    assert.deepEqual(result.totals.errors, { timeout: 3 }, JSON.stringify(result.errorMessages ?? {}));
    assert.equal(result.iterations.completed, 3);
    assert.equal(result.iterations.failed, 3);
    // The answered requests took no part of the late ones' time.
    assert.ok(result.requests.hit.latency.max < 150, `answered requests' latency max ${result.requests.hit.latency.max} ms`);
  });
}

test("exchange reuse: requests given up while queued behind a busy connection are never sent, nor answered as the VU's later ones", async () => {
  // One connection. 'slow' holds it for 700 ms (answered late, within its 5 s timeout); meanwhile 'fast' times out
  // request after request while they wait for that socket (200 ms each). When the socket frees, undici still holds
  // those given-up requests: they must be dropped, and the request the VU has in progress sent and answered as its
  // own. Each 'fast' request carries its number; the server echoes it, and the next request sends the echo back.
  const server = await startTestServer({
    handle: (req) => {
      if (req.path === '/slow') return { kind: 'respond', status: 200, body: 'ok', delayMs: 700 };
      return { kind: 'respond', status: 200, body: 'ok', headers: { 'x-echo': req.path.split('/')[2] ?? '' } };
    },
  });
  servers.push(server);
  const yaml = [
    'name: queued',
    `target: ${server.url}`,
    'http: { connections: 1, timeout: 5s }',
    'fields:',
    '  n: { gen: sequence }',
    'scenarios:',
    '  slow:',
    '    load: { executor: shared-iterations, vus: 1, iterations: 1 }',
    '    requests: [{ name: slow, path: /slow }]',
    '  fast:',
    '    load: { executor: shared-iterations, vus: 1, iterations: 6, startTime: 20ms }',
    '    requests:',
    '      - { name: fast, path: "/fast/{{n}}", timeout: 200ms, capture: { echo: { header: X-Echo } } }',
    '      - { name: check, path: "/check/{{echo}}/{{n}}" }',
    '',
  ].join('\n');
  const plan = compilePlan(loadYamlScenario(yaml, '/virtual/queued.yaml'), { seed: 1, env: {} });
  const result = await new Run(plan).start();
  assertBooksBalance(result);
  const fast = result.requests.fast.totals;
  assert.equal(fast.requests, 6);
  assert.ok((fast.errors.timeout ?? 0) >= 1, `some 'fast' requests timed out in the queue: ${JSON.stringify(fast)}`);
  assert.ok((fast.byStatus['200'] ?? 0) >= 1, `some 'fast' requests were answered after the socket freed: ${JSON.stringify(fast)}`);
  // Every request the server got was counted once, as answered; none given up in the queue was sent.
  const answered = Object.values(result.totals.byStatus).reduce((a, b) => a + b, 0);
  assert.equal(server.count, answered, `server got ${server.received.map((r) => r.path).join(' ')}; runner counted ${JSON.stringify(result.totals)}`);
  // Each answer reached the request that asked for it: the echo a VU sends back is its own iteration's number.
  const checks = server.received.filter((r) => r.path.startsWith('/check/')).map((r) => r.path.split('/'));
  assert.equal(checks.length, fast.byStatus['200']);
  for (const [, , echo, n] of checks) assert.equal(echo, n, `request ${n} was answered with the response to request ${echo}`);
  assert.deepEqual(result.requests.slow.totals.byStatus, { '200': 1 });
});
