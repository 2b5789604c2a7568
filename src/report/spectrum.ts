// Latency by percentile on a log "nines" axis (x = log10(1 / (1 − p))), as the HdrHistogram plotter draws it.
import type { Histogram } from '../metrics/histogram.ts';

/** x on the nines axis for percentile p (0..100): 0 → 0, 90 → 1, 99 → 2, 99.9 → 3. */
export function ninesOf(percentile: number): number {
  return percentile >= 100 ? Infinity : -Math.log10(1 - percentile / 100);
}

/** The percentile at x on the nines axis. */
export function percentileAtNines(x: number): number {
  return 100 * (1 - 10 ** -x);
}

/** How many nines a histogram of `count` values can show: past 1 − 1/count a percentile is just the max. */
export function usefulNines(count: number): number {
  return Math.max(1, Math.min(6, Math.log10(Math.max(10, count))));
}

/** `steps + 1` points from x = 0 to `maxNines`: [x, latency in ms]. */
export function spectrumPoints(h: Histogram, maxNines: number, steps = 100): [number, number][] {
  const out: [number, number][] = [];
  if (h.totalCount === 0) return out;
  for (let i = 0; i <= steps; i++) {
    const x = (maxNines * i) / steps;
    out.push([x, h.getValueAtPercentile(percentileAtNines(x)) / 1000]);
  }
  return out;
}

/** Axis label for a whole number of nines: 0%, 90%, 99%, 99.9%, … */
export function ninesLabel(x: number): string {
  if (x === 0) return '0%';
  return `${(100 - 100 / 10 ** x).toFixed(Math.max(0, x - 2))}%`;
}
