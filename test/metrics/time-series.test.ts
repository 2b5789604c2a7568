// Per-second buckets and the self-check figures.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { startSelfCheck } from '../../src/metrics/self-check.ts';
import { createTimeSeries } from '../../src/metrics/time-series.ts';
import { createCollector } from '../../src/metrics/collector.ts';
import { decodeHistogram, encodeHistogram } from '../../src/metrics/histogram.ts';
import { fail, respond } from '../helpers/samples.ts';

test('time series: requests land in the second they started or ended; p50/p99 per second; empty seconds are zeros', () => {
  let now = 5_000;
  const c = createCollector(['a', 'b'], () => now);
  const ts = createTimeSeries();
  c.onSecond((v) => ts.add(v));
  c.started(0); // before begin(): counted in second 0
  const gauges = { iterations: 0, passed: 0, failed: 0, vus: 0 };
  c.begin((out) => out.set([gauges.iterations, gauges.passed, gauges.failed, gauges.vus]));
  for (let i = 0; i < 99; i++) c.started(0, now);
  now += 400;
  gauges.iterations = 100;
  gauges.passed = 7;
  gauges.vus = 3;
  for (let i = 1; i <= 100; i++) respond(c, i % 2, 200, i * 1000, i * 500, 0, 0, true, now); // 1..100 ms, service half
  fail(c, 0, 'refused', 0, 0, now);
  c.dropped(1);
  now += 700; // 1.1 s: the run's timer closes second 0, reading the gauges then
  c.flush();
  now += 1_300; // t = 2.4 s: second 1 had nothing
  gauges.failed = 1;
  gauges.vus = 1;
  c.started(1, now);
  respond(c, 1, 200, 7_000, 7_000, 0, 0, true, now);
  c.finish();
  const points = ts.points();
  assert.equal(points.length, 3);
  const { p50, p99, serviceP50, serviceP99, hdr, serviceHdr, ...counts } = points[0];
  assert.deepEqual(counts, { t: 0, started: 100, finished: 101, errors: 1, dropped: 1, iterations: 100, vus: 3, checksPassed: 7, checksFailed: 0 });
  // HdrHistogram with 3 significant digits: within 0.1 %.
  assert.ok(Math.abs(p50 - 50) < 0.05 && Math.abs(p99 - 99) < 0.1, `${p50} ${p99}`);
  assert.ok(Math.abs((serviceP50 ?? 0) - 25) < 0.05 && Math.abs((serviceP99 ?? 0) - 49.5) < 0.1, `${serviceP50} ${serviceP99}`);
  // Each second's histograms, encoded: exactly its responses.
  assert.equal(decodeHistogram(hdr ?? '').totalCount, 100);
  assert.equal(decodeHistogram(serviceHdr ?? '').totalCount, 100);
  // Gauges are read when a second closes: second 1 closed at 2.4 s (no timer ran here), after the check failed.
  assert.deepEqual(points[1], { t: 1, started: 0, finished: 0, errors: 0, dropped: 0, p50: 0, p99: 0, serviceP50: 0, serviceP99: 0, iterations: 0, vus: 1, checksPassed: 0, checksFailed: 1 });
  assert.ok(Math.abs(points[2].p50 - 7) < 0.01 && points[2].p99 === points[2].p50);
  assert.equal(points[2].serviceHdr, undefined, 'service time = latency in that second: not written twice');
  assert.equal(points[2].checksFailed, 0);
  // The totals are the seconds added: the same count, and the same histogram.
  const r = c.toRequestResults(2400);
  assert.equal(r.total.totals.requests, 102);
  assert.equal(r.total.latency.count, 101);
  const summed = decodeHistogram(points[0].hdr ?? '');
  summed.add(decodeHistogram(points[2].hdr ?? ''));
  assert.equal(r.total.latency.hdr, encodeHistogram(summed));
});

