// What the Prometheus output counts from the samples, and the series it turns them into once a second:
// cumulative counters per request name and status, and per-second latency and service-time percentiles
// from interval HDR histograms that are read and reset at each batch. Hot path: array and Map updates only.
import type { ErrorKind } from '../../errors.ts';
import { createGrowingHistogram, createHistogram, recordUs, type Histogram } from '../../metrics/histogram.ts';
import type { Sample } from '../../metrics/sample.ts';
import type { MetricsSink } from '../../metrics/types.ts';
import type { Series } from './remote-write.ts';

/** Every metric name this output writes (the Grafana dashboard test checks its queries against this list). */
export const PROMETHEUS_METRICS = [
  'runner_http_reqs_total',
  'runner_http_req_failed_total',
  'runner_iterations_total',
  'runner_dropped_iterations_total',
  'runner_checks_total',
  'runner_vus',
  'runner_http_req_duration_seconds',
  'runner_http_req_service_time_seconds',
] as const;

/** The quantiles written each second, as Prometheus summaries name them. */
const QUANTILES: [label: string, percentile: number][] = [
  ['0.5', 50],
  ['0.9', 90],
  ['0.95', 95],
  ['0.99', 99],
  ['1', 100],
];

/** Request names that get their own percentile series; later names count only in the all-requests one. */
const MAX_NAMED_PERCENTILES = 50;

/** What the output reads from the run once a second. */
export interface RunCounters {
  readonly activeVus: number;
  readonly iterations: { readonly completed: number; readonly failed: number; readonly dropped: number };
  readonly checks: { toJSON(): Record<string, { passes: number; fails: number }> };
}

/** Where a request id came from: its scenario and method ('' when not known before the run, as in code scenarios). */
export interface RequestInfo {
  name: string;
  scenario: string;
  method: string;
}

interface PerRequest {
  info: RequestInfo;
  /** Responses by status. */
  byStatus: Map<number, number>;
  /** No response, by class. */
  byError: Map<ErrorKind, number>;
  /** Unexpected status or no response. */
  failed: number;
  latency: Histogram | null;
  service: Histogram | null;
  /** Its quantile series got values in the last batch (so a quiet second ends them with a stale marker). */
  live: boolean;
}

export class PrometheusAggregate implements MetricsSink {
  private readonly requests: PerRequest[] = [];
  private readonly latency = createHistogram();
  private readonly service = createHistogram();
  /** The all-requests quantile series got values in the last batch. */
  private live = false;
  private withPercentiles = 0;

  constructor(
    requests: readonly RequestInfo[],
    /** Scenario of a request named during the run (a code scenario); '' when the plan has several. */
    private readonly lateScenario: string,
  ) {
    requests.forEach((info, id) => this.add(id, info));
  }

  private add(id: number, info: RequestInfo): PerRequest {
    const r: PerRequest = { info, byStatus: new Map(), byError: new Map(), failed: 0, latency: null, service: null, live: false };
    if (this.withPercentiles < MAX_NAMED_PERCENTILES) {
      this.withPercentiles++;
      r.latency = createGrowingHistogram();
      r.service = createGrowingHistogram();
    }
    this.requests[id] = r;
    return r;
  }

  private of(id: number): PerRequest {
    return this.requests[id] ?? this.add(id, { name: `request ${id}`, scenario: this.lateScenario, method: '' });
  }

  started(): void {}

  record(s: Sample): void {
    if (s.kind !== 'http') return;
    const r = this.of(s.requestId);
    if (s.error !== null) {
      r.byError.set(s.error, (r.byError.get(s.error) ?? 0) + 1);
      r.failed++;
      return;
    }
    r.byStatus.set(s.status, (r.byStatus.get(s.status) ?? 0) + 1);
    if (!s.expected) r.failed++;
    recordUs(this.latency, s.latencyUs);
    recordUs(this.service, s.serviceUs);
    if (r.latency !== null && r.service !== null) {
      recordUs(r.latency, s.latencyUs);
      recordUs(r.service, s.serviceUs);
    }
  }

  named(requestId: number, name: string): void {
    const r = this.requests[requestId];
    if (r) r.info = { ...r.info, name };
    else this.add(requestId, { name, scenario: this.lateScenario, method: '' });
  }

