// The counters of one request id over some span (one second, or the whole run): histograms, statuses, errors,
// bytes. Recorded into on the hot path, added together off it, summarized into a RequestResult at the end.
import { errorKinds } from '../errors.ts';
import type { LatencySummary, RequestResult, Totals } from '../result/types.ts';
import { createGrowingHistogram, mergeHistograms, recordUs, summarizeLatency } from './histogram.ts';
import { addHistogram } from './histogram-walk.ts';
import type { Histogram } from './histogram.ts';
import type { HttpSample } from './sample.ts';

/** Statuses below this are counted in a fixed array; anything else (odd servers, bugs) goes to a Map. */
const STATUS_SLOTS = 600;

/** Position of each kind in `errorKinds`, looked up once per error without allocating. */
const kindIndex: Readonly<Record<string, number>> = Object.fromEntries(errorKinds.map((k, i) => [k, i]));
const OTHER_KIND_INDEX = errorKinds.indexOf('other');

/** Indexes into `RequestCounts.counters`. */
const UNEXPECTED_STATUS = 0;
const BYTES_SENT = 1;
const BYTES_RECEIVED = 2;
const REQUESTS = 3;

/** Typed arrays, so the hot path only writes numbers in place (no boxed doubles). */
export interface RequestCounts {
  /**
   * Responses whose latency equals their service time (every closed-model request): recorded once, here, and
   * counted in both summaries. Histograms are created on first record (~16–90 KB each).
   */
  same: Histogram | null;
  /** Latency of the responses whose latency differs from their service time (open model, waited for a VU). */
  latency: Histogram | null;
  /** Service time of those same responses. */
  serviceTime: Histogram | null;
  /** Count per status code, indexed by status, for 0 ≤ status < 600. */
  statusCounts: Float64Array;
  /** Count per status code outside the fixed array. */
  otherStatusCounts: Map<number, number>;
  /** Count per ErrorKind, indexed by position in `errorKinds`. */
  errorCounts: Float64Array;
  /** [UNEXPECTED_STATUS, BYTES_SENT, BYTES_RECEIVED, REQUESTS]. */
  counters: Float64Array;
}

export function createRequestCounts(): RequestCounts {
  return {
    same: null,
    latency: null,
    serviceTime: null,
    statusCounts: new Float64Array(STATUS_SLOTS),
    otherStatusCounts: new Map(),
    errorCounts: new Float64Array(errorKinds.length),
    counters: new Float64Array(4),
  };
}

/** Records one finished request: the run's one histogram record per request (two in the open model). */
export function recordSample(p: RequestCounts, s: HttpSample): void {
  if (s.error !== null) {
    // A kind outside the list (an untyped caller) still counts, as 'other', so the totals stay whole.
    p.errorCounts[kindIndex[s.error] ?? OTHER_KIND_INDEX]++;
  } else {
    const latencyUs = s.latencyUs;
    // Equal values go to `same`, unless this span already keeps the pair (open model): one histogram less. (A
    // reused span keeps its emptied histograms: an empty pair is no pair.)
    if (latencyUs === s.serviceUs && (p.latency === null || p.latency.totalCount === 0)) recordUs((p.same ??= createGrowingHistogram()), latencyUs);
    else {
      recordUs((p.latency ??= createGrowingHistogram()), latencyUs);
      recordUs((p.serviceTime ??= createGrowingHistogram()), s.serviceUs);
    }
    const status = s.status;
    if (status >= 0 && status < STATUS_SLOTS && Number.isInteger(status)) p.statusCounts[status]++;
    else p.otherStatusCounts.set(status, (p.otherStatusCounts.get(status) ?? 0) + 1);
    if (!s.expected) p.counters[UNEXPECTED_STATUS]++;
  }
  p.counters[BYTES_SENT] += s.bytesSent;
  p.counters[BYTES_RECEIVED] += s.bytesReceived;
  p.counters[REQUESTS]++;
}

/** Adds `src` into `dst` exactly (histograms bucket by bucket). */
export function addRequestCounts(dst: RequestCounts, src: RequestCounts): void {
  if (src.same !== null && src.same.totalCount > 0) addHistogram((dst.same ??= createGrowingHistogram()), src.same);
  if (src.latency !== null && src.latency.totalCount > 0) addHistogram((dst.latency ??= createGrowingHistogram()), src.latency);
  if (src.serviceTime !== null && src.serviceTime.totalCount > 0) addHistogram((dst.serviceTime ??= createGrowingHistogram()), src.serviceTime);
  const s = src.statusCounts;
  const d = dst.statusCounts;
  for (let i = 0; i < STATUS_SLOTS; i++) if (s[i] !== 0) d[i] += s[i];
  for (const [status, n] of src.otherStatusCounts) dst.otherStatusCounts.set(status, (dst.otherStatusCounts.get(status) ?? 0) + n);
  for (let i = 0; i < src.errorCounts.length; i++) dst.errorCounts[i] += src.errorCounts[i];
  for (let i = 0; i < src.counters.length; i++) dst.counters[i] += src.counters[i];
}

