// What the Prometheus output counts, and the series it sends for each closed second of the run. It reads the
// run's own seconds (metrics/seconds.ts: each request recorded once, by the run): running totals per request
// name and status, and the second's latency and service-time quantiles from its histograms. Nothing per request.
import { errorKinds } from '../../errors.ts';
import type { Histogram } from '../../metrics/histogram.ts';
import { valuesAtPercentiles } from '../../metrics/percentiles.ts';
import type { RequestCounts } from '../../metrics/request-counts.ts';
import type { SecondView } from '../../metrics/seconds.ts';
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
  'runner_ws_sessions_total',
  'runner_ws_connections_open',
  'runner_ws_connect_failed_total',
  'runner_ws_msgs_sent_total',
  'runner_ws_msgs_received_total',
  'runner_ws_msgs_delivered_total',
  'runner_ws_msgs_lost_total',
] as const;

/** The quantiles written each second, as Prometheus summaries name them. */
const QUANTILES: [label: string, percentile: number][] = [
  ['0.5', 50],
  ['0.9', 90],
  ['0.95', 95],
  ['0.99', 99],
  ['1', 100],
];
const PERCENTILES = QUANTILES.map(([, p]) => p);

/** Request names that get their own percentile series; later names count only in the all-requests one. */
const MAX_NAMED_PERCENTILES = 50;

/** Index of the unexpected-status counter in RequestCounts.counters (metrics/request-counts.ts). */
const UNEXPECTED_STATUS = 0;

/** What the output reads from the run once a second. */
export interface RunCounters {
  readonly iterations: { readonly completed: number; readonly failed: number; readonly dropped: number };
  readonly checks: { toJSON(): Record<string, { passes: number; fails: number }> };
  /** WebSocket counters so far; undefined while the run opened none. */
  wsCounts?(): WsLiveCounts | undefined;
}

/** Cumulative WebSocket counters of a running run (src/ws/metrics.ts). */
export interface WsLiveCounts {
  opened: number;
  failed: number;
  open: number;
  sent: number;
  received: number;
  delivered: number;
  lost: number;
}

/** Where a request id came from: its scenario and method ('' when not known before the run, as in code scenarios). */
export interface RequestInfo {
  name: string;
  scenario: string;
  method: string;
}

interface PerRequest {
  info: RequestInfo;
  /** Responses by status, running totals. */
  byStatus: Map<number, number>;
  /** No response, by class, running totals. */
  byError: Map<string, number>;
  /** Unexpected status or no response, running total. */
  failed: number;
  /** Gets its own quantile series (the first MAX_NAMED_PERCENTILES names). */
  percentiles: boolean;
  /** Its quantile series had values in the last batch (so a quiet second ends them with a stale marker). */
  live: boolean;
}

export class PrometheusAggregate {
  private readonly requests: PerRequest[] = [];
  private withPercentiles = 0;
  /** The all-requests quantile series had values in the last batch. */
  private live = false;

  constructor(
    requests: readonly RequestInfo[],
    /** Scenario of a request named during the run (a code scenario); '' when the plan has several. */
    private readonly lateScenario: string,
  ) {
    requests.forEach((info, id) => this.add(id, info));
  }

  private add(id: number, info: RequestInfo): PerRequest {
    const percentiles = this.withPercentiles < MAX_NAMED_PERCENTILES;
    if (percentiles) this.withPercentiles++;
    const r: PerRequest = { info, byStatus: new Map(), byError: new Map(), failed: 0, percentiles, live: false };
    this.requests[id] = r;
    return r;
  }

  named(requestId: number, name: string): void {
    const r = this.requests[requestId];
    if (r) r.info = { ...r.info, name };
    else this.add(requestId, { name, scenario: this.lateScenario, method: '' });
  }

