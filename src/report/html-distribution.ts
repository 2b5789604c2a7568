// The latency distribution of each run, two ways side by side: a histogram (share of responses per latency
// bucket, buckets evenly spaced on a log axis) and the percentile curve on a log "nines" axis.
import { decodeHistogram, type Histogram } from '../metrics/histogram.ts';
import { colorOf, type ReportInput } from './html-tables.ts';
import { ninesLabel, spectrumPoints, usefulNines } from './spectrum.ts';
import { renderChart, type ChartSeries } from './svg-chart.ts';

/** Buckets per decade of latency: fine enough to show two modes, coarse enough to stay smooth. */
const BUCKETS_PER_DECADE = 12;
/** A narrow distribution (25–50 ms) gets finer buckets, so it is drawn with ~this many, up to 60 a decade. */
const MIN_BUCKETS = 24;

/** Buckets per decade for the runs' range of latency (µs): 12, more when the range is under two decades. */
export function bucketsPerDecade(hs: readonly Histogram[]): number {
  const filled = hs.filter((h) => h.totalCount > 0);
  if (filled.length === 0) return BUCKETS_PER_DECADE;
  const lo = Math.max(1, Math.min(...filled.map((h) => h.minNonZeroValue)));
  const hi = Math.max(lo + 1, ...filled.map((h) => h.maxValue));
  const decades = Math.log10(hi / lo);
  return Math.min(60, Math.max(BUCKETS_PER_DECADE, Math.ceil(MIN_BUCKETS / Math.max(decades, 1e-3))));
}

interface IterationValue {
  valueIteratedTo: number;
  countAtValueIteratedTo: number;
}
interface ValuesIterator {
  reset(): void;
  hasNext(): boolean;
  next(): IterationValue;
}

/**
 * Counts per log bucket of latency: [log10(ms) of the bucket's lower edge, share of responses in %]. Exact,
 * from the histogram's recorded values (JS histograms expose an iterator over them).
 */
export function latencyBuckets(h: Histogram, perDecade = BUCKETS_PER_DECADE): [number, number][] {
  if (h.totalCount === 0) return [];
  const it = (h as unknown as { recordedValuesIterator?: ValuesIterator }).recordedValuesIterator;
  const counts = new Map<number, number>();
  const bucketOf = (us: number): number => Math.floor(Math.log10(Math.max(1, us) / 1000) * perDecade);
  if (it) {
    it.reset();
    while (it.hasNext()) {
      const v = it.next();
      const b = bucketOf(v.valueIteratedTo);
      counts.set(b, (counts.get(b) ?? 0) + v.countAtValueIteratedTo);
    }
  } else {
    // Another histogram kind: 1,000 quantiles give the shape to 0.1 % of the responses.
    for (let i = 0; i < 1000; i++) {
      const b = bucketOf(h.getValueAtPercentile((i + 0.5) / 10));
      counts.set(b, (counts.get(b) ?? 0) + h.totalCount / 1000);
    }
  }
  const keys = [...counts.keys()];
  const lo = Math.min(...keys);
  const hi = Math.max(...keys);
  const out: [number, number][] = [];
  // Empty buckets between the lowest and highest are 0 %, drawn as such: the histogram has no gaps of its own.
  for (let b = lo; b <= hi; b++) out.push([b / perDecade, ((counts.get(b) ?? 0) / h.totalCount) * 100]);
  return out;
}

/** Tick labels on the log latency axis: 0.1, 0.2, 0.5, 1, 2, 5, 10 … ms within the data. */
function logTicks(min: number, max: number): { value: number; label: string }[] {
  const out: { value: number; label: string }[] = [];
  // A narrow range (25–40 ms) holds no 1-2-5 value: then every whole multiple is a tick.
  const steps = Math.ceil(max) - Math.floor(min) <= 1 ? [1, 2, 3, 4, 5, 6, 7, 8, 9] : [1, 2, 5];
  for (let d = Math.floor(min); d <= Math.ceil(max); d++) {
    for (const m of steps) {
      const v = d + Math.log10(m);
      if (v >= min - 1e-9 && v <= max + 1e-9) out.push({ value: v, label: String(Number((m * 10 ** d).toPrecision(3))) });
    }
  }
  return out;
}

export function distributionCharts(inputs: readonly ReportInput[]): string {
  const hs = inputs.map((x) => decodeHistogram(x.result.latency.hdr));
  const perDecade = bucketsPerDecade(hs);
  const buckets = hs.map((h) => latencyBuckets(h, perDecade));
  const xs = buckets.flat().map((b) => b[0]);
  const xMin = xs.length ? Math.min(...xs) : -1;
  const xMax = xs.length ? Math.max(...xs) + 1 / perDecade : 1;
  const histSeries: ChartSeries[] = buckets.map((b, i) => ({
    label: hs[i].totalCount === 0 ? `${inputs[i].label} (no responses)` : inputs[i].label,
    color: colorOf(i),
    kind: 'area',
    // A step shape: each bucket is flat across its width.
    points: b.flatMap(([x, pct]): [number, number][] => [[x, pct], [x + 1 / perDecade, pct]]),
    group: i,
  }));
  const ticks = logTicks(xMin, xMax);
  const histogram = renderChart({
    title: 'Latency histogram (all requests)',
    caption: `Share of responses per latency bucket (${perDecade} buckets per power of ten).`,
    xLabel: 'latency (ms, log axis)',
    yLabel: '% of responses',
    series: histSeries,
    xTicks: ticks.length >= 2 ? ticks : [{ value: xMin, label: String(Number((10 ** xMin).toPrecision(2))) }, { value: xMax, label: String(Number((10 ** xMax).toPrecision(2))) }],
    xFrom: xMin,
    width: 600,
    height: 320,
  });
  const maxNines = Math.ceil(usefulNines(Math.max(1, ...hs.map((h) => h.totalCount))));
  const spectrum: ChartSeries[] = hs.map((h, i) => ({ label: h.totalCount === 0 ? `${inputs[i].label} (no responses)` : inputs[i].label, color: colorOf(i), points: spectrumPoints(h, maxNines, 200), group: i }));
  const xTicks = Array.from({ length: maxNines + 1 }, (_, n) => ({ value: n, label: ninesLabel(n) }));
  const curve = renderChart({
    title: 'Latency by percentile (all requests)',
    caption: 'The tail on a log “nines” axis: 90 %, 99 %, 99.9 % are equally spaced.',
    xLabel: 'percentile',
    yLabel: 'latency (ms)',
    series: spectrum,
    xTicks,
    width: 600,
    height: 320,
  });
  return `<div class="pair">${histogram}${curve}</div>`;
}
