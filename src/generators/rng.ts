// The seeded PRNG behind every generator: sfc32 seeded through splitmix32, 32-bit integer ops only.
import { randomBytes } from 'node:crypto';
import type { Rng } from './types.ts';

const TWO_32 = 4294967296;
const TWO_53 = 9007199254740992;

/** One step of splitmix32 on `state`; used to spread a seed over the sfc32 state words. */
function splitmix32(state: number): number {
  let z = state | 0;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  return (z ^ (z >>> 15)) >>> 0;
}

/** murmur3's finaliser: a bijective 32-bit avalanche, so every input bit moves every output bit. */
export function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/**
 * sfc32 (Chris Doty-Humphrey's Small Fast Counter): 128-bit state, passes PractRand, fast in JS. Reseeding in
 * place gives the very stream a new one would, so a VU keeps one object instead of allocating one per iteration.
 */
export class Sfc32 implements Rng {
  private a = 0;
  private b = 0;
  private c = 0;
  private d = 0;

  constructor(seed: number) {
    this.reseed(seed);
  }

  /** Restarts this object as the stream of `seed` (any safe integer): afterwards it equals createRng(seed). */
  reseed(seed: number): this {
    // Seeds may exceed 32 bits (a --seed from the CLI); fold the high part in too so such seeds stay distinct.
    const lo = seed >>> 0;
    const hi = Math.floor(seed / TWO_32) >>> 0;
    let s = lo;
    this.a = splitmix32((s = (s + 0x9e3779b9) | 0));
    this.b = splitmix32((s = (s + 0x9e3779b9) | 0));
    this.c = (splitmix32((s = (s + 0x9e3779b9) | 0)) ^ hi) | 0;
    this.d = 1;
    // The first outputs of a fresh sfc32 are correlated with the seed; discard them.
    for (let i = 0; i < 12; i++) this.nextU32();
    return this;
  }

  nextU32(): number {
    const a = this.a;
    const b = this.b;
    const c = this.c;
    const d = this.d;
    const t = (((a + b) | 0) + d) | 0;
    this.d = (d + 1) | 0;
    this.a = b ^ (b >>> 9);
    this.b = (c + (c << 3)) | 0;
    this.c = (((c << 21) | (c >>> 11)) + t) | 0;
    return t >>> 0;
  }

  /** 53 random bits, so every double in [0, 1) on the 2^-53 grid is reachable (weights, think times). */
  nextFloat(): number {
    return ((this.nextU32() >>> 5) * 67108864 + (this.nextU32() >>> 6)) / TWO_53;
  }

  /** Unbiased: draws in the top partial block [limit, 2^32) are rejected (at most half of them, for any n). */
  int(maxExclusive: number): number {
    if (!(maxExclusive >= 1 && maxExclusive <= TWO_32) || maxExclusive !== Math.floor(maxExclusive)) {
      throw new RangeError(`rng.int: bound must be an integer in [1, 2^32], got ${maxExclusive}`);
    }
    return intBelow(this, maxExclusive, limitOf(maxExclusive));
  }
}

/**
 * The rejection limit of rng.int(n), n an integer in [1, 2^32]: 2^32 − (2^32 mod n) as a uint32, where 0 stands
 * for 2^32 (n divides 2^32: no draw is rejected). A generator with a fixed bound computes it once: the
 * remainder here is most of the cost of a draw.
 */
export function limitOf(n: number): number {
  if (n === TWO_32) return 0;
  // The same arithmetic as `2^32 − (2^32 mod n)`, kept in uint32 (2^32 is no uint32).
  const u = n >>> 0;
  return (0x100000000 - ((-u >>> 0) % u)) >>> 0;
}

/** rng.int(n) with `limit` = limitOf(n) computed ahead: the same value from the same stream, without the checks. */
export function intBelow(rng: Rng, n: number, limit: number): number {
  let x = rng.nextU32();
  if (limit !== 0) while (x >= limit) x = rng.nextU32();
  // n = 2^32 leaves x as it is.
  return (x % n) >>> 0;
}

/** A new independent stream for `seed` (any safe integer; the same seed gives the same stream). */
export function createRng(seed: number): Rng {
  return new Sfc32(seed);
}

/**
 * Mixes a run seed with e.g. a scenario index and an iteration number into one 32-bit seed.
 * Order matters (deriveSeed(1, 2) ≠ deriveSeed(2, 1)); each part may be any safe integer.
 */
export function deriveSeed(...parts: number[]): number {
  let h = mix32(0x243f6a88 ^ parts.length);
  for (let i = 0; i < parts.length; i++) h = mixPart(h, parts[i]);
  return h;
}

/** deriveSeed(a, b) without the rest array, for once-per-iteration callers. */
export function deriveSeed2(a: number, b: number): number {
  return mixPart(mixPart(mix32(0x243f6a88 ^ 2), a), b);
}

/** deriveSeed(a, b, c) without the rest array, for once-per-iteration callers. */
export function deriveSeed3(a: number, b: number, c: number): number {
  return mixPart(mixPart(mixPart(mix32(0x243f6a88 ^ 3), a), b), c);
}

function mixPart(h: number, p: number): number {
  h = mix32((h ^ (p >>> 0)) + 0x9e3779b9);
  return mix32((h ^ (Math.floor(p / TWO_32) >>> 0)) + 0x7f4a7c15);
}

/** FNV-1a over UTF-16 code units: a stable 32-bit key for a name (e.g. a field's), to feed deriveSeed. */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return mix32(h);
}

/** A fresh 32-bit seed from the OS, for runs started without --seed (the run reports it for replay). */
export function randomSeed(): number {
  return randomBytes(4).readUInt32LE(0);
}
