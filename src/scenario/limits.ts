// The one table of input bounds. Past these a value is a mistake or an attack, not a load test: a billion
// VUs allocate until Node dies, a rate of 1e15/s keeps the event loop from ever seeing Ctrl-C, and a timer
// past 2^31-1 ms fires after 1 ms. Every scenario key, TS `defineScenario` value and CLI flag is checked
// against this table at load time. The bounds are generous: far above what one Node process can drive.

/** Node's setTimeout limit (≈ 24.8 days): a longer delay is silently replaced by 1 ms. */
export const NODE_TIMER_MAX_MS = 2 ** 31 - 1;

export const LIMITS = {
  /** VUs of one scenario at once: vus, startVUs, preAllocatedVUs, maxVUs, ramping-vus stage targets, --vus. */
  vus: 100_000,
  /** Iterations of one scenario (shared-iterations), or per VU (per-vu-iterations); --iterations. */
  iterations: 1_000_000_000,
  /** Iterations started per second by an arrival-rate executor (rate / timeUnit, startRate, stage targets), --rate. */
  ratePerSec: 1_000_000,
  /**
   * Any duration: duration, maxDuration, startTime, gracefulStop, gracefulRampDown, timeUnit, each stage,
   * think (each end of a range), delayAbortEval; --duration, each --stages step. 7 days (a long soak).
   */
  durationMs: 7 * 24 * 3_600_000,
  /** A request timeout (http.timeout, a request's timeout, --timeout): undici's own timers must stay below Node's limit. */
  timeoutMs: 3_600_000,
  /** http.connections and --connections: sockets per origin. */
  connections: 100_000,
  /** http.pipelining: requests in flight per socket. */
  pipelining: 100,
  /** http.maxRedirects. */
  maxRedirects: 100,
  /** http.maxCaptureSize, bytes: a response body buffered for a capture (per request in flight). */
  captureBytes: 64 * 1024 * 1024,
  /** A scenario file (YAML or TS) or a body template file, bytes; it must also be a regular file. */
  fileBytes: 10 * 1024 * 1024,
  /** A `.csv` or `.jsonl` data file, bytes: read as a stream into one compact table shared by every VU. */
  dataFileBytes: 1024 * 1024 * 1024,
  /** A `.json` data file (one array) is parsed whole, several times its size in memory while it loads. */
  jsonDataFileBytes: 64 * 1024 * 1024,
} as const;

/** "100,000": numbers in messages, the way the README writes them. */
export function formatLimit(n: number): string {
  return n.toLocaleString('en-US');
}

/** "168h", "1h": a duration limit the way a user would write it (durations have no day unit). */
export function formatLimitMs(ms: number): string {
  return ms % 3_600_000 === 0 ? `${ms / 3_600_000}h` : `${ms}ms`;
}

/** "10 MiB". */
export function formatBytes(n: number): string {
  return n % (1024 * 1024) === 0 ? `${n / (1024 * 1024)} MiB` : `${formatLimit(n)} bytes`;
}
