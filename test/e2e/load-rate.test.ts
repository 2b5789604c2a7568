// The built CLI with --rate, and a file with several scenarios: what the server received and what runner reported.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createExampleApi } from '../../src/example/api.ts';
import type { RunResult } from '../../src/result/types.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bin = join(root, 'dist/cli/bin.js');
let dir = '';
const servers: TestServer[] = [];
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'runner-e2e-load-'));
});
after(async () => {
  for (const s of servers) await s.close();
  await rm(dir, { recursive: true, force: true });
});

/** Runs the CLI to its end (killed after `limitMs`); resolves with exit code and output. */
function runCli(args: string[], limitMs = 30_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: root, env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), limitMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

test('signup.yaml --rate 1000 --duration 3s against a 20 ms server: 3,000 starts, none dropped, p50 20–23 ms', async () => {
  const api = createExampleApi({ delayMs: 20 });
  const url = await api.listen(0, '127.0.0.1');
  try {
    const out = join(dir, 'rate.json');
    const { code, stdout, stderr } = await runCli(['run', 'scenarios/signup.yaml', '--target', url, '--rate', '1000', '--duration', '3s', '--out', out]);
    assert.equal(code, 0, stderr);
    const r = JSON.parse(await readFile(out, 'utf8')) as RunResult;
    assert.equal(r.iterations.started, 3000);
    assert.equal(r.totals.dropped, 0);
    assert.equal(r.iterations.completed, 3000);
    assert.equal(api.stats().signups, 3000);
    assert.ok(r.serviceTime.count === 3000 && r.serviceTime.p50 >= 20 && r.serviceTime.p50 <= r.latency.p50, `serviceTime p50 ${r.serviceTime.p50}`);
    assert.ok(r.selfCheck, 'selfCheck');
    if (!r.selfCheck.saturated) assert.ok(r.latency.p50 >= 20 && r.latency.p50 <= 23, `p50 ${r.latency.p50}`);
    // On a machine busy with other work runner falls behind its schedule; then it must say so, not blame the server.
    else assert.match(stdout, /^warning: runner was saturated \(.+\): the latencies describe runner more than the server/m);
    assert.equal(r.scenarios.default.executor, 'constant-arrival-rate');
    // Self-check figures and the per-second series.
    for (const k of ['eventLoopDelayP99Ms', 'cpuPercent', 'lateStartsP99Ms'] as const) assert.equal(typeof r.selfCheck[k], 'number', k);
    assert.equal(r.selfCheck.scheduledStarts, 3000);
    assert.ok(r.timeSeries.length >= 3 && r.timeSeries.length <= 4, JSON.stringify(r.timeSeries));
    assert.equal(r.timeSeries.reduce((n, p) => n + p.started, 0), 3000);
    assert.ok(r.timeSeries.slice(0, 3).every((p) => p.started >= 900 && p.started <= 1100), JSON.stringify(r.timeSeries));
    // The summary shows both measures and runner's own load.
    assert.match(stdout, /^latency \(ms\) +count/m);
    assert.match(stdout, /^service time \(ms\) +count/m);
    assert.match(stdout, /^runner: CPU [\d.]+% {2}event loop busy \d+% {2}delay p99 [\d.]+ ms {2}start lateness p99 [\d.]+ ms$/m);
  } finally {
    await api.close();
  }
});

