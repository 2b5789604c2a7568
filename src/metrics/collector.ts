// Counts every finished request per request id (histograms, statuses, errors, bytes) and turns the counts into RequestResults.
import { errorKinds } from '../errors.ts';
import type { ErrorKind } from '../errors.ts';
import type { RequestResult, Totals } from '../report/result-types.ts';
import { createHistogram, mergeHistograms, recordUs, summarizeLatency } from './histogram.ts';
import type { Histogram } from './histogram.ts';
import type { TimeSeries } from './time-series.ts';
import type { MetricsSink } from './types.ts';

/** Statuses below this are counted in a fixed array; anything else (odd servers, bugs) goes to a Map. */
const STATUS_SLOTS = 600;

/** Position of each kind in `errorKinds`, looked up once per error without allocating. */
const kindIndex: Readonly<Record<string, number>> = Object.fromEntries(errorKinds.map((k, i) => [k, i]));
const OTHER_KIND_INDEX = errorKinds.indexOf('other');

export interface CollectedResults {
  /** Every request of the run: the sum of all request ids. */
  total: RequestResult;
  /** One entry per request name; ids that share a name are merged. */
  byName: Record<string, RequestResult>;
}

export interface Collector extends MetricsSink {
  /** The request names, indexed by request id (0-based); grows when register() adds one. */
  readonly requestNames: readonly string[];
  /**
   * The id of `name`, adding it when it is new (code scenarios name requests at run time). Not for the hot
   * path of a request list: those ids come from the plan. Ids of earlier names never change.
   */
  register(name: string): number;
  /** Requests finished so far (responses + errors), all ids. */
  requests(): number;
  /** Totals and latency summaries; `durationMs` is the measured duration used for rps. */
  toRequestResults(durationMs: number): CollectedResults;
  /** One RequestResult for the sum of the given request ids (e.g. one scenario's). */
  summarizeIds(ids: readonly number[], durationMs: number): RequestResult;
}

/** Indexes into `PerRequest.counters`. */
const UNEXPECTED_STATUS = 0;
const BYTES_SENT = 1;
const BYTES_RECEIVED = 2;

/** The counters of one request id. Typed arrays, so the hot path only writes numbers in place (no boxed doubles). */
interface PerRequest {
  /**
   * Responses whose latency equals their service time (every closed-model request): recorded once, here, and
   * counted in both summaries. One record instead of two on the hot path.
   */
  same: Histogram;
  /** Latency of the responses whose latency differs from their service time (open model, waited for a VU). */
  latency: Histogram;
  /** Service time of those same responses. */
  serviceTime: Histogram;
  /** Count per status code, indexed by status, for 0 ≤ status < 600. */
  statusCounts: Float64Array;
  /** Count per status code outside the fixed array. */
  otherStatusCounts: Map<number, number>;
  /** Count per ErrorKind, indexed by position in `errorKinds`. */
  errorCounts: Float64Array;
  /** [UNEXPECTED_STATUS, BYTES_SENT, BYTES_RECEIVED]. */
  counters: Float64Array;
}

function createPerRequest(): PerRequest {
  return {
    same: createHistogram(),
    latency: createHistogram(),
    serviceTime: createHistogram(),
    statusCounts: new Float64Array(STATUS_SLOTS),
    otherStatusCounts: new Map(),
    errorCounts: new Float64Array(errorKinds.length),
    counters: new Float64Array(3),
  };
}

class RunCollector implements Collector {
  readonly requestNames: string[];
  private readonly parts: PerRequest[];
  /** First id of each name. */
  private readonly ids = new Map<string, number>();
  /** [0]: requests finished, all ids. */
  private readonly total = new Float64Array(1);

  constructor(
    requestNames: readonly string[],
    private readonly series: TimeSeries | undefined,
  ) {
    this.requestNames = [...requestNames];
    this.parts = requestNames.map(createPerRequest);
    requestNames.forEach((name, id) => {
      if (!this.ids.has(name)) this.ids.set(name, id);
    });
  }

  register(name: string): number {
    let id = this.ids.get(name);
    if (id === undefined) {
      id = this.parts.length;
      this.parts.push(createPerRequest());
      this.requestNames.push(name);
      this.ids.set(name, id);
    }
    return id;
  }

  started(requestId: number, atMs?: number): void {
    this.part(requestId);
    this.series?.started(atMs);
  }

  response(
    requestId: number,
    status: number,
    latencyUs: number,
    serviceUs: number,
    bytesSent: number,
    bytesReceived: number,
    expected: boolean,
    atMs?: number,
  ): void {
    const p = this.part(requestId);
    if (latencyUs === serviceUs) recordUs(p.same, latencyUs);
    else {
      recordUs(p.latency, latencyUs);
      recordUs(p.serviceTime, serviceUs);
    }
    if (status >= 0 && status < STATUS_SLOTS && Number.isInteger(status)) p.statusCounts[status]++;
    else p.otherStatusCounts.set(status, (p.otherStatusCounts.get(status) ?? 0) + 1);
    if (!expected) p.counters[UNEXPECTED_STATUS]++;
    p.counters[BYTES_SENT] += bytesSent;
    p.counters[BYTES_RECEIVED] += bytesReceived;
    this.total[0]++;
    this.series?.finished(latencyUs, false, atMs);
  }

  error(requestId: number, kind: ErrorKind, bytesSent: number, bytesReceived: number): void {
    const p = this.part(requestId);
    // A kind outside the list (an untyped caller) still counts, as 'other', so the totals stay whole.
    p.errorCounts[kindIndex[kind] ?? OTHER_KIND_INDEX]++;
    p.counters[BYTES_SENT] += bytesSent;
    p.counters[BYTES_RECEIVED] += bytesReceived;
    this.total[0]++;
    this.series?.finished(-1, true);
  }

  requests(): number {
    return this.total[0];
  }

  toRequestResults(durationMs: number): CollectedResults {
    const byName: Record<string, RequestResult> = {};
    const groups = new Map<string, PerRequest[]>();
    this.requestNames.forEach((name, id) => {
      const group = groups.get(name);
      if (group) group.push(this.parts[id]);
      else groups.set(name, [this.parts[id]]);
    });
    const total = summarizeParts(this.parts, durationMs);
    // One name (the usual case) means that name is the total: skip summarizing (and encoding) the same data twice.
    if (groups.size === 1) for (const name of groups.keys()) byName[name] = structuredClone(total);
    else for (const [name, group] of groups) byName[name] = summarizeParts(group, durationMs);
    return { total, byName };
  }

  summarizeIds(ids: readonly number[], durationMs: number): RequestResult {
    return summarizeParts(ids.map((id) => this.part(id)), durationMs);
  }

  private part(requestId: number): PerRequest {
    const p = this.parts[requestId];
    // An unknown id is a bug in the caller: fail loudly rather than lose counts silently.
    if (p === undefined) throw new RangeError(`metrics: unknown request id ${requestId} (have ${this.parts.length})`);
    return p;
  }
}

/** One RequestResult for the sum of `parts`. */
function summarizeParts(parts: readonly PerRequest[], durationMs: number): RequestResult {
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
    latency: summarizeLatency(mergeHistograms(parts.flatMap((p) => [p.same, p.latency]))),
    serviceTime: summarizeLatency(mergeHistograms(parts.flatMap((p) => [p.same, p.serviceTime]))),
  };
}

/** A collector for the run's requests; `requestNames[id]` names request id `id`. `series` also gets every request. */
export function createCollector(requestNames: readonly string[], series?: TimeSeries): Collector {
  return new RunCollector(requestNames, series);
}
