// Every HdrHistogram setting in one place: build, record (clamped), encode/decode, merge and summarize.
// The library's files are imported one by one: its index also loads HistogramLogWriter, whose module-level
// Intl.NumberFormat costs ~20-30 ms of ICU set-up at start-up, and the WebAssembly build, which runner never uses.
import type { Histogram } from 'hdr-histogram-js';
import { decompress, doDecode } from 'hdr-histogram-js/dist/JsHistogram.encoding.js';
import { constructorFromBucketSize } from 'hdr-histogram-js/dist/JsHistogramFactory.js';
import type { LatencySummary } from '../result/types.ts';
import { addHistogram, meanAndStdev } from './histogram-walk.ts';

export type { Histogram };

/** Smallest recordable value, µs. */
export const LOWEST_US = 1;
/** Largest recordable value, µs (1 hour): the library's default ceiling is tiny, so always set it. */
export const HIGHEST_US = 3_600_000_000;

/**
 * A JS histogram of integer microseconds. JS rather than WASM: WASM histograms are never garbage-collected
 * and cannot `add()` decoded JS ones; not packed: packed records ~5× slower and queries take ~12 ms.
 * autoResize stays on so that merging a histogram decoded from another file with a wider range cannot throw;
 * our own records are clamped and never trigger it.
 */
export function createHistogram(): Histogram {
  return buildHistogram(HIGHEST_US);
}

/** Counts array of a small histogram: values up to ~4 ms, ~16 KB instead of ~94 KB for the whole hour. */
const SMALL_HIGHEST_US = 4096;

/**
 * A histogram that starts small and grows (autoResize) to the largest value recorded into it, up to HIGHEST_US
 * (recordUs clamps): ~16 KB while values stay under ~4 ms, ~50 KB up to 1 s. Same counts and percentiles as
 * createHistogram(). For what exists many times over: one per request name (code scenarios name hundreds).
 */
export function createGrowingHistogram(): Histogram {
  return buildHistogram(SMALL_HIGHEST_US);
}

/** What hdr-histogram-js's build() makes for { bitBucketSize: 32, autoResize: true, useWebAssembly: false }. */
const Int32Histogram = constructorFromBucketSize(32);

function buildHistogram(highestUs: number): Histogram {
  const h = new Int32Histogram(LOWEST_US, highestUs, 3);
  h.autoResize = true;
  return h;
}

/** Records one value in µs, clamped to [1, 1 h] and rounded; NaN counts as 1. Hot path: never throws, never allocates. */
export function recordUs(h: Histogram, valueUs: number): void {
  let v = valueUs;
  // `!(v >= LOWEST_US)` also catches NaN, which would otherwise corrupt the counts index.
  if (!(v >= LOWEST_US)) v = LOWEST_US;
  else if (v > HIGHEST_US) v = HIGHEST_US;
  h.recordValue(Math.round(v));
}

/** HdrHistogram V2 compressed, base64 (interoperable with the Java reference implementation). */
export function encodeHistogram(h: Histogram): string {
  // Installed on JsHistogram's prototype by JsHistogram.encoding.js (imported above).
  return (h as unknown as { encodeIntoCompressedBase64(): string }).encodeIntoCompressedBase64();
}

/** The inverse of `encodeHistogram`; throws on a string that is not an encoded histogram. */
export function decodeHistogram(encoded: string): Histogram {
  // hdr-histogram-js's decodeFromCompressedBase64 for a JS histogram, with Node's base64 decoder.
  const h = doDecode(decompress(Buffer.from(encoded.trim(), 'base64')), 32, 0);
  // Decoding turns autoResize off; keep decoded histograms as forgiving as created ones when they are added to.
  h.autoResize = true;
  return h;
}

/** A new histogram holding the sum of all of `list` (which is left unchanged). */
export function mergeHistograms(list: readonly Histogram[]): Histogram {
  const merged = createHistogram();
  for (const h of list) addHistogram(merged, h);
  return merged;
}

/** µs → ms with 3 decimals, i.e. exact to the microsecond. */
function usToMs(valueUs: number): number {
  return Math.round(valueUs) / 1000;
}

/**
 * Percentiles, min, mean, stdev and max in ms (3 decimals) plus the encoded histogram; all zeros when empty.
 * min and max come from the buckets (p0, p100) like the percentiles, not from the exact values the live
 * histogram tracks: otherwise p99.9 could exceed max, and a summary recomputed from `hdr` would differ.
 */
export function summarizeLatency(h: Histogram): LatencySummary {
  const count = h.totalCount;
  if (count === 0) {
    return { unit: 'ms', count: 0, min: 0, mean: 0, stdev: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0, hdr: encodeHistogram(h) };
  }
  // Not h.mean / h.stdDeviation: the library's iterators take ~20 ms here (histogram-walk.ts).
  const { mean, stdev } = meanAndStdev(h);
  return {
    unit: 'ms',
    count,
    min: usToMs(h.getValueAtPercentile(0)),
    mean: usToMs(mean),
    stdev: usToMs(stdev),
    p50: usToMs(h.getValueAtPercentile(50)),
    p90: usToMs(h.getValueAtPercentile(90)),
    p95: usToMs(h.getValueAtPercentile(95)),
    p99: usToMs(h.getValueAtPercentile(99)),
    p999: usToMs(h.getValueAtPercentile(99.9)),
    max: usToMs(h.getValueAtPercentile(100)),
    hdr: encodeHistogram(h),
  };
}
