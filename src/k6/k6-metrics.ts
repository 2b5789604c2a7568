// k6's metric model for k6 scripts: built-in and custom metrics (Counter, Gauge, Rate, Trend) with tags, and
// the sub-metrics that thresholds with `{tag:value}` filters name. Like k6, a sub-metric exists only when a
// threshold asks for it, so a sample costs one check per such filter, not a map of every tag set.
import { performance } from 'node:perf_hooks';
import type { K6MetricSamples } from '../result/types.ts';
import { createGrowingHistogram, decodeHistogram, encodeHistogram, recordUs, type Histogram } from '../metrics/histogram.ts';
import { addBuckets, addHistogram, bucketsOf } from '../metrics/histogram-walk.ts';

export type K6MetricType = 'counter' | 'gauge' | 'rate' | 'trend';
export type Tags = Readonly<Record<string, string>>;

/** The aggregate of one metric (or sub-metric). Trend values are kept in an HdrHistogram (×1000, 3 digits). */
export class MetricSink {
  count = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;
  last = 0;
  /**
   * Gauge: when `last` was added, ms since the epoch (performance.timeOrigin + now(): comparable across worker
   * threads, which each have their own performance.now() origin). Merging threads keeps the latest value.
   */
  lastAtMs = 0;
  /** Rate: samples that were non-zero. */
  trues = 0;
  histogram: Histogram | null = null;

  constructor(readonly type: K6MetricType) {
    if (type === 'trend') this.histogram = createGrowingHistogram();
  }

  add(value: number): void {
    this.count++;
    this.sum += value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    this.last = value;
    if (this.type === 'gauge') this.lastAtMs = performance.timeOrigin + performance.now();
    if (this.type === 'rate' && value !== 0) this.trues++;
    if (this.histogram) recordUs(this.histogram, value * 1000);
  }

  /** Everything this sink holds, as plain data (JSON-safe: an empty sink's min and max are 0). */
  snapshot(): SinkDelta {
    const d = this.totals();
    if (this.histogram) d.hdr = encodeHistogram(this.histogram);
    return d;
  }

  private totals(): SinkDelta {
    const empty = this.count === 0;
    return { count: this.count, sum: this.sum, min: empty ? 0 : this.min, max: empty ? 0 : this.max, last: this.last, lastAtMs: this.lastAtMs, trues: this.trues };
  }

  /** What was added since the last drain, as plain data (undefined when nothing was); empties this sink. */
  drain(): SinkDelta | undefined {
    if (this.count === 0) return undefined;
    // Between threads the histogram goes as its non-empty buckets, not encoded: a thread drains ~10 trends a
    // second, and deflate + base64 there and inflate + add here cost ~25 ms of CPU per thread-second.
    const d = this.totals();
    if (this.histogram) {
      d.buckets = bucketsOf(this.histogram);
      this.histogram.reset();
    }
    this.count = this.sum = this.trues = this.last = this.lastAtMs = 0;
    this.min = Infinity;
    this.max = -Infinity;
    return d;
  }

  /**
   * Adds another sink's drained samples: counts, sums and histograms add (exact; a sum of non-integer values may
   * differ from one thread's in its last bits, as the additions come in another order), min and max hold, and a
   * gauge keeps the value added last in time.
   */
  absorb(d: SinkDelta): void {
    if (d.count === 0) return;
    this.count += d.count;
    this.sum += d.sum;
    this.trues += d.trues;
    if (d.min < this.min) this.min = d.min;
    if (d.max > this.max) this.max = d.max;
    if (this.type !== 'gauge' || d.lastAtMs >= this.lastAtMs) {
      this.last = d.last;
      this.lastAtMs = d.lastAtMs;
    }
    if (this.histogram && d.hdr !== undefined) addHistogram(this.histogram, decodeHistogram(d.hdr));
    if (this.histogram && d.buckets !== undefined) addBuckets(this.histogram, d.buckets);
  }

  percentile(p: number): number {
    if (!this.histogram || this.count === 0) return 0;
    if (p >= 100) return this.max;
    if (p <= 0) return this.min;
    return Math.min(this.max, Math.max(this.min, this.histogram.getValueAtPercentile(p) / 1000));
  }

