// rng.int's uint32 arithmetic (a hot-path optimisation) must draw exactly what the plain formula draws,
// or a given --seed would replay different payloads than before.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRng } from '../../src/generators/rng.ts';

const TWO_32 = 4294967296;

/** The reference: reject draws in the top partial block, then reduce modulo n (float arithmetic). */
function referenceInt(nextU32: () => number, n: number): number {
  const limit = TWO_32 - (TWO_32 % n);
  let x = nextU32();
  while (x >= limit) x = nextU32();
  return x % n;
}

test('rng.int draws what the reference formula draws, for small, odd, power-of-two and near-2^32 bounds', () => {
  const bounds = [1, 2, 3, 7, 52, 62, 82, 239, 65_536, 1_000_003, 2 ** 31 - 1, 2 ** 31, 2 ** 31 + 1, 3e9, 2 ** 32 - 1, 2 ** 32];
  for (const n of bounds) {
    for (let seed = 0; seed < 200; seed++) {
      const a = createRng(seed);
      const b = createRng(seed);
      for (let i = 0; i < 20; i++) assert.equal(a.int(n), referenceInt(() => b.nextU32(), n), `n=${n} seed=${seed} draw ${i}`);
    }
  }
});
