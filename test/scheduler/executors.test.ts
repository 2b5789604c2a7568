// Every executor's schedule on the manual clock: starts per second, intended start times, VU counts per
// stage, dropped iterations, graceful stop and ramp-down with `aborted` — exact and instant.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createManualClock } from '../../src/scheduler/clock.ts';
import { executors } from '../../src/scheduler/index.ts';
import type { ConstantArrivalRate, ConstantVus, RampingArrivalRate, RampingVus } from '../../src/scenario/model.ts';
import { countPerBucket, createFakeRuntime } from './fake-runtime.ts';

const base = { startTimeMs: 0, gracefulStopMs: 30_000 };

/** Starts `run`, advances the clock by `ms`, and returns whether run had ended by then. */
async function runFor(run: Promise<void>, clock: ReturnType<typeof createManualClock>, ms: number): Promise<boolean> {
  let ended = false;
  void run.then(() => (ended = true));
  await clock.advance(ms);
  return ended;
}

test('constant-arrival-rate: 100/s for 5 s starts exactly 100 a second, at k·10 ms, none late, none dropped', async () => {
  const clock = createManualClock(1_000);
  const fake = createFakeRuntime(clock, 35);
  const config: ConstantArrivalRate = { executor: 'constant-arrival-rate', ...base, rate: 100, timeUnitMs: 1000, durationMs: 5000, preAllocatedVUs: 2, maxVUs: 50 };
  const run = executors['constant-arrival-rate'].run(config, fake.rt);
  assert.equal(await runFor(run, clock, 4_999), false);
  assert.equal(await runFor(run, clock, 40), true, 'ends once the duration is over and the last iteration finished');
  const starts = fake.starts.map((s) => s.atMs - 1_000);
  assert.deepEqual(countPerBucket(starts, 1000, 5), [100, 100, 100, 100, 100]);
  assert.equal(fake.starts.length, 500);
  fake.starts.forEach((s, k) => {
    assert.equal(s.intendedMs, 1_000 + k * 10, `intended start of #${k}`);
    assert.equal(s.atMs, s.intendedMs);
  });
  assert.deepEqual(new Set(fake.lateMs), new Set([0]));
  assert.equal(fake.dropped, 0);
  // 35 ms iterations every 10 ms: 4 at once at most, so the pool grew from 2 to 4 and no further.
  assert.equal(fake.vus.length, 4);
  assert.equal(fake.completed, 500);
});

test('constant-arrival-rate: 500/1m is one every 120 ms', async () => {
  const clock = createManualClock();
  const fake = createFakeRuntime(clock, 10);
  const config: ConstantArrivalRate = { executor: 'constant-arrival-rate', ...base, rate: 500, timeUnitMs: 60_000, durationMs: 120_000, preAllocatedVUs: 1, maxVUs: 1 };
  const run = executors['constant-arrival-rate'].run(config, fake.rt);
  assert.equal(await runFor(run, clock, 120_010), true);
  assert.deepEqual(countPerBucket(fake.starts.map((s) => s.atMs), 60_000, 2), [500, 500]);
  assert.deepEqual(fake.starts.slice(0, 3).map((s) => s.intendedMs), [0, 120, 240]);
});

test('no free VU: the iteration is dropped and counted, never queued (maxVUs 2, 50 ms iterations, 100/s)', async () => {
  const clock = createManualClock();
  const fake = createFakeRuntime(clock, 50);
  const config: ConstantArrivalRate = { executor: 'constant-arrival-rate', ...base, rate: 100, timeUnitMs: 1000, durationMs: 1000, preAllocatedVUs: 1, maxVUs: 2 };
  const run = executors['constant-arrival-rate'].run(config, fake.rt);
  assert.equal(await runFor(run, clock, 1_100), true);
  // Each 50 ms window has 5 arrivals and 2 VUs: 2 start, 3 are dropped. Starts keep their schedule.
  assert.equal(fake.starts.length, 40);
  assert.equal(fake.dropped, 60);
  assert.equal(fake.vus.length, 2);
  for (const s of fake.starts) assert.equal(s.atMs, s.intendedMs, 'a started iteration is never late');
  assert.deepEqual(fake.starts.slice(0, 4).map((s) => s.atMs), [0, 10, 50, 60]);
});