  /**
   * The batch of one closed second at `timestampMs`, each series with the `base` labels (testid, --tag): every
   * counter's running total, the VUs, and the quantiles of the responses that ended in the second (none when
   * none did: a gap, with stale markers ending series that had values).
   */
  second(v: SecondView, timestampMs: number, run: RunCounters | null, base: Readonly<Record<string, string>>): Series[] {
    const out: Series[] = [];
    const point = (labels: Record<string, string>, value: number, stale = false): void => {
      out.push({ labels: { ...base, ...labels }, samples: [stale ? { value: Number.NaN, timestampMs, stale } : { value, timestampMs }] });
    };
    const quantilesNow = new Map<number, RequestCounts>();
    for (const id of v.ids) {
      const c = v.countsOf(id);
      if (c === undefined) continue;
      const r = this.requests[id] ?? this.add(id, { name: `#${id}`, scenario: this.lateScenario, method: '' });
      addCounts(r, c);
      if (r.percentiles) quantilesNow.set(id, c);
    }
    this.requests.forEach((r, id) => {
      if (!r) return;
      const where = { scenario: r.info.scenario, name: r.info.name, method: r.info.method };
      for (const [status, n] of r.byStatus) point({ __name__: 'runner_http_reqs_total', ...where, status: String(status) }, n);
      for (const [kind, n] of r.byError) point({ __name__: 'runner_http_reqs_total', ...where, status: '0', error: kind }, n);
      if (r.byStatus.size + r.byError.size > 0) point({ __name__: 'runner_http_req_failed_total', ...where }, r.failed);
      if (!r.percentiles) return;
      const c = quantilesNow.get(id);
      r.live = quantilePair(c ? [c.same, c.latency] : [], c ? [c.same, c.serviceTime] : [], { scenario: r.info.scenario, name: r.info.name }, r.live, point);
    });
    this.live = quantilePair([v.latency], [v.serviceDiffers ? v.serviceTime : v.latency], {}, this.live, point);
    point({ __name__: 'runner_vus' }, v.activeVus);
    if (run) {
      point({ __name__: 'runner_iterations_total' }, run.iterations.completed + run.iterations.failed);
      point({ __name__: 'runner_dropped_iterations_total' }, run.iterations.dropped);
      for (const [check, c] of Object.entries(run.checks.toJSON())) {
        point({ __name__: 'runner_checks_total', check, result: 'pass' }, c.passes);
        point({ __name__: 'runner_checks_total', check, result: 'fail' }, c.fails);
      }
      const ws = run.wsCounts?.();
      if (ws) {
        point({ __name__: 'runner_ws_sessions_total' }, ws.opened);
        point({ __name__: 'runner_ws_connections_open' }, ws.open);
        point({ __name__: 'runner_ws_connect_failed_total' }, ws.failed);
        point({ __name__: 'runner_ws_msgs_sent_total' }, ws.sent);
        point({ __name__: 'runner_ws_msgs_received_total' }, ws.received);
        point({ __name__: 'runner_ws_msgs_delivered_total' }, ws.delivered);
        point({ __name__: 'runner_ws_msgs_lost_total' }, ws.lost);
      }
    }
    return out;
  }
}

/** Adds one second's counts of a request into its running totals. */
function addCounts(r: PerRequest, c: RequestCounts): void {
  const s = c.statusCounts;
  for (let status = 0; status < s.length; status++) if (s[status] !== 0) r.byStatus.set(status, (r.byStatus.get(status) ?? 0) + s[status]);
  for (const [status, n] of c.otherStatusCounts) r.byStatus.set(status, (r.byStatus.get(status) ?? 0) + n);
  let errors = 0;
  c.errorCounts.forEach((n, k) => {
    if (n === 0) return;
    r.byError.set(errorKinds[k], (r.byError.get(errorKinds[k]) ?? 0) + n);
    errors += n;
  });
  r.failed += errors + c.counters[UNEXPECTED_STATUS];
}

type Point = (labels: Record<string, string>, value: number, stale?: boolean) => void;

/**
 * Writes the latency and service-time quantiles (seconds) of a second's histograms. A second without
 * responses writes nothing, and ends series that had values (`live`) with stale markers: a gap in Prometheus
 * too. Returns whether the series have values now.
 */
function quantilePair(latency: (Histogram | null)[], service: (Histogram | null)[], labels: Record<string, string>, live: boolean, point: Point): boolean {
  const lat = valuesAtPercentiles(latency, PERCENTILES);
  if (lat === null) {
    if (live) {
      for (const metric of ['runner_http_req_duration_seconds', 'runner_http_req_service_time_seconds']) {
        for (const [quantile] of QUANTILES) point({ __name__: metric, ...labels, quantile }, Number.NaN, true);
      }
    }
    return false;
  }
  const svc = valuesAtPercentiles(service, PERCENTILES) ?? lat;
  QUANTILES.forEach(([quantile], k) => point({ __name__: 'runner_http_req_duration_seconds', ...labels, quantile }, lat[k] / 1e6));
  QUANTILES.forEach(([quantile], k) => point({ __name__: 'runner_http_req_service_time_seconds', ...labels, quantile }, svc[k] / 1e6));
  return true;
}
