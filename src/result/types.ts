// The versioned result file (`--out result.json`): the data every report, compare, merge and export reads. Below
// metrics/ (which builds it) and report/ (which renders it), so neither imports the other for its types.
import type { WsResult } from './ws-types.ts';

/** Latency of one metric; times in milliseconds (3 decimals), `hdr` holds microseconds. */
export interface LatencySummary {
  unit: 'ms';
  count: number;
  min: number;
  mean: number;
  stdev: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
  /** HdrHistogram V2 compressed, base64, values in integer microseconds. */
  hdr: string;
}

export interface Totals {
  /** Every request that was sent or attempted: Σ byStatus + Σ errors. */
  requests: number;
  /** Responses by HTTP status code. */
  byStatus: Record<string, number>;
  /** Requests with no complete response, by class. */
  errors: Record<string, number>;
  /** Responses whose status was not in the request's `expect` list. */
  unexpectedStatus: number;
  bytesSent: number;
  bytesReceived: number;
  /** Requests per second over the measured duration. */
  rps: number;
  /** Iterations the schedule wanted but no VU was free for (run and scenario totals only). */
  dropped?: number;
}

export interface RequestResult {
  totals: Totals;
  latency: LatencySummary;
  serviceTime: LatencySummary;
}

/** Which run this is: the scenario, its seed and, for a run cut into segments, which part of it. */
export interface ScenarioIdentity {
  name: string;
  file: string;
  seed: number;
  /** The segment this process ran, k6's `from:to` form (`1/3:2/3`); absent when it ran the whole scenario. */
  segment?: string;
  /** Its position in the sequence, 1-based. */
  segmentIndex?: number;
  /** How many segments the sequence has. */
  segmentCount?: number;
  /** The whole sequence, `0,1/3,2/3,1`: every process of one run has the same. */
  segmentSequence?: string;
  /** The shared start instant (`--start-at`), ISO-8601 UTC. */
  startAt?: string;
  /**
   * `sha256:<hex>` over the bytes of the scenario file and every file it reads (templates, data, TLS, imported
   * modules; scenario/scenario-hash.ts): `runner merge` refuses results whose hashes differ. Absent in files of
   * older runners and of runs made through the API.
   */
  hash?: string;
}

export interface RunResult extends RequestResult {
  /** 2 since per-second histograms; readers also take 1. */
  version: 1 | 2;
  /** runner's own version. */
  runner: string;
  scenario: ScenarioIdentity;
  target?: string;
  startedAt: string;
  durationMs: number;
  /** Present when `runner merge` wrote this file from the results of several segments. */
  merged?: MergedFrom;
  /** How long the unrecorded `--warmup` load ran before the measured run, ms; absent without --warmup. */
  warmupMs?: number;
  /** How the run ended. */
  outcome: 'completed' | 'interrupted' | 'aborted';
  iterations: { started: number; completed: number; failed: number; dropped: number; aborted: number };
  requests: Record<string, RequestResult>;
  checks: Record<string, { passes: number; fails: number }>;
  /** Exceptions thrown by scenario code that failed iterations: the first distinct messages, with counts. */
  iterationErrors?: { message: string; count: number; location?: string }[];
  /** The first message of each error class (`totals.errors` key → message), so the summary can say what happened. */
  errorMessages?: Record<string, string>;
  /** Notes the summary must show (e.g. TLS verification off). */
  warnings: string[];
  /** Threshold verdicts by metric key (`http_req_duration{name:signup}`); absent when the scenario has none. */
  thresholds?: Record<string, ThresholdOutcome[]>;
  /** Each scenario of the file on its own, by name. */
  scenarios: Record<string, ScenarioResult>;
  /** Per-second buckets from the run's start. */
  timeSeries: TimeSeriesPoint[];
  /** How busy runner itself was; absent in files written before it existed. */
  selfCheck?: SelfCheckResult;
  /** Connections the run opened, by the protocol negotiated on them (`h2`, `http/1.1`), over all origins; absent in older files. */
  protocols?: Record<string, number>;
  /** WebSocket connections, messages and delivery; present only when the run used WebSockets. */
  ws?: WsResult;
  /** A k6 script's own numbers (src/k6): custom metrics and tag-filtered sub-metrics, and its groups. */
  k6?: K6ResultSection;
}

/** k6 metrics by name (`my_trend`, `http_req_duration{group:::login}`), values as k6 names them; groups by k6 path. */
export interface K6ResultSection {
  metrics: Record<string, { type: string; contains: string; values: Record<string, number> }>;
  groups: { path: string; name: string; checks: Record<string, { passes: number; fails: number }>; requests: Record<string, number> }[];
  /**
   * The samples behind `metrics` and behind every k6 threshold, in a form that adds exactly (`runner merge` of a
   * k6 script's segments re-judges its thresholds on them); absent in files written before runner kept them.
   */
  samples?: Record<string, K6MetricSamples>;
}