test('a second mixing equal and differing service times: the service-time histogram holds every response', () => {
  let now = 0;
  const c = createCollector(['a'], () => now);
  const ts = createTimeSeries();
  c.onSecond((v) => ts.add(v));
  c.begin();
  // 50 closed-model responses (latency = service time: 10 ms), then 50 that waited 20 ms for a VU (30 ms vs 10 ms).
  for (let i = 0; i < 50; i++) respond(c, 0, 200, 10_000, 10_000, 0, 0, true, 100);
  for (let i = 0; i < 50; i++) respond(c, 0, 200, 30_000, 10_000, 0, 0, true, 200);
  now = 1_001;
  c.flush();
  c.finish();
  const [p] = ts.points();
  assert.equal(decodeHistogram(p.hdr ?? '').totalCount, 100);
  assert.equal(decodeHistogram(p.serviceHdr ?? '').totalCount, 100, 'the equal ones count in the service time too');
  assert.ok(Math.abs((p.serviceP99 ?? 0) - 10) < 0.01 && Math.abs(p.p99 - 30) < 0.05, `${p.serviceP99} ${p.p99}`);
  assert.ok(Math.abs(p.p50 - 10) < 0.01, String(p.p50));
});

test('record once: totals read mid-second add the second not yet closed; a second is handed out once', () => {
  let now = 0;
  const c = createCollector(['a'], () => now);
  const seen: number[] = [];
  c.onSecond((v) => seen.push(v.t, v.requests));
  c.begin();
  respond(c, 0, 200, 1000, 1000, 0, 0, true, 10);
  assert.equal(c.toRequestResults(10).total.totals.requests, 1, 'the open second counts');
  now = 1500;
  respond(c, 0, 200, 2000, 2000, 0, 0, true, 1500);
  assert.equal(c.toRequestResults(1500).total.latency.count, 2, 'a closed second not yet handed out counts once');
  c.finish();
  assert.deepEqual(seen, [0, 1, 1, 1]);
  assert.equal(c.toRequestResults(1500).total.latency.count, 2, 'after finish: folded, still counted once');
  assert.equal(c.requests(), 2);
});

/** This process's CPU over the wall time since `from`, % of one core: what the self-check should report. */
function cpuPercentSince(from: { cpu: NodeJS.CpuUsage; wallMs: number }): number {
  const cpu = process.cpuUsage(from.cpu);
  return ((cpu.user + cpu.system) / 1000 / (performance.now() - from.wallMs)) * 100;
}

test('self-check: CPU of a busy loop against an idle wait, lateness percentiles, saturation reasons', async () => {
  let from = { cpu: process.cpuUsage(), wallMs: performance.now() };
  const elu = performance.eventLoopUtilization();
  const idle = startSelfCheck();
  await new Promise((r) => setTimeout(r, 200));
  const idleCheck = idle.stop(0);
  const idleExpected = cpuPercentSince(from);
  const idleElu = performance.eventLoopUtilization(elu).utilization;
  from = { cpu: process.cpuUsage(), wallMs: performance.now() };
  const sc = startSelfCheck();
  for (let i = 0; i < 99; i++) sc.lateStart(0.2);
  sc.lateStart(50);
  sc.lateStart(50);
  // Busy until this process has had 150 ms of CPU (or 3 s went by): on a machine shared with other work a busy
  // loop gets anything from 10 to 100 % of a core, so the share is compared with what the process measured.
  const until = performance.now() + 3_000;
  while (performance.now() < until && process.cpuUsage(from.cpu).user < 150_000);
  const r = sc.stop(3);
  const busyExpected = cpuPercentSince(from);
  assert.equal(r.droppedIterations, 3);
  // Busy all along (utilization counts wall time outside the poll, whatever the CPU share); the idle wait's is what
  // Node measured over it (a loaded machine can preempt the loop outside its poll and make it read high).
  assert.ok(r.eventLoopUtilization > 0.7, String(r.eventLoopUtilization));
  assert.ok(Math.abs(idleCheck.eventLoopUtilization - idleElu) < 0.15, `idle ${idleCheck.eventLoopUtilization} vs measured ${idleElu}`);
  assert.ok(Math.abs(r.cpuPercent - busyExpected) < 15, `busy ${r.cpuPercent} vs measured ${busyExpected}`);
  assert.ok(Math.abs(idleCheck.cpuPercent - idleExpected) < 15, `idle ${idleCheck.cpuPercent} vs measured ${idleExpected}`);
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
