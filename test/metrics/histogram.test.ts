// HdrHistogram settings, clamping, percentiles, encode/decode and merge.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  HIGHEST_US,
  createHistogram,
  decodeHistogram,
  encodeHistogram,
  mergeHistograms,
  recordUs,
  summarizeLatency,
} from '../../src/metrics/histogram.ts';

function within(actual: number, expected: number, relative: number): void {
  assert.ok(Math.abs(actual - expected) <= expected * relative, `${actual} not within ${relative * 100}% of ${expected}`);
}

function uniform(fromUs: number, toUs: number) {
  const h = createHistogram();
  for (let v = fromUs; v <= toUs; v++) recordUs(h, v);
  return h;
}

test('createHistogram: 32-bit JS histogram, 3 digits, 1 µs .. 1 h', () => {
  const h = createHistogram();
  assert.equal(h.constructor.name, 'Int32Histogram');
  assert.equal(h.numberOfSignificantValueDigits, 3);
  assert.ok(h.highestTrackableValue >= HIGHEST_US);
  assert.equal(HIGHEST_US, 3_600_000_000);
});

test('percentiles of 1..10000 µs uniform are within 0.1%', () => {
  const s = summarizeLatency(uniform(1, 10_000));
  assert.equal(s.unit, 'ms');
  assert.equal(s.count, 10_000);
  within(s.p50, 5, 0.001);
  within(s.p90, 9, 0.001);
  within(s.p99, 9.9, 0.001);
  within(s.p999, 9.99, 0.001);
  within(s.mean, 5, 0.001);
  assert.equal(s.min, 0.001);
  within(s.max, 10, 0.001);
  assert.ok(s.min <= s.p50 && s.p50 <= s.p90 && s.p90 <= s.p95 && s.p95 <= s.p99 && s.p99 <= s.p999 && s.p999 <= s.max);
});

test('values are clamped to [1 µs, 1 h] instead of throwing', () => {
  const h = createHistogram();
  for (const v of [0, -5, Number.NaN, 0.2, 1e12, Number.POSITIVE_INFINITY]) recordUs(h, v);
  assert.equal(h.totalCount, 6);
  assert.equal(h.getValueAtPercentile(0), 1);
  assert.equal(h.getValueAtPercentile(50), 1);
  within(h.maxValue, HIGHEST_US, 0.001);
  assert.equal(h.highestTrackableValue >= HIGHEST_US && h.highestTrackableValue < HIGHEST_US * 2, true, 'did not resize');
});

test('encode/decode round trip keeps count and percentiles', () => {
  const h = uniform(100, 50_000);
  recordUs(h, 2_000_000);
  const decoded = decodeHistogram(encodeHistogram(h));
  assert.equal(decoded.totalCount, h.totalCount);
  for (const p of [0, 50, 90, 99, 99.9, 100]) assert.equal(decoded.getValueAtPercentile(p), h.getValueAtPercentile(p), `p${p}`);
  const { hdr, ...rest } = summarizeLatency(h);
  const { hdr: hdr2, ...rest2 } = summarizeLatency(decoded);
  assert.deepEqual(rest2, rest);
  assert.equal(typeof hdr, 'string');
  assert.equal(typeof hdr2, 'string');
});

test('an empty histogram summarizes to zeros and an encoded empty histogram', () => {
  const s = summarizeLatency(createHistogram());
  assert.deepEqual(
    [s.count, s.min, s.mean, s.stdev, s.p50, s.p90, s.p95, s.p99, s.p999, s.max],
    [0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
  );
  assert.equal(decodeHistogram(s.hdr).totalCount, 0);
});

test('mergeHistograms sums counts and leaves its inputs unchanged', () => {
  const a = uniform(1, 1000);
  const b = uniform(9001, 10_000);
  const merged = mergeHistograms([a, b, createHistogram()]);
  assert.equal(merged.totalCount, 2000);
  assert.equal(merged.minNonZeroValue, 1);
  within(merged.maxValue, 10_000, 0.001);
  within(merged.getValueAtPercentile(50), 1000, 0.001);
  assert.equal(a.totalCount, 1000);
  assert.equal(b.totalCount, 1000);
  assert.equal(mergeHistograms([]).totalCount, 0);
});

test('a decoded histogram can be merged', () => {
  const merged = mergeHistograms([decodeHistogram(encodeHistogram(uniform(1, 500))), uniform(501, 1000)]);
  assert.equal(merged.totalCount, 1000);
  within(merged.getValueAtPercentile(50), 500, 0.001);
});
