// A seeded bijection of [0, size) onto itself, so `unique` fields never repeat without storing issued values.
import { mix32 } from './rng.ts';

/** Enough rounds that consecutive indexes land far apart (4 is the Luby–Rackoff minimum for a PRP). */
const ROUNDS = 6;

/**
 * Returns a permutation of [0, size) keyed by `key` (any safe integer); size in [1, 2^53 − 1].
 *
 * A balanced Feistel network runs on 2h bits, the smallest even width ≥ log2(size), so 2^(2h) < 4·size;
 * results ≥ size are fed back in ("cycle walking": on average fewer than 4 passes), which keeps it a
 * bijection of [0, size). Halves are ≤ 27 bits, so the round function is plain 32-bit integer math.
 * A whole 2h-bit value can reach 2^54, beyond exact doubles, so the halves are kept apart while walking
 * and compared with size half by half; they are joined (by ×2^h, not shifts) only once below size.
 */
export function createPermutation(size: number, key: number): (index: number) => number {
  if (!Number.isSafeInteger(size) || size < 1) throw new RangeError(`permutation size must be a safe integer ≥ 1, got ${size}`);
  let bits = 0;
  while (2 ** bits < size) bits++;
  const half = Math.max(1, Math.ceil(bits / 2));
  const base = 2 ** half;
  const mask = base - 1;
  const sizeHi = Math.floor(size / base);
  const sizeLo = size - sizeHi * base;
  const keys = new Int32Array(ROUNDS);
  let k = mix32((key >>> 0) ^ mix32(Math.floor(key / 4294967296) >>> 0));
  for (let r = 0; r < ROUNDS; r++) keys[r] = k = mix32((k + 0x9e3779b9) | 0);

  return function permute(index: number): number {
    if (!(index >= 0 && index < size)) throw new RangeError(`permutation index ${index} outside [0, ${size})`);
    let hi = Math.floor(index / base);
    let lo = index - hi * base;
    do {
      for (let r = 0; r < ROUNDS; r++) {
        // Round function: mix the right half with the round key; mask to h bits.
        let x = Math.imul(lo ^ keys[r], 0x9e3779b1);
        x = Math.imul(x ^ (x >>> 15), 0x85ebca6b);
        const next = hi ^ ((x ^ (x >>> 13)) & mask);
        hi = lo;
        lo = next;
      }
    } while (hi > sizeHi || (hi === sizeHi && lo >= sizeLo));
    return hi * base + lo;
  };
}
