// Execution segments (k6's lib/execution_segment.go semantics): striping, scaling, parsing, and every
// executor's share on the manual clock: the segments together are exactly the unsharded run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createManualClock } from '../../src/scheduler/clock.ts';
import { executors } from '../../src/scheduler/index.ts';
import { SegmentTuple, parseSegmentSpec, rational, segmentIdentity } from '../../src/scheduler/segment.ts';
import type { ExecutorConfig } from '../../src/scenario/model.ts';
import { compileField } from '../../src/generators/index.ts';
import { createRng } from '../../src/generators/rng.ts';
import { createFakeRuntime, type StartRecord } from './fake-runtime.ts';

const half = [
  { from: rational(0, 1), to: rational(1, 2) },
  { from: rational(1, 2), to: rational(3, 4) },
  { from: rational(3, 4), to: rational(1, 1) },
];

test("striping and scaling match k6's own table for 0:1/2, 1/2:3/4, 3/4:1", () => {
  const tuples = half.map((_, i) => SegmentTuple.of(half, i));
  assert.deepEqual(tuples.map((t) => Array.from({ length: 3 }, (_, k) => t.globalIndex(k))), [[0, 2, 4], [1, 5, 9], [3, 7, 11]]);
  // k6's ExecutionTuple doc: scaling 1..12.
  assert.deepEqual(tuples.map((t) => Array.from({ length: 12 }, (_, v) => t.scale(v + 1)).join(' ')), [
    '1 1 2 2 3 3 4 4 5 5 6 6',
    '0 1 1 1 1 2 2 2 2 3 3 3',
    '0 0 0 1 1 1 1 2 2 2 2 3',
  ]);
});

test('for any sequence: the shares of a count add up to it, and the striped indices are disjoint and cover 0..N-1', () => {
  const sequences = [SegmentTuple.nth(1, 3).sequence, SegmentTuple.nth(1, 7).sequence, half, parseSegmentSpec('1/5:2/3').sequence];
  for (const sequence of sequences) {
    const tuples = sequence.map((_, i) => SegmentTuple.of(sequence, i));
    for (const n of [0, 1, 2, 5, 13, 100, 1001]) {
      assert.equal(tuples.reduce((sum, t) => sum + t.scale(n), 0), n, `sum of shares of ${n}`);
      const all = tuples.flatMap((t) => Array.from({ length: t.scale(n) }, (_, k) => t.globalIndex(k)));
      assert.deepEqual(all.sort((a, b) => a - b), Array.from({ length: n }, (_, i) => i));
      for (const t of tuples) for (let k = 0; k < t.scale(n); k++) assert.ok(t.owns(t.globalIndex(k)));
    }
  }
});

/** Every thread of every process: `threads` workers inside each segment of `processes` (--segment i/n --workers w). */
function threadsOf(processes: readonly SegmentTuple[], threads: number): SegmentTuple[] {
  return processes.flatMap((p) => Array.from({ length: threads }, (_, j) => SegmentTuple.within(p, SegmentTuple.nth(j + 1, threads))));
}
const processSets = () => [
  [1, 2].map((i) => SegmentTuple.nth(i, 2)),
  [1, 2, 3].map((i) => SegmentTuple.nth(i, 3)),
  ['0:1/5', '1/5:2/3', '2/3:1'].map((t) => parseSegmentSpec(t, '0,1/5,2/3,1')),
];

test('threads inside segments (--segment with --workers): shares add up, and every global index is owned by exactly one thread of one process', () => {
  for (const processes of processSets()) {
    for (const threads of [2, 3]) {
      const tuples = threadsOf(processes, threads);
      for (const n of [0, 1, 2, 5, 13, 100, 1001]) {
        assert.equal(tuples.reduce((sum, t) => sum + t.scale(n), 0), n, `sum of shares of ${n}`);
        // Each process's threads share exactly what the process owns.
        processes.forEach((p, i) => assert.equal(tuples.slice(i * threads, (i + 1) * threads).reduce((sum, t) => sum + t.scale(n), 0), p.scale(n)));
        const all = tuples.flatMap((t) => Array.from({ length: t.scale(n) }, (_, k) => t.globalIndex(k)));
        assert.deepEqual(all.sort((a, b) => a - b), Array.from({ length: n }, (_, i) => i));
        for (let g = 0; g < n; g++) assert.equal(tuples.filter((t) => t.owns(g)).length, 1, `index ${g} owned once`);
        for (const t of tuples) for (let k = 0; k < t.scale(n); k++) assert.ok(t.owns(t.globalIndex(k)));
      }
      assert.ok(tuples.every((t) => !t.isFull));
    }
  }
  assert.equal(SegmentTuple.within(SegmentTuple.full(), SegmentTuple.nth(1, 2)).globalIndex(3), SegmentTuple.nth(1, 2).globalIndex(3), 'a whole-run process: the threads are plain segments');
});

