// Per-second buckets and the self-check figures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startSelfCheck } from '../../src/metrics/self-check.ts';
import { createTimeSeries } from '../../src/metrics/time-series.ts';

test('time series: requests land in the second they started or ended; p50/p99 per second; empty seconds are zeros', () => {
  let now = 5_000;
  const ts = createTimeSeries(() => now);
  ts.started(); // before begin(): forgotten
  ts.begin();
  for (let i = 0; i < 100; i++) ts.started();
  now += 400;
  for (let i = 1; i <= 100; i++) ts.finished(i * 1000, false); // 1..100 ms
  ts.finished(-1, true);
  ts.dropped();
  now += 2_000; // t = 2.4 s: second 1 had nothing
  ts.started();
  ts.finished(7_000, false);
  const points = ts.points();
  assert.equal(points.length, 3);
  const { p50, p99, ...counts } = points[0];
  assert.deepEqual(counts, { t: 0, started: 100, finished: 101, errors: 1, dropped: 1 });
  // HdrHistogram with 3 significant digits: within 0.1 %.
  assert.ok(Math.abs(p50 - 50) < 0.05 && Math.abs(p99 - 99) < 0.1, `${p50} ${p99}`);
  assert.deepEqual(points[1], { t: 1, started: 0, finished: 0, errors: 0, dropped: 0, p50: 0, p99: 0 });
  assert.ok(Math.abs(points[2].p50 - 7) < 0.01 && points[2].p99 === points[2].p50);
});

test('self-check: CPU of a busy loop against an idle wait, lateness percentiles, saturation reasons', async () => {
  const idle = startSelfCheck();
  await new Promise((r) => setTimeout(r, 200));
  const idleCheck = idle.stop(0);
  const idleCpu = idleCheck.cpuPercent;
  const sc = startSelfCheck();
  for (let i = 0; i < 99; i++) sc.lateStart(0.2);
  sc.lateStart(50);
  sc.lateStart(50);
  const until = performance.now() + 200;
  while (performance.now() < until); // busy: this process at ~100 % of a core
  const r = sc.stop(3);
  assert.equal(r.droppedIterations, 3);
  // Busy for 200 ms of ~200 ms vs waiting for a timer.
  assert.ok(r.eventLoopUtilization > 0.7 && idleCheck.eventLoopUtilization < 0.3, `${r.eventLoopUtilization} vs ${idleCheck.eventLoopUtilization}`);
  // The vCPUs here are shared with other work: a busy loop gets 20–100 % of a core, an idle wait a few %.
  assert.ok(r.cpuPercent > idleCpu + 10, `${r.cpuPercent} vs idle ${idleCpu}`);
  assert.equal(r.scheduledStarts, 101);
  assert.ok(Math.abs(r.lateStartsP99Ms! - 50) < 0.05, String(r.lateStartsP99Ms));
  assert.ok(Math.abs(r.lateStartsMaxMs! - 50) < 0.05, String(r.lateStartsMaxMs));
  assert.ok(r.saturated);
  assert.ok(r.reasons.some((x) => /scheduled starts p99/.test(x)), r.reasons.join());
});

test('self-check: nothing scheduled gives null lateness', () => {
  const r = startSelfCheck().stop(0);
  assert.equal(r.lateStartsP99Ms, null);
  assert.equal(r.scheduledStarts, 0);
});

test('self-check: one stall in a short run is reported but not judged as saturation', async () => {
  const sc = startSelfCheck();
  await new Promise((r) => setTimeout(r, 100));
  const until = performance.now() + 60;
  while (performance.now() < until); // one 60 ms stall, as module loading or JIT at start-up
  await new Promise((r) => setTimeout(r, 100));
  const r = sc.stop(0);
  assert.ok(r.eventLoopDelayMaxMs >= 30, `max ${r.eventLoopDelayMaxMs}`);
  assert.ok(!r.reasons.some((x) => /event-loop delay/.test(x)), r.reasons.join());
});
