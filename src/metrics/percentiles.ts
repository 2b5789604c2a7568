// Percentiles of one or more histograms read in one walk over their counts: several quantiles of a second,
// or of a request's 'same' and 'latency' histograms together, without adding them up into a copy.
import type { Histogram } from './histogram.ts';

/** What a JS histogram exposes of its counts (hdr-histogram-js 3 JsHistogram). */
interface CountsView {
  countsArrayLength: number;
  getCountAtIndex(i: number): number;
  valueFromIndex(i: number): number;
  highestEquivalentValue(v: number): number;
}

/**
 * The values at `percentiles` (ascending, in %, none 0) of the histograms together, as `getValueAtPercentile`
 * of their sum would give, in one walk over the counts and without adding them up (no copy). The histograms
 * must share lowest value and precision (every runner histogram does: histogram.ts), so index i is the same
 * value in each. null when they hold no value.
 */
export function valuesAtPercentiles(list: readonly (Histogram | null)[], percentiles: readonly number[]): number[] | null {
  const hs = list.filter((h): h is Histogram => h !== null && h.totalCount > 0);
  if (hs.length === 0) return null;
  const views = hs as unknown as CountsView[];
  if (hs.length === 1 && typeof views[0].getCountAtIndex !== 'function') return percentiles.map((p) => hs[0].getValueAtPercentile(p));
  const count = hs.reduce((s, h) => s + h.totalCount, 0);
  // As the library rounds: up to the count that includes the percentile, at least the first value.
  const targets = percentiles.map((p) => {
    const fp = (Math.min(p, 100) / 100) * count;
    return Math.max(Math.ceil(fp - fp * Number.EPSILON), 1);
  });
  const length = Math.max(...views.map((v) => v.countsArrayLength));
  const out: number[] = [];
  let k = 0;
  let total = 0;
  let next = targets[0];
  // Plain indexed loops (no iterator per index): this runs when a second closes, ~7k–24k indexes per histogram.
  const n = views.length;
  for (let i = 0; i < length; i++) {
    for (let j = 0; j < n; j++) {
      const v = views[j];
      if (i < v.countsArrayLength) total += v.getCountAtIndex(i);
    }
    if (total < next) continue;
    while (k < targets.length && total >= targets[k]) {
      out.push(views[0].highestEquivalentValue(views[0].valueFromIndex(i)));
      k++;
    }
    if (k === targets.length) break;
    next = targets[k];
  }
  while (out.length < percentiles.length) out.push(out[out.length - 1] ?? 0);
  return out;
}