  /** k6's values for the summary and thresholds (`avg`, `p(95)`, `count`, `rate`, `value` …). */
  values(durationMs: number, trendStats: readonly string[]): Record<string, number> {
    const seconds = durationMs / 1000;
    switch (this.type) {
      case 'counter':
        return { count: this.sum, rate: seconds > 0 ? this.sum / seconds : 0 };
      case 'gauge':
        return { value: this.last, min: this.count ? this.min : 0, max: this.count ? this.max : 0 };
      case 'rate':
        return { rate: this.count ? this.trues / this.count : 0, passes: this.trues, fails: this.count - this.trues };
      case 'trend': {
        const out: Record<string, number> = {};
        for (const stat of trendStats) {
          const v = this.trendStat(stat);
          if (v !== undefined) out[stat] = v;
        }
        return out;
      }
    }
  }

  /** One trend aggregation by k6's name; undefined for an unknown one. */
  trendStat(stat: string): number | undefined {
    if (this.count === 0 && stat !== 'count') return 0;
    switch (stat) {
      case 'avg':
        return this.sum / this.count;
      case 'min':
        return this.min;
      case 'max':
        return this.max;
      case 'med':
        return this.percentile(50);
      case 'count':
        return this.count;
    }
    const m = /^p\((\d+(?:\.\d+)?)\)$/.exec(stat);
    return m ? this.percentile(Number(m[1])) : undefined;
  }
}

/**
 * A sink's samples (since its last drain, or all of them), fit for postMessage and JSON: the trend histogram
 * (values ×1000) encoded as in result files. The result file keeps it per metric, so `runner merge` adds it.
 */
export type SinkDelta = Omit<K6MetricSamples, 'type'> & {
  /** A drained trend's histogram as [bucket index, count] pairs, flat (the settings of createGrowingHistogram). */
  buckets?: number[];
};

export interface SubMetric {
  /** `name{tag:value,…}` as the threshold wrote it (normalised). */
  key: string;
  tags: Tags;
  sink: MetricSink;
}

export interface K6Metric {
  name: string;
  type: K6MetricType;
  /** `contains: 'time'`: values are milliseconds. */
  isTime: boolean;
  sink: MetricSink;
  subs: SubMetric[];
  /** Defined by the script (k6/metrics), not built in. */
  custom: boolean;
}

export const BUILTIN_METRICS: Record<string, [K6MetricType, boolean]> = {
  http_reqs: ['counter', false],
  http_req_failed: ['rate', false],
  http_req_duration: ['trend', true],
  http_req_blocked: ['trend', true],
  http_req_connecting: ['trend', true],
  http_req_tls_handshaking: ['trend', true],
  http_req_sending: ['trend', true],
  http_req_waiting: ['trend', true],
  http_req_receiving: ['trend', true],
  iteration_duration: ['trend', true],
  iterations: ['counter', false],
  group_duration: ['trend', true],
  checks: ['rate', false],
  data_sent: ['counter', false],
  data_received: ['counter', false],
  vus: ['gauge', false],
  vus_max: ['gauge', false],
  dropped_iterations: ['counter', false],
};

export class MetricRegistry {
  readonly metrics = new Map<string, K6Metric>();

  constructor() {
    for (const [name, [type, isTime]] of Object.entries(BUILTIN_METRICS)) this.define(name, type, isTime, false);
  }

  /** Defines a metric or returns the existing one; a second definition with another type is an error, as in k6. */
  define(name: string, type: K6MetricType, isTime: boolean, custom = true): K6Metric {
    const had = this.metrics.get(name);
    if (had) {
      if (had.type !== type) throw new Error(`metric '${name}' already exists as a ${had.type}, it cannot be redefined as a ${type}`);
      return had;
    }
    if (custom && !/^[\p{L}\p{N}\._ !?/&#()<>%-]{1,128}$/u.test(name)) throw new Error(`invalid metric name '${name}'`);
    const m: K6Metric = { name, type, isTime, sink: new MetricSink(type), subs: [], custom };
    this.metrics.set(name, m);
    return m;
  }

  /** The sub-metric `name{tags}` a threshold needs, created once. */
  submetric(metric: K6Metric, tags: Tags): SubMetric {
    const key = `${metric.name}{${Object.entries(tags).map(([k, v]) => `${k}:${v}`).join(',')}}`;
    let sub = metric.subs.find((s) => s.key === key);
    if (!sub) {
      sub = { key, tags, sink: new MetricSink(metric.type) };
      metric.subs.push(sub);
    }
    return sub;
  }

  add(metric: K6Metric, value: number, tags: Tags): void {
    metric.sink.add(value);
    for (const sub of metric.subs) {
      let match = true;
      for (const k in sub.tags) {
        if (tags[k] !== sub.tags[k]) {
          match = false;
          break;
        }
      }
      if (match) sub.sink.add(value);
    }
  }

  addByName(name: string, value: number, tags: Tags): void {
    const m = this.metrics.get(name);
    if (m) this.add(m, value, tags);
  }
}