  /**
   * The series of one batch at `timestampMs`, each with the `base` labels (testid, --tag): every counter's running total, the VU gauge, and the percentiles
   * of the responses since the last batch (none when there were none: a quiet second is a gap, not 0 s).
   */
  collect(timestampMs: number, run: RunCounters | null, base: Readonly<Record<string, string>>): Series[] {
    const out: Series[] = [];
    const point = (labels: Record<string, string>, value: number, stale = false): void => {
      out.push({ labels: { ...base, ...labels }, samples: [stale ? { value: Number.NaN, timestampMs, stale } : { value, timestampMs }] });
    };
    for (const r of this.requests) {
      if (!r) continue;
      const where = { scenario: r.info.scenario, name: r.info.name, method: r.info.method };
      for (const [status, n] of r.byStatus) point({ __name__: 'runner_http_reqs_total', ...where, status: String(status) }, n);
      for (const [kind, n] of r.byError) point({ __name__: 'runner_http_reqs_total', ...where, status: '0', error: kind }, n);
      if (r.byStatus.size + r.byError.size > 0) point({ __name__: 'runner_http_req_failed_total', ...where }, r.failed);
      if (r.latency && r.service) r.live = quantilePair(r.latency, r.service, { scenario: r.info.scenario, name: r.info.name }, r.live, point);
    }
    this.live = quantilePair(this.latency, this.service, {}, this.live, point);
    if (run) {
      point({ __name__: 'runner_vus' }, run.activeVus);
      point({ __name__: 'runner_iterations_total' }, run.iterations.completed + run.iterations.failed);
      point({ __name__: 'runner_dropped_iterations_total' }, run.iterations.dropped);
      for (const [check, c] of Object.entries(run.checks.toJSON())) {
        point({ __name__: 'runner_checks_total', check, result: 'pass' }, c.passes);
        point({ __name__: 'runner_checks_total', check, result: 'fail' }, c.fails);
      }
    }
    return out;
  }
}

type Point = (labels: Record<string, string>, value: number, stale?: boolean) => void;

/**
 * Writes the latency and service-time quantiles (seconds) of the responses since the last batch and empties
 * both histograms. A second without responses writes nothing, and ends series that had values (`live`) with
 * stale markers: a gap in Prometheus too. Returns whether the series have values now.
 */
function quantilePair(latency: Histogram, service: Histogram, labels: Record<string, string>, live: boolean, point: Point): boolean {
  if (latency.totalCount === 0) {
    if (live) {
      for (const metric of ['runner_http_req_duration_seconds', 'runner_http_req_service_time_seconds']) {
        for (const [quantile] of QUANTILES) point({ __name__: metric, ...labels, quantile }, Number.NaN, true);
      }
    }
    return false;
  }
  quantiles(latency, 'runner_http_req_duration_seconds', labels, point);
  quantiles(service, 'runner_http_req_service_time_seconds', labels, point);
  return true;
}

function quantiles(h: Histogram, metric: string, labels: Record<string, string>, point: Point): void {
  const values = valuesAtPercentiles(h, PERCENTILES);
  QUANTILES.forEach(([quantile], k) => point({ __name__: metric, ...labels, quantile }, values[k] / 1e6));
  h.reset();
}

const PERCENTILES = QUANTILES.map(([, p]) => p);

/** What a JS histogram exposes of its counts (hdr-histogram-js 3 JsHistogram). */
interface CountsView {
  countsArrayLength: number;
  getCountAtIndex(i: number): number;
  valueFromIndex(i: number): number;
  highestEquivalentValue(v: number): number;
}

/**
 * `h.getValueAtPercentile(p)` for each of `percentiles` (ascending, in %, none 0), in one walk over the
 * counts instead of one walk each: five quantiles of ~40 histograms every second stay well under a millisecond.
 */
export function valuesAtPercentiles(h: Histogram, percentiles: readonly number[]): number[] {
  const v = h as unknown as CountsView;
  if (typeof v.getCountAtIndex !== 'function' || typeof v.valueFromIndex !== 'function') return percentiles.map((p) => h.getValueAtPercentile(p));
  const out: number[] = [];
  // As the library rounds: up to the count that includes the percentile, at least the first value.
  const targets = percentiles.map((p) => {
    const fp = (Math.min(p, 100) / 100) * h.totalCount;
    return Math.max(Math.ceil(fp - fp * Number.EPSILON), 1);
  });
  let k = 0;
  let total = 0;
  for (let i = 0; i < v.countsArrayLength && k < targets.length; i++) {
    total += v.getCountAtIndex(i);
    while (k < targets.length && total >= targets[k]) {
      out.push(v.highestEquivalentValue(v.valueFromIndex(i)));
      k++;
    }
  }
  while (out.length < percentiles.length) out.push(0);
  return out;
}