test('graceful stop: iterations running at the end get gracefulStop to finish, then are aborted', async () => {
  const clock = createManualClock();
  const fake = createFakeRuntime(clock, 5_000);
  const config: ConstantArrivalRate = { executor: 'constant-arrival-rate', ...base, gracefulStopMs: 2_000, rate: 10, timeUnitMs: 1000, durationMs: 1000, preAllocatedVUs: 10, maxVUs: 10 };
  const run = executors['constant-arrival-rate'].run(config, fake.rt);
  assert.equal(await runFor(run, clock, 2_999), false);
  assert.equal(fake.running(), 10);
  assert.equal(await runFor(run, clock, 1), true, 'ends at duration + gracefulStop');
  assert.equal(fake.aborted, 10);
  assert.equal(fake.completed, 0);
});

test('graceful stop: iterations that finish within gracefulStop complete', async () => {
  const clock = createManualClock();
  const fake = createFakeRuntime(clock, 1_500);
  const config: ConstantArrivalRate = { executor: 'constant-arrival-rate', ...base, gracefulStopMs: 2_000, rate: 10, timeUnitMs: 1000, durationMs: 1000, preAllocatedVUs: 10, maxVUs: 20 };
  const run = executors['constant-arrival-rate'].run(config, fake.rt);
  assert.equal(await runFor(run, clock, 2_399), false);
  assert.equal(await runFor(run, clock, 1), true, 'ends when the last one (started at 900 ms) ends');
  assert.equal(fake.completed, 10);
  assert.equal(fake.aborted, 0);
});

test('ramping-arrival-rate: 0→100/s over 1 s, 100/s for 2 s, 100→0 over 1 s starts 50, 100, 100, 50', async () => {
  const clock = createManualClock();
  const fake = createFakeRuntime(clock, 5);
  const config: RampingArrivalRate = {
    executor: 'ramping-arrival-rate', ...base, startRate: 0, timeUnitMs: 1000, preAllocatedVUs: 1, maxVUs: 10,
    stages: [{ durationMs: 1000, target: 100 }, { durationMs: 2000, target: 100 }, { durationMs: 1000, target: 0 }],
  };
  const run = executors['ramping-arrival-rate'].run(config, fake.rt);
  assert.equal(await runFor(run, clock, 4_010), true);
  const intended = fake.starts.map((s) => s.intendedMs!);
  assert.deepEqual(countPerBucket(intended, 1000, 4), [50, 100, 100, 50]);
  // The i-th start is where the rate's integral reaches i − ½: 50·t² = 0.5 → t = 100 ms; the last at 4000 − 100.
  assert.ok(Math.abs(intended[0] - 100) < 1e-6, String(intended[0]));
  assert.ok(Math.abs(intended[299] - 3900) < 1e-6, String(intended[299]));
  assert.equal(intended.length, 300);
  // Within the ramp, starts get closer together.
  assert.ok(intended[1] - intended[0] > intended[49] - intended[48]);
  // Ticks are whole milliseconds: a fractional due time starts at most 1 ms late, and it is recorded.
  for (const late of fake.lateMs) assert.ok(late >= 0 && late < 1, String(late));
  assert.ok(fake.lateMs.some((l) => l > 0));
  assert.equal(fake.dropped, 0);
});

test('ramping-arrival-rate: per-minute rates and a step between stages', async () => {
  const clock = createManualClock();
  const fake = createFakeRuntime(clock, 1);
  const config: RampingArrivalRate = {
    executor: 'ramping-arrival-rate', ...base, startRate: 60, timeUnitMs: 60_000, preAllocatedVUs: 1, maxVUs: 1,
    stages: [{ durationMs: 60_000, target: 60 }, { durationMs: 0, target: 120 }, { durationMs: 60_000, target: 120 }],
  };
  const run = executors['ramping-arrival-rate'].run(config, fake.rt);
  assert.equal(await runFor(run, clock, 120_010), true);
  assert.deepEqual(countPerBucket(fake.starts.map((s) => s.intendedMs!), 60_000, 2), [60, 120]);
});