test('threads inside segments run the unsharded schedule of every executor: the same iterations, arrival times and VU ids', async () => {
  for (const processes of processSets()) {
    const tuples = threadsOf(processes, 2);
    const rate: ExecutorConfig = { executor: 'constant-arrival-rate', ...base, rate: 300, timeUnitMs: 1000, durationMs: 2000, preAllocatedVUs: 10, maxVUs: 20 };
    const r = await runSegments(rate, tuples, 3_000);
    assert.deepEqual(r.parts.flat().sort(byTime).map((s) => [s.iteration, s.intendedMs]), r.whole.map((s) => [s.iteration, s.intendedMs]));
    const shared: ExecutorConfig = { executor: 'shared-iterations', ...base, vus: 7, iterations: 101, maxDurationMs: 60_000 };
    const s = await runSegments(shared, tuples, 10_000);
    assert.deepEqual(s.parts.flat().map((x) => x.iteration).sort((a, b) => a! - b!), Array.from({ length: 101 }, (_, i) => i));
    assert.deepEqual(s.vus.flat().sort((a, b) => a - b), [1, 2, 3, 4, 5, 6, 7]);
    const perVu: ExecutorConfig = { executor: 'per-vu-iterations', ...base, vus: 5, iterations: 3, maxDurationMs: 60_000 };
    const p = await runSegments(perVu, tuples, 10_000);
    assert.deepEqual(p.parts.flat().map((x) => x.iteration).sort((a, b) => a! - b!), Array.from({ length: 15 }, (_, i) => i));
  }
});

test('--segment parses i/n and k6 from:to, with or without a sequence, and says what is wrong', () => {
  assert.deepEqual(segmentIdentity(parseSegmentSpec('2/3')), { segment: '1/3:2/3', segmentIndex: 2, segmentCount: 3, segmentSequence: '0,1/3,2/3,1' });
  assert.deepEqual(segmentIdentity(parseSegmentSpec('1/3:2/3')), segmentIdentity(parseSegmentSpec('2/3')));
  assert.deepEqual(segmentIdentity(parseSegmentSpec('50%:0.75', '0,1/2,3/4,1')), { segment: '1/2:3/4', segmentIndex: 2, segmentCount: 3, segmentSequence: '0,1/2,3/4,1' });
  assert.equal(parseSegmentSpec('1/1').isFull, true);
  assert.throws(() => parseSegmentSpec('4/3'), /1 ≤ i ≤ n/);
  assert.throws(() => parseSegmentSpec('2/3:1/3'), /0 ≤ from < to ≤ 1/);
  assert.throws(() => parseSegmentSpec('1/4:1/2', '0,1/3,2/3,1'), /not one of the segments/);
  assert.throws(() => parseSegmentSpec('0:1/2', '0,1/2,1/3,1'), /empty|does not start/);
  assert.throws(() => parseSegmentSpec('first'), /takes i\/n/);
});

/** Runs `config` in every segment of `n` (and unsharded) on the manual clock; returns each one's starts. */
async function runSegments(config: ExecutorConfig, n: number | SegmentTuple[], runMs: number, iterationMs = 5): Promise<{ whole: StartRecord[]; parts: StartRecord[][]; vus: number[][] }> {
  const tuples = typeof n === 'number' ? Array.from({ length: n }, (_, i) => SegmentTuple.nth(i + 1, n)) : n;
  const once = async (segment: SegmentTuple) => {
    const clock = createManualClock(0);
    const fake = createFakeRuntime(clock, iterationMs, segment);
    const executor = executors[config.executor] as { run(c: ExecutorConfig, rt: typeof fake.rt): Promise<void> };
    let ended = false;
    void executor.run(config, fake.rt).then(() => (ended = true));
    await clock.advance(runMs);
    assert.ok(ended, `${config.executor} in ${segment.index + 1}/${segment.sequence.length} ended`);
    return { starts: fake.starts, vus: fake.vus.map((v) => v.globalId) };
  };
  const whole = await once(SegmentTuple.full());
  const parts = [];
  for (const t of tuples) parts.push(await once(t));
  return { whole: whole.starts, parts: parts.map((p) => p.starts), vus: parts.map((p) => p.vus) };
}

const base = { startTimeMs: 0, gracefulStopMs: 1_000 };
const byTime = (a: StartRecord, b: StartRecord) => a.intendedMs! - b.intendedMs! || a.iteration! - b.iteration!;

test('constant-arrival-rate 300/s for 4 s in 2 segments: the union is the unsharded schedule, 1,200 starts at the same offsets', async () => {
  const config: ExecutorConfig = { executor: 'constant-arrival-rate', ...base, rate: 300, timeUnitMs: 1000, durationMs: 4000, preAllocatedVUs: 10, maxVUs: 20 };
  const { whole, parts } = await runSegments(config, 2, 5_000);
  assert.equal(whole.length, 1200);
  assert.deepEqual(parts.map((p) => p.length), [600, 600]);
  const union = parts.flat().sort(byTime);
  assert.deepEqual(union.map((s) => [s.iteration, s.intendedMs]), whole.map((s) => [s.iteration, s.intendedMs]));
  assert.deepEqual(whole.map((s) => s.iteration), Array.from({ length: 1200 }, (_, i) => i));
  // Each start happened on its intended time, in every segment (exact on the manual clock).
  for (const s of parts.flat()) assert.ok(s.atMs >= s.intendedMs! && s.atMs - s.intendedMs! < 1, `iteration ${s.iteration} at ${s.atMs}, intended ${s.intendedMs}`);
});

