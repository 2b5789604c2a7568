// The plain-loop add, mean and standard deviation give what hdr-histogram-js gives, to the bit, on runner's
// histograms of every range (growing ones of different sizes included). (Their speed is measured in bench/, not here.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createGrowingHistogram, createHistogram, decodeHistogram, encodeHistogram, recordUs, type Histogram } from '../../src/metrics/histogram.ts';
import { addHistogram, meanAndStdev } from '../../src/metrics/histogram-walk.ts';

/** A deterministic spread: mostly 8–20 ms, a tail up to `tailUs`. */
function filled(make: () => Histogram, n: number, seed: number, tailUs: number): Histogram {
  const h = make();
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (x * 1_103_515_245 + 12_345) % 2 ** 31;
    const u = x / 2 ** 31;
    recordUs(h, u < 0.97 ? 8_000 + u * 12_000 : 20_000 + (u - 0.97) * 33 * tailUs);
  }
  return h;
}

/** The lowest value of the bucket `v` falls in (JsHistogram API the typings leave out). */
const bucketOf = (h: Histogram, v: number) => (h as unknown as { lowestEquivalentValue(v: number): number }).lowestEquivalentValue(v);

const cases: [string, () => Histogram, number][] = [
  ['full range, 15k values to 1 s', createHistogram, 1_000_000],
  ['growing, 15k values to 50 ms', createGrowingHistogram, 30_000],
  ['growing, small values only', createGrowingHistogram, 0],
];

test('meanAndStdev equals the library mean and stdDeviation exactly', () => {
  for (const [name, make, tail] of cases) {
    const h = filled(make, 15_000, 7, tail);
    const { mean, stdev } = meanAndStdev(h);
    assert.equal(mean, h.mean, name);
    assert.equal(stdev, h.stdDeviation, name);
  }
  // One value in every bucket of the whole range: each index's median is derived from the index alone.
  const every = createHistogram();
  const layout = every as unknown as { countsArrayLength: number; valueFromIndex(i: number): number };
  for (let i = 0; i < layout.countsArrayLength; i++) every.recordValueWithCount(layout.valueFromIndex(i), 1 + (i % 7));
  assert.equal(meanAndStdev(every).mean, every.mean);
  assert.equal(meanAndStdev(every).stdev, every.stdDeviation);
  assert.deepEqual(meanAndStdev(createHistogram()), { mean: 0, stdev: 0 });
});

test('addHistogram equals the library add (counts, total, min, max, encoding) across ranges', () => {
  const makers = [createHistogram, createGrowingHistogram];
  for (const makeDst of makers) {
    for (const makeSrc of makers) {
      for (const [srcTail, dstTail] of [[0, 1_000_000], [1_000_000, 0], [30_000, 30_000]]) {
        const viaLib = filled(makeDst, 3_000, 3, dstTail);
        const viaWalk = filled(makeDst, 3_000, 3, dstTail);
        const src = filled(makeSrc, 5_000, 11, srcTail);
        viaLib.add(src);
        addHistogram(viaWalk, src);
        const what = `${makeSrc.name} (tail ${srcTail}) into ${makeDst.name} (tail ${dstTail})`;
        assert.equal(viaWalk.totalCount, viaLib.totalCount, what);
        // The library's own two paths differ here: its value-by-value add keeps the bucket's lowest value as max,
        // its index-by-index add the exact one. Both name the same bucket.
        assert.equal(bucketOf(viaWalk, viaWalk.maxValue), bucketOf(viaLib, viaLib.maxValue), what);
        assert.equal(bucketOf(viaWalk, viaWalk.minNonZeroValue), bucketOf(viaLib, viaLib.minNonZeroValue), what);
        for (const p of [0, 50, 90, 99, 99.9, 100]) assert.equal(viaWalk.getValueAtPercentile(p), viaLib.getValueAtPercentile(p), `${what} p${p}`);
        assert.equal(encodeHistogram(viaWalk), encodeHistogram(viaLib), what);
      }
    }
  }
  // A decoded histogram (another file's) adds like any other.
  const decoded = decodeHistogram(encodeHistogram(filled(createHistogram, 1_000, 5, 1_000_000)));
  const a = createGrowingHistogram();
  const b = createGrowingHistogram();
  a.add(decoded);
  addHistogram(b, decoded);
  assert.equal(encodeHistogram(b), encodeHistogram(a));
});