test('ramping-vus: VU counts follow the stages, one VU at a time; ramped-down VUs finish their iteration', async () => {
  const clock = createManualClock();
  const fake = createFakeRuntime(clock, 100);
  const config: RampingVus = {
    executor: 'ramping-vus', ...base, startVUs: 0, gracefulRampDownMs: 30_000,
    stages: [{ durationMs: 2000, target: 4 }, { durationMs: 2000, target: 4 }, { durationMs: 2000, target: 0 }],
  };
  const run = executors['ramping-vus'].run(config, fake.rt);
  const seen: number[] = [];
  for (let t = 250; t < 6000; t += 500) {
    await clock.advance(t - clock.now());
    seen.push(fake.running());
  }
  //          0.25 0.75 1.25 1.75 2.25 … 3.75 4.25 4.75 5.25 5.75 s
  assert.deepEqual(seen, [0, 1, 2, 3, 4, 4, 4, 4, 4, 3, 2, 1]);
  assert.equal(await runFor(run, clock, 249), false);
  assert.equal(await runFor(run, clock, 1), true, 'ends at 6 s: the last iterations end on the boundary');
  assert.equal(fake.running(), 0);
  assert.equal(fake.aborted, 0);
  assert.equal(fake.vus.length, 4);
  // The last VU in is the first out: VU 4 ran 2.0–4.5 s; VU 1 joined at 0.5 s and looped without gaps to the end.
  const startsOf = (id: number) => fake.starts.filter((s) => s.vuId === id).map((s) => s.atMs);
  assert.equal(startsOf(1)[0], 500);
  assert.equal(startsOf(1).length, 55);
  assert.deepEqual([startsOf(4)[0], startsOf(4).length], [2000, 25]);
  for (const s of fake.starts) assert.equal(s.intendedMs, undefined, 'closed model: no intended start');
});

test('ramping-vus: a VU still busy gracefulRampDown after its ramp-down is interrupted (aborted)', async () => {
  const clock = createManualClock();
  const fake = createFakeRuntime(clock, 1_000);
  const config: RampingVus = {
    executor: 'ramping-vus', ...base, startVUs: 2, gracefulRampDownMs: 200,
    stages: [{ durationMs: 500, target: 2 }, { durationMs: 100, target: 1 }, { durationMs: 2000, target: 1 }],
  };
  const run = executors['ramping-vus'].run(config, fake.rt);
  await clock.advance(799);
  assert.equal(fake.running(), 2);
  await clock.advance(1);
  assert.equal(fake.running(), 1, 'VU 2, ramped down at 600 ms, interrupted at 800 ms');
  assert.equal(fake.aborted, 1);
  // VU 1 loops to the end (2.6 s); its iteration started at 2 s finishes within the 30 s gracefulStop.
  assert.equal(await runFor(run, clock, 2_199), false);
  assert.equal(await runFor(run, clock, 1), true);
  assert.deepEqual(fake.starts.map((s) => [s.vuId, s.atMs]), [[1, 0], [2, 0], [1, 1000], [1, 2000]]);
  assert.equal(fake.completed, 3);
});

test('constant-vus on the manual clock: V loops for the duration, then the graceful stop aborts what is left', async () => {
  const clock = createManualClock();
  const fake = createFakeRuntime(clock, 700);
  const config: ConstantVus = { executor: 'constant-vus', ...base, gracefulStopMs: 100, vus: 3, durationMs: 1000 };
  const run = executors['constant-vus'].run(config, fake.rt);
  assert.equal(await runFor(run, clock, 1_099), false);
  assert.equal(await runFor(run, clock, 1), true);
  assert.equal(fake.starts.length, 6);
  assert.equal(fake.completed, 3);
  assert.equal(fake.aborted, 3);
});

test('stop signal: an open-model executor starts nothing more and ends after its graceful stop', async () => {
  const clock = createManualClock();
  const fake = createFakeRuntime(clock, 50);
  const config: ConstantArrivalRate = { executor: 'constant-arrival-rate', ...base, rate: 100, timeUnitMs: 1000, durationMs: 60_000, preAllocatedVUs: 10, maxVUs: 10 };
  const run = executors['constant-arrival-rate'].run(config, fake.rt);
  await clock.advance(995);
  fake.stop();
  const startedAtStop = fake.starts.length;
  assert.equal(await runFor(run, clock, 60), true);
  assert.equal(fake.starts.length, startedAtStop);
  assert.equal(startedAtStop, 100);
  assert.equal(fake.aborted, 0);
});
