// Plain loops over a JS histogram's counts for what hdr-histogram-js 3 does slowly: its mean and standard
// deviation go through an iterator object per recorded value (~8 + 13 ms for one 15k-value histogram), and its
// add() of two histograms whose ranges differ (runner's grow with what they hold) records value by value
// (~0.5 ms). Both run when a second closes or a summary is taken, in one event-loop task: every response that
// arrives meanwhile is timed that much late. Same results as the library, to the bit.
import type { Histogram } from './histogram.ts';

/** What a JS histogram (hdr-histogram-js 3 JsHistogram) exposes of its layout and counts. */
interface JsCounts {
  countsArrayLength: number;
  subBucketCount: number;
  subBucketHalfCount: number;
  unitMagnitude: number;
  maxValue: number;
  minNonZeroValue: number;
  autoResize: boolean;
  startTimeStampMsec: number;
  endTimeStampMsec: number;
  getCountAtIndex(i: number): number;
  addToCountAtIndex(i: number, n: number): void;
  setTotalCount(n: number): void;
  updatedMaxValue(v: number): void;
  updateMinNonZeroValue(v: number): void;
  valueFromIndex(i: number): number;
  highestEquivalentValue(v: number): number;
  medianEquivalentValue(v: number): number;
  resize(highest: number): void;
}

function isJs(h: Histogram): boolean {
  return typeof (h as unknown as Partial<JsCounts>).getCountAtIndex === 'function';
}

/**
 * `h`'s non-empty buckets as flat [index, count] pairs: how a histogram crosses threads (k6 metrics under
 * --workers) without deflate + base64, ~10× cheaper. addBuckets() is the inverse.
 */
export function bucketsOf(h: Histogram): number[] {
  const v = h as unknown as JsCounts;
  const out: number[] = [];
  for (let i = 0; i < v.countsArrayLength; i++) {
    const n = v.getCountAtIndex(i);
    if (n > 0) out.push(i, n);
  }
  return out;
}

/**
 * Records bucketsOf() pairs into `h`, made with the same settings: each bucket's lowest value lands in that same
 * bucket here, so the sum is bucket-exact.
 */
export function addBuckets(h: Histogram, buckets: readonly number[]): void {
  const v = h as unknown as JsCounts;
  for (let i = 0; i < buckets.length; i += 2) h.recordValueWithCount(v.valueFromIndex(buckets[i]), buckets[i + 1]);
}

/**
 * Adds `src` into `dst` (as `dst.add(src)`). When both are JS histograms with the same sub-bucket layout (every
 * runner histogram: histogram.ts), index i is the same value in both whatever their ranges, so the counts are
 * added index by index over `src`'s own length; otherwise the library's add.
 */
export function addHistogram(dst: Histogram, src: Histogram): void {
  const d = dst as unknown as JsCounts;
  const s = src as unknown as JsCounts;
  if (!isJs(dst) || !isJs(src) || d.subBucketCount !== s.subBucketCount || d.unitMagnitude !== s.unitMagnitude || !d.autoResize) {
    dst.add(src);
    return;
  }
  if (src.totalCount === 0) return;
  // As the library: grow `dst` to the largest value of `src` first (its range is what the resize keeps).
  if (d.highestEquivalentValue(d.valueFromIndex(d.countsArrayLength - 1)) < s.maxValue) d.resize(s.maxValue);
  let added = 0;
  const length = s.countsArrayLength;
  for (let i = 0; i < length; i++) {
    const c = s.getCountAtIndex(i);
    if (c > 0) {
      d.addToCountAtIndex(i, c);
      added += c;
    }
  }
  d.setTotalCount(dst.totalCount + added);
  d.updatedMaxValue(Math.max(d.maxValue, s.maxValue));
  d.updateMinNonZeroValue(Math.min(d.minNonZeroValue, s.minNonZeroValue));
  d.startTimeStampMsec = Math.min(d.startTimeStampMsec, s.startTimeStampMsec);
  d.endTimeStampMsec = Math.max(d.endTimeStampMsec, s.endTimeStampMsec);
}

/** Mean and standard deviation of `h`, in its unit, exactly as the library's `mean` and `stdDeviation`: two plain walks. */
export function meanAndStdev(h: Histogram): { mean: number; stdev: number } {
  const count = h.totalCount;
  if (count === 0) return { mean: 0, stdev: 0 };
  if (!isJs(h)) return { mean: h.mean, stdev: h.stdDeviation };
  const v = h as unknown as JsCounts;
  const length = v.countsArrayLength;
  const half = v.subBucketHalfCount;
  // The library sums each recorded index's median equivalent value × its count, in index order (same rounding).
  // Index i holds [lowest, lowest + 2^(bucket + unitMagnitude)): its median is computed from i, as valueFromIndex
  // and medianEquivalentValue would (without their log2 and pow per index).
  const medians: number[] = [];
  const counts: number[] = [];
  let total = 0;
  for (let i = 0; i < length; i++) {
    const c = v.getCountAtIndex(i);
    if (c === 0) continue;
    let bucket = Math.floor(i / half) - 1;
    let sub = (i % half) + half;
    if (bucket < 0) {
      sub -= half;
      bucket = 0;
    }
    const size = 2 ** (bucket + v.unitMagnitude);
    const median = sub * size + Math.floor(size / 2);
    medians.push(median);
    counts.push(c);
    total += median * c;
  }
  const mean = total / count;
  let deviations = 0;
  for (let k = 0; k < medians.length; k++) {
    const d = medians[k] - mean;
    deviations += d * d * counts[k];
  }
  return { mean, stdev: Math.sqrt(deviations / count) };
}