/** A k6 metric's samples: count, sum, min, max (0 when empty), a gauge's last value and when (ms since the epoch), a rate's non-zero count, a trend's values ×1000 as an encoded HdrHistogram. */
export interface K6MetricSamples {
  type: 'counter' | 'gauge' | 'rate' | 'trend';
  count: number;
  sum: number;
  min: number;
  max: number;
  last: number;
  lastAtMs: number;
  trues: number;
  hdr?: string;
}

/** What a merged result was made of. */
export interface MergedFrom {
  /** How many result files. */
  files: number;
  /** The segments they ran, `from:to`, in order. */
  segments: string[];
  /** True when some segment had no file (`--allow-partial`): the numbers cover part of the run. */
  partial: boolean;
  /** The segments no file ran; absent when none. */
  missing?: string[];
}

/** One threshold expression's verdict. `value` is in the metric's unit (ms, 0..1, count, per second); null: no samples. */
export interface ThresholdOutcome {
  expression: string;
  ok: boolean;
  value: number | null;
  abortOnFail?: boolean;
  /** This threshold failed during the run and stopped it (abortOnFail). */
  abortedRun?: boolean;
}

export type IterationCounts = RunResult['iterations'];

export interface ScenarioResult extends RequestResult {
  /** The executor that ran it (k6's names). */
  executor: string;
  /** 'open': iterations start on a schedule (arrival rate); 'closed': when a VU is free. */
  model: 'open' | 'closed';
  iterations: IterationCounts;
}

/** One second of the run. */
export interface TimeSeriesPoint {
  /** Seconds since the run's start: this bucket covers [t, t+1). */
  t: number;
  /** Requests handed to the pool. */
  started: number;
  /** Requests that ended (responses + errors). */
  finished: number;
  /** Requests that ended without a complete response. */
  errors: number;
  /** Iterations dropped for want of a free VU. */
  dropped: number;
  /** Latency of the responses that ended in this second, ms; 0 when none. */
  p50: number;
  p99: number;
  // Version 2 on (absent in older files):
  /** Service time of the same responses, ms; 0 when none. */
  serviceP50?: number;
  serviceP99?: number;
  /** Iterations started in this second. */
  iterations?: number;
  /** VUs inside an iteration at the end of this second. */
  vus?: number;
  checksPassed?: number;
  checksFailed?: number;
  /**
   * Per request name (the first MAX_SERIES_REQUESTS ids) that had a request end in this second: its count,
   * errors and latency p50/p99 in ms (0 when only errors), for per-request curves. Absent in older files.
   */
  requests?: Record<string, RequestSecond>;
  /** Latency (µs) of the responses that ended in this second, encoded like `latency.hdr`; absent when none did. */
  hdr?: string;
  /** Their service time, likewise; absent when it equals the latency (closed model): read `hdr` then. */
  serviceHdr?: string;
}

/** One request name's numbers in one second of `timeSeries`. */
export interface RequestSecond {
  finished: number;
  errors: number;
  p50: number;
  p99: number;
}

/** runner's watch on itself. */
export interface SelfCheckResult {
  /** Event-loop delay beyond the 10 ms sampling period, ms. */
  eventLoopDelayP99Ms: number;
  eventLoopDelayMaxMs: number;
  /** CPU time of runner's process (user + system) over wall time, % of one core. */
  cpuPercent: number;
  /** Share of wall time the event loop was busy (0–1), from performance.eventLoopUtilization(). */
  eventLoopUtilization: number;
  /** How late scheduled (open-model) iterations started, ms; null when nothing was scheduled. */
  lateStartsP99Ms: number | null;
  lateStartsMaxMs: number | null;
  /** Iterations started on a schedule. */
  scheduledStarts: number;
  /** Iterations dropped for want of a free VU (also totals.dropped): the schedule asked more than maxVUs could serve. */
  droppedIterations: number;
  /**
   * Garbage-collection pauses of runner's process over the whole run: how many, their sum, the longest and the
   * sum of the major (mark-sweep) ones, ms. A response that arrives during a pause is timed that much late.
   * Absent in files written before they were measured.
   */
  gcPauses?: number;
  gcPauseTotalMs?: number;
  gcPauseMaxMs?: number;
  gcPauseMajorMs?: number;
  /** True when runner was the bottleneck: the numbers describe runner, not the server. */
  saturated: boolean;
  /** Which limits were passed. */
  reasons: string[];
}
