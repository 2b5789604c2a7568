// The versioned result file (`--out result.json`): the data every report, compare and export reads.

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
}

export interface RequestResult {
  totals: Totals;
  latency: LatencySummary;
  serviceTime: LatencySummary;
}

export interface RunResult extends RequestResult {
  version: 1;
  /** runner's own version. */
  runner: string;
  scenario: { name: string; file: string; seed: number };
  target?: string;
  startedAt: string;
  durationMs: number;
  /** How the run ended. */
  outcome: 'completed' | 'interrupted' | 'aborted';
  iterations: { started: number; completed: number; failed: number; dropped: number; aborted: number };
  requests: Record<string, RequestResult>;
  checks: Record<string, { passes: number; fails: number }>;
  /** Exceptions thrown by scenario code that failed iterations: the first distinct messages, with counts. */
  iterationErrors?: { message: string; count: number; location?: string }[];
  /** Notes the summary must show (e.g. TLS verification off). */
  warnings: string[];
}