test('ramping-arrival-rate in 3 segments: the union is the unsharded schedule', async () => {
  const config: ExecutorConfig = { executor: 'ramping-arrival-rate', ...base, startRate: 0, timeUnitMs: 1000, stages: [{ durationMs: 1000, target: 200 }, { durationMs: 1000, target: 50 }], preAllocatedVUs: 10, maxVUs: 30 };
  const { whole, parts } = await runSegments(config, 3, 3_000);
  assert.equal(whole.length, 225);
  const union = parts.flat().sort(byTime);
  assert.deepEqual(union.map((s) => [s.iteration, s.intendedMs]), whole.map((s) => [s.iteration, s.intendedMs]));
});

test('shared-iterations and per-vu-iterations in 3 segments: global iteration numbers 0..N-1 exactly once, global VU ids 1..V', async () => {
  const shared: ExecutorConfig = { executor: 'shared-iterations', ...base, vus: 5, iterations: 101, maxDurationMs: 60_000 };
  const s = await runSegments(shared, 3, 10_000);
  assert.deepEqual(s.parts.map((p) => p.length), [34, 33, 34].map((_, i) => SegmentTuple.nth(i + 1, 3).resegment(5)!.scale(101)));
  assert.deepEqual(s.parts.flat().map((x) => x.iteration).sort((a, b) => a! - b!), Array.from({ length: 101 }, (_, i) => i));
  assert.deepEqual(s.vus.flat().sort((a, b) => a - b), [1, 2, 3, 4, 5]);
  const perVu: ExecutorConfig = { executor: 'per-vu-iterations', ...base, vus: 4, iterations: 3, maxDurationMs: 60_000 };
  const p = await runSegments(perVu, 3, 10_000);
  assert.deepEqual(p.parts.flat().map((x) => x.iteration).sort((a, b) => a! - b!), Array.from({ length: 12 }, (_, i) => i));
  assert.deepEqual(p.whole.map((x) => x.iteration).sort((a, b) => a! - b!), Array.from({ length: 12 }, (_, i) => i));
});

test('shared-iterations with fewer VUs than segments: a segment without a VU runs nothing, the others run all', async () => {
  const config: ExecutorConfig = { executor: 'shared-iterations', ...base, vus: 1, iterations: 10, maxDurationMs: 60_000 };
  const { parts } = await runSegments(config, 3, 10_000);
  assert.deepEqual(parts.map((p) => p.length), [10, 0, 0]);
  assert.deepEqual(parts[0].map((x) => x.iteration), Array.from({ length: 10 }, (_, i) => i));
});

test('ramping-vus in 3 segments: at every moment the segments run as many VUs as the unsharded ramp', async () => {
  const config: ExecutorConfig = { executor: 'ramping-vus', ...base, startVUs: 0, stages: [{ durationMs: 1000, target: 7 }, { durationMs: 1000, target: 2 }], gracefulRampDownMs: 0 };
  // Iterations of 100 ms: count VU starts per 100 ms window.
  const { whole, parts } = await runSegments(config, 3, 3_000, 100);
  const perWindow = (starts: StartRecord[]) => {
    const w = new Array<number>(20).fill(0);
    for (const s of starts) if (s.atMs < 2000) w[Math.floor(s.atMs / 100)]++;
    return w;
  };
  const sum = parts.map(perWindow).reduce((a, b) => a.map((x, i) => x + b[i]));
  assert.deepEqual(sum, perWindow(whole));
});

test('unique fields stay unique across 4 segments of 100,000 draws (and a sequence continues across them)', () => {
  const unique = compileField({ name: 'id', gen: 'string', args: { length: 6, charset: 'alpha' }, unique: true }, 7);
  const seq = compileField({ name: 'n', gen: 'sequence', args: {}, unique: false }, 7);
  const seen = new Set<unknown>();
  const seqs: number[] = [];
  const total = 100_000;
  for (let i = 1; i <= 4; i++) {
    const t = SegmentTuple.nth(i, 4);
    const rng = createRng(1);
    // A one-scenario run draws with the global iteration number.
    for (let k = 0; k < t.scale(total); k++) {
      seen.add(unique.draw(rng, t.globalIndex(k)));
      seqs.push(seq.draw(rng, t.globalIndex(k)) as number);
    }
  }
  assert.equal(seen.size, total);
  assert.deepEqual(seqs.sort((a, b) => a - b), Array.from({ length: total }, (_, i) => i + 1));
});
