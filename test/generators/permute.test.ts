// Seeded permutations: bijective on [0, size) for tiny, odd, power-of-two and 53-bit sizes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createPermutation } from '../../src/generators/permute.ts';

function assertBijection(size: number, key: number): void {
  const permute = createPermutation(size, key);
  const hit = new Uint8Array(size);
  for (let i = 0; i < size; i++) {
    const j = permute(i);
    assert.ok(Number.isInteger(j) && j >= 0 && j < size, `size ${size}: ${i} → ${j}`);
    assert.equal(hit[j], 0, `size ${size}: ${j} hit twice`);
    hit[j] = 1;
  }
}

test('exhaustively a bijection for sizes 1, 2, 3, 7, 1000, 65536, 65537', () => {
  for (const size of [1, 2, 3, 7, 1000, 65536, 65537]) assertBijection(size, 0xdecafbad);
});

test('keys give different orders, and no order is close to the identity', () => {
  const a = createPermutation(1000, 1);
  const b = createPermutation(1000, 2);
  let same = 0;
  let fixed = 0;
  for (let i = 0; i < 1000; i++) {
    if (a(i) === b(i)) same++;
    if (a(i) === i) fixed++;
  }
  assert.ok(same < 20, `${same} positions agree`);
  assert.ok(fixed < 20, `${fixed} fixed points`);
});

test('52^8: a million consecutive indexes map to a million distinct values below size', () => {
  const size = 52 ** 8;
  const permute = createPermutation(size, 42);
  const seen = new Set<number>();
  for (let i = 0; i < 1_000_000; i++) {
    const j = permute(i);
    assert.ok(Number.isInteger(j) && j >= 0 && j < size);
    seen.add(j);
  }
  assert.equal(seen.size, 1_000_000);
});

test('size 2^53 − 1: exact safe integers at both ends of the range', () => {
  const size = Number.MAX_SAFE_INTEGER;
  const permute = createPermutation(size, 7);
  const seen = new Set<number>();
  for (let k = 0; k < 50_000; k++) {
    for (const i of [k, size - 1 - k]) {
      const j = permute(i);
      assert.ok(Number.isSafeInteger(j) && j >= 0 && j < size, `${i} → ${j}`);
      seen.add(j);
    }
  }
  assert.equal(seen.size, 100_000);
});

test('rejects indexes outside [0, size) and bad sizes', () => {
  const permute = createPermutation(10, 1);
  assert.throws(() => permute(10), RangeError);
  assert.throws(() => permute(-1), RangeError);
  assert.throws(() => createPermutation(0, 1), RangeError);
  assert.throws(() => createPermutation(2 ** 53, 1), RangeError);
});