test('two scenarios in one file: each on its own executor and start time, reported apart and in total', async () => {
  const server = await startTestServer();
  servers.push(server);
  const file = join(dir, 'two.yaml');
  await writeFile(
    file,
    [
      'version: 1',
      'name: two',
      'scenarios:',
      '  browse:',
      '    requests: [{ name: home, method: GET, path: /home }]',
      '    load: { executor: constant-arrival-rate, rate: 50, duration: 2s, preAllocatedVUs: 2, maxVUs: 20 }',
      '  late:',
      '    requests: [{ name: report, method: POST, path: /report, body: "{}" }]',
      '    load: { executor: per-vu-iterations, vus: 2, iterations: 5, startTime: 1s }',
      '',
    ].join('\n'),
  );
  const out = join(dir, 'two.json');
  const { code, stdout, stderr } = await runCli(['run', file, '--target', server.url, '--out', out]);
  assert.equal(code, 0, stderr);
  const r = JSON.parse(await readFile(out, 'utf8')) as RunResult;
  const home = server.received.filter((q) => q.path === '/home');
  const report = server.received.filter((q) => q.path === '/report');
  assert.equal(home.length, 100);
  assert.equal(report.length, 10);
  // startTime: the second scenario began a second after the first.
  assert.ok(report[0].at - home[0].at >= 800, `${report[0].at - home[0].at} ms`);
  assert.deepEqual(Object.keys(r.scenarios), ['browse', 'late']);
  assert.equal(r.scenarios.browse.iterations.started, 100);
  assert.equal(r.scenarios.browse.totals.requests, 100);
  assert.equal(r.scenarios.browse.model, 'open');
  assert.equal(r.scenarios.late.iterations.completed, 10);
  assert.equal(r.scenarios.late.totals.requests, 10);
  assert.equal(r.scenarios.late.executor, 'per-vu-iterations');
  assert.equal(r.scenarios.late.latency.count, 10);
  assert.equal(r.totals.requests, 110);
  assert.equal(r.iterations.started, 110);
  assert.match(stdout, /^scenario +executor +iterations +dropped +requests +rps +p50 ms +p99 ms$/m);
  assert.match(stdout, /^browse +constant-arrival-rate +100 +0 +100 /m);
  assert.match(stdout, /^late +per-vu-iterations +10 +0 +10 /m);
});

test('--rate with a tiny pool drops what it cannot start, counts it and warns', async () => {
  const server = await startTestServer({ record: false, behaviour: { kind: 'respond', status: 200, body: '{}', delayMs: 100 } });
  servers.push(server);
  const out = join(dir, 'drop.json');
  const { code, stdout, stderr } = await runCli(['run', 'scenarios/signup.yaml', '--target', server.url, '--rate', '100', '--duration', '1s', '--vus', '2', '--out', out]);
  assert.equal(code, 0, stderr);
  const r = JSON.parse(await readFile(out, 'utf8')) as RunResult;
  // 2 VUs, 100 ms each: ~20 of the 100 scheduled iterations start, the rest are dropped.
  assert.equal(r.iterations.started + r.iterations.dropped, 100);
  // At most 2 per 100 ms (fewer when this machine is busy and responses come late).
  assert.ok(r.iterations.started >= 8 && r.iterations.started <= 22, String(r.iterations.started));
  assert.equal(r.totals.dropped, r.iterations.dropped);
  assert.equal(server.count, r.iterations.started);
  assert.equal(r.timeSeries.reduce((n, p) => n + p.dropped, 0), r.iterations.dropped);
  assert.match(stdout, new RegExp(`^warning: ${r.iterations.dropped} iterations dropped`, 'm'));
});

test('--rate without --duration or --stages is a usage error (exit 2)', async () => {
  const { code, stderr } = await runCli(['run', 'scenarios/signup.yaml', '--rate', '100']);
  assert.equal(code, 2);
  assert.match(stderr, /--rate needs --duration/);
});

test('--stages ramps VUs (ramping-vus); with --rate it ramps the rate (ramping-arrival-rate)', async () => {
  const server = await startTestServer({ record: false });
  servers.push(server);
  const rateOut = join(dir, 'stages-rate.json');
  const a = await runCli(['run', 'scenarios/signup.yaml', '--target', server.url, '--rate', '0', '--stages', '1s:200,1s:200', '--out', rateOut, '-q']);
  assert.equal(a.code, 0, a.stderr);
  const r = JSON.parse(await readFile(rateOut, 'utf8')) as RunResult;
  assert.equal(r.scenarios.default.executor, 'ramping-arrival-rate');
  // 0 → 200/s over 1 s is 100 starts, then 200 in the flat second.
  assert.equal(r.iterations.started, 300);
  assert.equal(server.count, 300);
  const [s0, s1] = r.timeSeries;
  assert.ok(Math.abs(s0.started - 100) <= 15 && Math.abs(s1.started - 200) <= 15, JSON.stringify(r.timeSeries));

  const vusOut = join(dir, 'stages-vus.json');
  const b = await runCli(['run', 'scenarios/signup.yaml', '--target', server.url, '--stages', '500ms:3', '--out', vusOut, '-q']);
  assert.equal(b.code, 0, b.stderr);
  const v = JSON.parse(await readFile(vusOut, 'utf8')) as RunResult;
  assert.equal(v.scenarios.default.executor, 'ramping-vus');
  assert.equal(v.scenarios.default.model, 'closed');
  assert.ok(v.iterations.started > 10 && v.iterations.aborted === 0, JSON.stringify(v.iterations));
  assert.equal(v.latency.hdr, v.serviceTime.hdr);
});
