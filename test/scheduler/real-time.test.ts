// A few bounded real-time runs against a real local server: the open model keeps its schedule, and under a
// stalling server `latency` shows the stall while a closed loop hides it (coordinated omission).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { decodeHistogram } from '../../src/metrics/histogram.ts';
import { compilePlan } from '../../src/plan/compile.ts';
import type { RunResult } from '../../src/result/types.ts';
import { Run } from '../../src/run.ts';
import { loadScenario } from '../../src/scenario/load.ts';
import { startTestServer, type Behaviour, type TestServer } from '../helpers/server.ts';

const dirs: string[] = [];
const servers: TestServer[] = [];
after(async () => {
  for (const s of servers) await s.close();
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/** Runs a one-request YAML scenario (GET /) with the given `load:` and `http:` lines against `url`. */
async function runYaml(url: string, load: string, http = ''): Promise<RunResult> {
  const dir = await mkdtemp(join(tmpdir(), 'runner-load-'));
  dirs.push(dir);
  const file = join(dir, 'load.yaml');
  await writeFile(file, `version: 1\nname: load\n${http}requests:\n  - name: get\n    method: GET\n    path: /\nload:\n${load}`);
  const plan = compilePlan(await loadScenario(file, dir), { seed: 1, env: {}, target: url });
  return new Run(plan).start();
}

const OK: Behaviour = { kind: 'respond', status: 200, body: '{"ok":true}' };

test('constant-arrival-rate 200/s for 2 s: exactly 400 starts, ~200 per second, none dropped', async () => {
  const server = await startTestServer({ record: false, behaviour: OK });
  servers.push(server);
  const r = await runYaml(server.url, '  executor: constant-arrival-rate\n  rate: 200\n  duration: 2s\n  preAllocatedVUs: 5\n  maxVUs: 400\n');
  assert.equal(r.iterations.started, 400);
  assert.equal(r.iterations.completed, 400);
  assert.equal(server.count, 400);
  assert.equal(r.totals.dropped, 0);
  // Per-second series: starts follow the schedule (a slow first tick may move a few across the boundary).
  assert.ok(r.timeSeries.length >= 2);
  const [s0, s1] = r.timeSeries;
  assert.ok(Math.abs(s0.started - 200) <= 30 && Math.abs(s1.started - 200) <= 30, JSON.stringify(r.timeSeries));
  assert.equal(r.timeSeries.reduce((n, p) => n + p.finished, 0), 400);
  assert.ok(r.selfCheck && r.selfCheck.scheduledStarts === 400 && r.selfCheck.lateStartsP99Ms !== null);
  // Latency counts from the intended start, so it is never below the service time.
  for (const p of ['p50', 'p99', 'max'] as const) assert.ok(r.latency[p] >= r.serviceTime[p], p);
  assert.equal(r.scenarios.default.model, 'open');
  assert.equal(r.scenarios.default.iterations.started, 400);
});

/** Answers at once, except during [1, 2) s of every 3 s after the first request: then at the stall's end. */
async function startStallingServer(): Promise<TestServer> {
  let t0 = -1;
  const server = await startTestServer({
    record: false,
    handle: (req) => {
      if (t0 < 0) t0 = req.at;
      const phase = (req.at - t0) % 3000;
      return phase >= 1000 && phase < 2000 ? { ...OK, delayMs: 2000 - phase } : OK;
    },
  });
  servers.push(server);
  return server;
}

test('stalling server (1 s of every 3 s), 200/s on 10 connections: latency p99 shows the stall', async () => {
  const server = await startStallingServer();
  const r = await runYaml(server.url, '  executor: constant-arrival-rate\n  rate: 200\n  duration: 3s\n  preAllocatedVUs: 50\n  maxVUs: 400\n', 'http:\n  connections: 10\n');
  assert.equal(r.iterations.started, 600);
  assert.equal(r.iterations.dropped, 0);
  assert.equal(server.count, 600);
  // ~40 of 600 requests were scheduled in the stall's first 200 ms: they waited ≥ 800 ms.
  assert.ok(r.latency.p99 >= 800, `latency p99 ${r.latency.p99}`);
  assert.ok(r.latency.max >= 950 && r.latency.max < 3000, `latency max ${r.latency.max}`);
  // The time series shows it too: the second the stall ended in has the slow responses.
  assert.ok(r.timeSeries.some((p) => p.p99 >= 800), JSON.stringify(r.timeSeries));
});

test('the same stall under a closed loop of 10 VUs: latency = service time, and p99 hides the stall', async () => {
  const server = await startStallingServer();
  const r = await runYaml(server.url, '  executor: constant-vus\n  vus: 10\n  duration: 3s\n', 'http:\n  connections: 10\n');
  // Closed model: both measured from the send, so the two histograms are the very same.
  assert.equal(r.latency.hdr, r.serviceTime.hdr);
  assert.equal(decodeHistogram(r.latency.hdr).totalCount, r.latency.count);
  assert.deepEqual(
    ['p50', 'p99', 'max'].map((p) => r.latency[p as 'p50']),
    ['p50', 'p99', 'max'].map((p) => r.serviceTime[p as 'p50']),
  );
  assert.equal(r.scenarios.default.model, 'closed');
  assert.equal(r.selfCheck?.lateStartsP99Ms, null);
  // Only the 10 requests caught in the stall are slow; the loop sent nothing while it waited.
  assert.ok(r.latency.count > 1000, String(r.latency.count));
  assert.ok(r.latency.max >= 800, `max ${r.latency.max}`);
  assert.ok(r.latency.p99 < 800, `closed-loop p99 ${r.latency.p99} should hide the stall`);
});

test('ramping-vus against a real server: 0→4 VUs over 1 s then 4 for 1 s; starts per second follow', async () => {
  const server = await startTestServer({ record: false, behaviour: { ...OK, delayMs: 10 } });
  servers.push(server);
  const t0 = performance.now();
  const r = await runYaml(server.url, '  executor: ramping-vus\n  startVUs: 0\n  stages:\n    - { duration: 1s, target: 4 }\n    - { duration: 1s, target: 4 }\n');
  const wallMs = performance.now() - t0;
  assert.ok(wallMs < 4_000, String(wallMs));
  const [s0, s1] = r.timeSeries;
  // Second 0: VUs at 0.25/0.5/0.75 s (and the 4th at 1 s) → ~(0.75+0.5+0.25)·~90/s ≈ 135; second 1: 4 VUs ≈ 360.
  assert.ok(s1.started > 2 * s0.started, JSON.stringify(r.timeSeries));
  assert.ok(s0.started > 50, JSON.stringify(r.timeSeries));
  assert.equal(r.iterations.aborted, 0);
  assert.equal(server.count, r.totals.requests);
});
