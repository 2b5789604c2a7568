// Is a latency difference between two runs beyond noise? A bootstrap of each statistic from the two HDR
// histograms, with a seeded PRNG so the same inputs always give the same verdict.
//
// Bootstrap of a percentile without resampling n values: in a resample of size n from the empirical
// distribution F, the k-th smallest value is F⁻¹(U₍ₖ₎), and the k-th order statistic of n uniforms is
// Beta(k, n−k+1). So one bootstrap replicate of the p-th percentile (k = ⌈p·n⌉) is F⁻¹(B) with B ~ Beta(k, n−k+1):
// exact, and O(log buckets) per replicate whatever n is. The mean's bootstrap distribution is taken as normal
// with sd = stdev/√n (central limit theorem). Each replicate pairs one draw per run; the relative difference
// candidate/base − 1 over REPLICATES replicates gives a 99 % interval. "slower"/"faster" needs the interval to
// exclude 0 AND the observed change to be at least MIN_EFFECT: a significant 0.3 % change is not news.
import { createRng } from '../generators/rng.ts';
import type { Rng } from '../generators/types.ts';
import type { Histogram } from '../metrics/histogram.ts';

export const REPLICATES = 2000;
/** Two-sided: the interval runs from the 0.5th to the 99.5th percentile of the replicates. */
export const CONFIDENCE = 0.99;
/** Smallest relative change called a verdict. */
export const MIN_EFFECT = 0.01;

export type Verdict = 'slower' | 'faster' | 'same';

/** A histogram as sorted bucket values (µs, highest equivalent value, as percentiles report) and cumulative counts. */
export interface Distribution {
  values: Float64Array;
  cumulative: Float64Array;
  count: number;
  mean: number;
  stdev: number;
}

interface CountsAccess {
  countsArrayLength: number;
  getCountAtIndex(i: number): number;
  valueFromIndex(i: number): number;
  highestEquivalentValue(v: number): number;
}

export function toDistribution(h: Histogram): Distribution {
  const a = h as unknown as CountsAccess;
  const values: number[] = [];
  const cumulative: number[] = [];
  let total = 0;
  for (let i = 0; i < a.countsArrayLength; i++) {
    const c = a.getCountAtIndex(i);
    if (c === 0) continue;
    total += c;
    values.push(a.highestEquivalentValue(a.valueFromIndex(i)));
    cumulative.push(total);
  }
  return { values: Float64Array.from(values), cumulative: Float64Array.from(cumulative), count: total, mean: h.mean, stdev: h.stdDeviation };
}

/** The value with at least `rank` (1-based) values at or below it. */
function valueAtRank(d: Distribution, rank: number): number {
  let lo = 0;
  let hi = d.cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (d.cumulative[mid] >= rank) hi = mid;
    else lo = mid + 1;
  }
  return d.values[lo];
}

/** The empirical quantile at probability q ∈ [0, 1]. */
export function quantile(d: Distribution, q: number): number {
  return valueAtRank(d, Math.max(1, Math.ceil(q * d.count)));
}

function normal(rng: Rng): number {
  // Box–Muller; 1 − u keeps the logarithm's argument in (0, 1].
  const u = 1 - rng.nextFloat();
  const v = rng.nextFloat();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Gamma(shape, 1) by Marsaglia–Tsang (shape ≥ 1; boosted below 1). */
function gamma(rng: Rng, shape: number): number {
  if (shape < 1) return gamma(rng, shape + 1) * Math.pow(1 - rng.nextFloat(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal(rng);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - rng.nextFloat();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
  }
}

function beta(rng: Rng, a: number, b: number): number {
  const x = gamma(rng, a);
  return x / (x + gamma(rng, b));
}

/** One bootstrap replicate of the statistic: `percentile` in 0..100, or 'mean'. */
function replicate(rng: Rng, d: Distribution, stat: number | 'mean'): number {
  if (stat === 'mean') return d.mean + (d.stdev / Math.sqrt(d.count)) * normal(rng);
  const k = Math.min(d.count, Math.max(1, Math.ceil((stat / 100) * d.count)));
  return quantile(d, beta(rng, k, d.count - k + 1));
}

export interface NoiseTest {
  verdict: Verdict;
  /** Observed relative change, candidate/base − 1. */
  change: number;
  /** The CONFIDENCE interval of the relative change. */
  low: number;
  high: number;
}

/**
 * Tests one statistic (`percentile` 0..100 or 'mean') between two distributions; undefined when either is
 * empty. `seed` makes it reproducible; the CLI derives it from the files so one input pair always gives one answer.
 */
export function testChange(base: Distribution, candidate: Distribution, stat: number | 'mean', seed = 1): NoiseTest | undefined {
  if (base.count === 0 || candidate.count === 0) return undefined;
  const observedBase = stat === 'mean' ? base.mean : quantile(base, stat / 100);
  const observedCandidate = stat === 'mean' ? candidate.mean : quantile(candidate, stat / 100);
  if (observedBase <= 0) return undefined;
  const change = observedCandidate / observedBase - 1;
  const rng = createRng(seed);
  const diffs = new Float64Array(REPLICATES);
  for (let i = 0; i < REPLICATES; i++) {
    const b = replicate(rng, base, stat);
    const c = replicate(rng, candidate, stat);
    diffs[i] = b > 0 ? c / b - 1 : 0;
  }
  diffs.sort();
  const tail = (1 - CONFIDENCE) / 2;
  const low = diffs[Math.floor(tail * (REPLICATES - 1))];
  const high = diffs[Math.ceil((1 - tail) * (REPLICATES - 1))];
  let verdict: Verdict = 'same';
  if (low > 0 && change >= MIN_EFFECT) verdict = 'slower';
  else if (high < 0 && change <= -MIN_EFFECT) verdict = 'faster';
  return { verdict, change, low, high };
}

/**
 * Two-proportion z-test on error rates (failures / requests) at the same confidence: 'slower' means more errors.
 */
export function testErrorRate(baseFails: number, baseN: number, candFails: number, candN: number): Verdict {
  if (baseN === 0 || candN === 0) return 'same';
  const p1 = baseFails / baseN;
  const p2 = candFails / candN;
  const p = (baseFails + candFails) / (baseN + candN);
  const se = Math.sqrt(p * (1 - p) * (1 / baseN + 1 / candN));
  if (se === 0) return 'same';
  const z = (p2 - p1) / se;
  // 2.576: the two-sided 99 % normal quantile.
  if (z > 2.576) return 'slower';
  if (z < -2.576) return 'faster';
  return 'same';
}
