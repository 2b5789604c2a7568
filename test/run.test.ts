import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { performance } from 'node:perf_hooks';
import { loadYamlScenario } from '../src/scenario/load-yaml.ts';
import { compilePlan } from '../src/plan/compile.ts';
import { Run } from '../src/run.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';

const servers: TestServer[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

function planFor(url: string, extra: string) {
  const text = `name: t
target: ${url}
fields:
  id: { gen: string, length: 8, unique: true }
requests:
  - name: post
    method: POST
    path: /x
    json: { id: "{{id}}" }
    expect: 200
${extra}`;
  return compilePlan(loadYamlScenario(text, join(tmpdir(), 't.yaml')), { seed: 3, env: {} });
}

test('every iteration reaches the server once and is counted once', async () => {
  const server = await startTestServer();
  servers.push(server);
  const plan = planFor(server.url, 'load: { executor: shared-iterations, vus: 7, iterations: 500 }\n');
  const result = await new Run(plan).start();
  assert.equal(server.count, 500);
  assert.equal(result.totals.requests, 500);
  assert.equal(result.totals.byStatus['200'], 500);
  assert.equal(result.latency.count, 500);
  assert.deepEqual(result.iterations, { started: 500, completed: 500, failed: 0, dropped: 0, aborted: 0 });
  const ids = new Set(server.received.map((r) => JSON.parse(r.body).id));
  assert.equal(ids.size, 500, 'unique ids never repeat');
});

test("runner's own deadline fires on time, not on undici's 1 s timer", async () => {
  const server = await startTestServer({ behaviour: { kind: 'hang' } });
  servers.push(server);
  const plan = planFor(server.url, 'load: { executor: per-vu-iterations, vus: 2, iterations: 1 }\n');
  plan.http.timeoutMs = 300;
  for (const s of plan.scenarios[0].steps!) s.timeoutMs = 300;
  const t0 = performance.now();
  const result = await new Run(plan).start();
  const elapsed = performance.now() - t0;
  assert.deepEqual(result.totals.errors, { timeout: 2 });
  assert.equal(result.iterations.failed, 2);
  assert.ok(elapsed >= 300 && elapsed < 700, `took ${elapsed.toFixed(0)} ms`);
});

test('an unexpected status fails the iteration and is counted', async () => {
  const server = await startTestServer({ handle: (_req, i) => ({ kind: 'respond', status: i % 2 === 0 ? 200 : 503 }) });
  servers.push(server);
  const plan = planFor(server.url, 'load: { executor: shared-iterations, vus: 1, iterations: 10 }\n');
  const result = await new Run(plan).start();
  assert.deepEqual(result.totals.byStatus, { '200': 5, '503': 5 });
  assert.equal(result.totals.unexpectedStatus, 5);
  assert.equal(result.iterations.failed, 5);
  assert.deepEqual(result.checks['post: status is expected'], { passes: 5, fails: 5 });
});

test('stop() ends a long run quickly and keeps what was measured', async () => {
  const server = await startTestServer({ behaviour: { kind: 'respond', status: 200, delayMs: 20 } });
  servers.push(server);
  const plan = planFor(server.url, 'load: { executor: constant-vus, vus: 4, duration: 60s }\n');
  const run = new Run(plan);
  setTimeout(() => run.stop(), 400);
  const t0 = performance.now();
  const result = await run.start();
  assert.ok(performance.now() - t0 < 2000);
  assert.equal(result.outcome, 'interrupted');
  assert.ok(result.totals.requests > 20);
  assert.equal(result.totals.requests, result.totals.byStatus['200'] + (result.totals.errors.aborted ?? 0));
});

test('activeVus counts VUs inside an iteration and returns to zero', async () => {
  const server = await startTestServer({ behaviour: { kind: 'respond', status: 200, delayMs: 100 } });
  servers.push(server);
  const plan = planFor(server.url, 'load: { executor: per-vu-iterations, vus: 3, iterations: 2 }\n');
  const run = new Run(plan);
  const seen: number[] = [];
  const probe = setInterval(() => seen.push(run.activeVus), 20);
  await run.start();
  clearInterval(probe);
  assert.equal(Math.max(...seen), 3);
  assert.equal(run.activeVus, 0);
});