/** Empties `p` for reuse; histograms are kept (reset), so a reused span allocates nothing. */
export function resetRequestCounts(p: RequestCounts): void {
  p.same?.reset();
  p.latency?.reset();
  p.serviceTime?.reset();
  p.statusCounts.fill(0);
  p.otherStatusCounts.clear();
  p.errorCounts.fill(0);
  p.counters.fill(0);
}

/** Requests (responses + errors) counted in `p`. */
export function requestsIn(p: RequestCounts): number {
  return p.counters[REQUESTS];
}

/** Requests in `p` that got no complete response. */
export function errorsIn(p: RequestCounts): number {
  let n = 0;
  for (let i = 0; i < p.errorCounts.length; i++) n += p.errorCounts[i];
  return n;
}

/** Adds `p`'s responses by status class into `classes` (index 1 = 1xx … 5xx, 0 = anything else). */
export function addStatusClasses(p: RequestCounts, classes: Float64Array): void {
  const s = p.statusCounts;
  for (let i = 0; i < STATUS_SLOTS; i++) {
    if (s[i] === 0) continue;
    const cls = (i / 100) | 0;
    classes[cls >= 1 && cls <= 5 ? cls : 0] += s[i];
  }
  for (const n of p.otherStatusCounts.values()) classes[0] += n;
}

/**
 * The sum of the histograms that exist (they are created on first record). One histogram is summarized as it
 * is, not copied: with a thousand names, the copies (~90 KB each) made the end of a run peak ~200 MB higher.
 */
function summarizePresent(list: (Histogram | null)[]): LatencySummary {
  const present = list.filter((h): h is Histogram => h !== null && h.totalCount > 0);
  return summarizeLatency(present.length === 1 ? present[0] : mergeHistograms(present));
}

/** Latency (`which` = 'latency') or service time of `parts` together, as one new or existing histogram. */
export function histogramOf(parts: readonly RequestCounts[], which: 'latency' | 'serviceTime'): Histogram | null {
  const present = parts.flatMap((p) => [p.same, p[which]]).filter((h): h is Histogram => h !== null && h.totalCount > 0);
  if (present.length === 0) return null;
  return present.length === 1 ? present[0] : mergeHistograms(present);
}

/** One RequestResult for the sum of `parts`; rps over `durationMs`. */
export function summarizeRequestCounts(parts: readonly RequestCounts[], durationMs: number): RequestResult {
  const statusCounts = new Map<number, number>();
  const errorCounts = new Float64Array(errorKinds.length);
  let unexpectedStatus = 0;
  let bytesSent = 0;
  let bytesReceived = 0;
  for (const p of parts) {
    p.statusCounts.forEach((n, status) => {
      if (n > 0) statusCounts.set(status, (statusCounts.get(status) ?? 0) + n);
    });
    for (const [status, n] of p.otherStatusCounts) statusCounts.set(status, (statusCounts.get(status) ?? 0) + n);
    p.errorCounts.forEach((n, i) => (errorCounts[i] += n));
    unexpectedStatus += p.counters[UNEXPECTED_STATUS];
    bytesSent += p.counters[BYTES_SENT];
    bytesReceived += p.counters[BYTES_RECEIVED];
  }
  const byStatus: Record<string, number> = {};
  let responses = 0;
  for (const status of [...statusCounts.keys()].sort((a, b) => a - b)) {
    const n = statusCounts.get(status) ?? 0;
    byStatus[String(status)] = n;
    responses += n;
  }
  const errors: Record<string, number> = {};
  let failed = 0;
  errorKinds.forEach((kind, i) => {
    if (errorCounts[i] > 0) errors[kind] = errorCounts[i];
    failed += errorCounts[i];
  });
  const requests = responses + failed;
  const totals: Totals = {
    requests,
    byStatus,
    errors,
    unexpectedStatus,
    bytesSent,
    bytesReceived,
    rps: durationMs > 0 ? Math.round((requests / (durationMs / 1000)) * 1000) / 1000 : 0,
  };
  return {
    totals,
    latency: summarizePresent(parts.flatMap((p) => [p.same, p.latency])),
    serviceTime: summarizePresent(parts.flatMap((p) => [p.same, p.serviceTime])),
  };
}
