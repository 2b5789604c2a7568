// Seeded PRNG: reproducibility, ranges, unbiased int(), seed derivation.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRng, deriveSeed, hashString, randomSeed } from '../../src/generators/rng.ts';

function take(seed: number, n: number): number[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => rng.nextU32());
}

test('the same seed gives the same sequence', () => {
  assert.deepEqual(take(12345, 1000), take(12345, 1000));
});

test('different seeds give different sequences, including seeds that differ only above bit 32', () => {
  const a = take(1, 100);
  for (const other of [2, 0, 2 ** 32 + 1, 2 ** 40 + 1]) {
    const b = take(other, 100);
    assert.ok(a.filter((x, i) => x === b[i]).length < 3, `seed ${other} repeats seed 1`);
  }
});

test('nextU32 is a uint32 and nextFloat lies in [0, 1) with mean about 1/2', () => {
  const rng = createRng(7);
  let sum = 0;
  for (let i = 0; i < 100_000; i++) {
    const u = rng.nextU32();
    assert.ok(Number.isInteger(u) && u >= 0 && u < 2 ** 32);
    const f = rng.nextFloat();
    assert.ok(f >= 0 && f < 1);
    sum += f;
  }
  assert.ok(Math.abs(sum / 100_000 - 0.5) < 0.01, `mean ${sum / 100_000}`);
});

test('int(n) stays in [0, n) for small, odd and 32-bit bounds', () => {
  const rng = createRng(99);
  for (const n of [1, 2, 3, 7, 52, 1000, 2 ** 31 + 1, 2 ** 32 - 1, 2 ** 32]) {
    for (let i = 0; i < 10_000; i++) {
      const x = rng.int(n);
      assert.ok(Number.isInteger(x) && x >= 0 && x < n, `int(${n}) gave ${x}`);
    }
  }
});

test('int(10) is roughly uniform (chi-square, 9 degrees of freedom)', () => {
  const rng = createRng(2024);
  const counts = new Array<number>(10).fill(0);
  const draws = 100_000;
  for (let i = 0; i < draws; i++) counts[rng.int(10)]++;
  const expected = draws / 10;
  const chi2 = counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
  assert.ok(chi2 < 27.88, `chi2 ${chi2} (p < 0.001), counts ${counts}`);
});

test('int(n) has no modulo bias where a plain x % n would be badly skewed', () => {
  // n = 3·2^30: x % n maps [0, 2^30) twice, so a biased draw lands below 2^30 half the time, not a third.
  const n = 3 * 2 ** 30;
  const rng = createRng(5);
  let low = 0;
  const draws = 60_000;
  for (let i = 0; i < draws; i++) if (rng.int(n) < 2 ** 30) low++;
  assert.ok(Math.abs(low / draws - 1 / 3) < 0.01, `fraction below 2^30: ${low / draws}`);
});

test('int() rejects bounds outside [1, 2^32] and non-integers', () => {
  const rng = createRng(1);
  for (const n of [0, -1, 2 ** 32 + 1, 2.5, Number.NaN]) assert.throws(() => rng.int(n), RangeError, `bound ${n}`);
});

test('deriveSeed is deterministic, order-sensitive and spreads nearby inputs', () => {
  assert.equal(deriveSeed(42, 1, 7), deriveSeed(42, 1, 7));
  assert.notEqual(deriveSeed(1, 2), deriveSeed(2, 1));
  assert.notEqual(deriveSeed(42, 0), deriveSeed(42 + 2 ** 32, 0));
  const seen = new Set<number>();
  const bitCounts = new Array<number>(32).fill(0);
  const n = 20_000;
  for (let i = 0; i < n; i++) {
    const s = deriveSeed(42, 3, i);
    assert.ok(Number.isInteger(s) && s >= 0 && s < 2 ** 32);
    seen.add(s);
    for (let b = 0; b < 32; b++) if ((s >>> b) & 1) bitCounts[b]++;
  }
  assert.ok(seen.size >= n - 1, `${n - seen.size} collisions among consecutive iterations`);
  for (let b = 0; b < 32; b++) assert.ok(Math.abs(bitCounts[b] / n - 0.5) < 0.02, `bit ${b} set ${bitCounts[b] / n}`);
});

test('hashString separates names', () => {
  assert.notEqual(hashString('userId'), hashString('userPw'));
  assert.equal(hashString('email'), hashString('email'));
});

test('randomSeed returns uint32 values that vary', () => {
  const seeds = new Set(Array.from({ length: 8 }, randomSeed));
  for (const s of seeds) assert.ok(Number.isInteger(s) && s >= 0 && s < 2 ** 32);
  assert.ok(seeds.size > 1);
});
