// Counts every finished request per request id (histograms, statuses, errors, bytes) and turns the counts into RequestResults.
import { errorKinds } from '../errors.ts';
import type { LatencySummary, RequestResult, Totals } from '../result/types.ts';
import { FoldedNameCount } from './folded-name-count.ts';
import { createGrowingHistogram, mergeHistograms, recordUs, summarizeLatency } from './histogram.ts';
import type { Histogram } from './histogram.ts';
import type { TimeSeries } from './time-series.ts';
import type { Sample } from './sample.ts';
import type { MetricsSink } from './types.ts';

/** Statuses below this are counted in a fixed array; anything else (odd servers, bugs) goes to a Map. */
const STATUS_SLOTS = 600;

/**
 * Most request ids register() creates (names learned at run time). Each id costs ~5 KB of counters plus ~90 KB per
 * histogram it records into; a script that puts ids in URLs would otherwise invent names until memory runs out.
 */
export const MAX_REQUEST_NAMES = 1000;
/** The name the requests of names past the cap are counted under. */
export const OTHER_NAME = '(other)';

/** Position of each kind in `errorKinds`, looked up once per error without allocating. */
const kindIndex: Readonly<Record<string, number>> = Object.fromEntries(errorKinds.map((k, i) => [k, i]));
const OTHER_KIND_INDEX = errorKinds.indexOf('other');

export interface CollectedResults {
  /** Every request of the run: the sum of all request ids. */
  total: RequestResult;
  /** One entry per request name; ids that share a name are merged. */
  byName: Record<string, RequestResult>;
}

/** Names register() did not give an id of their own (past MAX_REQUEST_NAMES): counted under OTHER_NAME. */
export interface FoldedNames {
  /** Distinct names folded (a lower bound when `atLeast`). */
  names: number;
  atLeast: boolean;
  /** Requests counted under OTHER_NAME. */
  requests: number;
}

export interface Collector extends MetricsSink {
  /** The request names, indexed by request id (0-based); grows when register() adds one. */
  readonly requestNames: readonly string[];
  /**
   * The id of `name` within `scope` (a scenario's name; '' for the plan's own names and setup/teardown), adding
   * it when it is new: code scenarios name requests at run time. The same name in two scopes gets two ids that
   * share the name, so each scenario's table holds only its own requests. Past MAX_REQUEST_NAMES ids, a new
   * name gets the scope's OTHER_NAME id. Ids of earlier names never change.
   */
  register(name: string, scope?: string): number;
  /** The ids register() gave in `scope`, in order (OTHER_NAME included). */
  idsIn(scope: string): number[];
  /** What the cap folded; undefined when nothing was. */
  folded(): FoldedNames | undefined;
  /** Requests finished so far (responses + errors), all ids. */
  requests(): number;
  /** Totals and latency summaries; `durationMs` is the measured duration used for rps. */
  toRequestResults(durationMs: number): CollectedResults;
  /** One RequestResult for the sum of the given request ids (e.g. one scenario's). */
  summarizeIds(ids: readonly number[], durationMs: number): RequestResult;
  /**
   * Like toRequestResults, but `byName` holds only `names` (those that exist): what the live threshold watch
   * needs each second, without summarizing (and encoding) every one of up to a thousand names.
   */
  summarizeNames(names: readonly string[], durationMs: number): CollectedResults;
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
   * The histograms are created on first record (~90 KB each): a closed-model name needs only this one.
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
  /** [UNEXPECTED_STATUS, BYTES_SENT, BYTES_RECEIVED]. */
  counters: Float64Array;
}

function createPerRequest(): PerRequest {
  return {
    same: null,
    latency: null,
    serviceTime: null,
    statusCounts: new Float64Array(STATUS_SLOTS),
    otherStatusCounts: new Map(),
    errorCounts: new Float64Array(errorKinds.length),
    counters: new Float64Array(3),
  };
}

class RunCollector implements Collector {
  readonly requestNames: string[];
  private readonly parts: PerRequest[];
  /** Scope → name → first id of that name in the scope. */
  private readonly scopes = new Map<string, Map<string, number>>();
  /** Scope → ids register() gave there (the plan's own ids are not listed). */
  private readonly scopeIds = new Map<string, number[]>();
  /** Names folded into OTHER_NAME, counted for the warning. */
  private readonly foldedNames = new FoldedNameCount();
  /** [0]: requests finished, all ids. */
  private readonly total = new Float64Array(1);

  constructor(
    requestNames: readonly string[],
    private readonly series: TimeSeries | undefined,
  ) {
    this.requestNames = [...requestNames];
    this.parts = requestNames.map(createPerRequest);
    const plan = new Map<string, number>();
    requestNames.forEach((name, id) => {
      if (!plan.has(name)) plan.set(name, id);
    });
    this.scopes.set('', plan);
  }

  register(name: string, scope = ''): number {
    let names = this.scopes.get(scope);
    if (names === undefined) this.scopes.set(scope, (names = new Map()));
    const known = names.get(name);
    if (known !== undefined) return known;
    if (this.parts.length < MAX_REQUEST_NAMES || name === OTHER_NAME) return this.add(name, scope, names);
    this.foldedNames.add(name);
    // The name itself is not kept in `names`: that map stays bounded too (a folded name pays this path each time).
    return names.get(OTHER_NAME) ?? this.add(OTHER_NAME, scope, names);
  }

  idsIn(scope: string): number[] {
    return [...(this.scopeIds.get(scope) ?? [])];
  }

  folded(): FoldedNames | undefined {
    if (this.foldedNames.count === 0) return undefined;
    let requests = 0;
    this.requestNames.forEach((name, id) => {
      if (name === OTHER_NAME) requests += countOf(this.parts[id]);
    });
    return { names: this.foldedNames.count, atLeast: this.foldedNames.atLeast, requests };
  }

  private add(name: string, scope: string, names: Map<string, number>): number {
    const id = this.parts.length;
    this.parts.push(createPerRequest());
    this.requestNames.push(name);
    names.set(name, id);
    let list = this.scopeIds.get(scope);
    if (list === undefined) this.scopeIds.set(scope, (list = []));
    list.push(id);
    return id;
  }

  started(requestId: number, atMs?: number): void {
    this.part(requestId);
    this.series?.started(atMs);
  }

  record(s: Sample): void {
    if (s.kind !== 'http') return;
    const p = this.part(s.requestId);
    if (s.error !== null) {
      // A kind outside the list (an untyped caller) still counts, as 'other', so the totals stay whole.
      p.errorCounts[kindIndex[s.error] ?? OTHER_KIND_INDEX]++;
    } else {
      const latencyUs = s.latencyUs;
      // Equal values go to `same`, unless this id already keeps the pair (open model): one histogram less per name.
      if (latencyUs === s.serviceUs && p.latency === null) recordUs((p.same ??= createGrowingHistogram()), latencyUs);
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
    this.total[0]++;
    this.series?.finished(s.error === null ? s.latencyUs : -1, s.error !== null, s.atMs);
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
    // defineProperty, not `byName[name] =`: a request named `__proto__` would set the prototype and vanish.
    const put = (name: string, r: RequestResult): void => void Object.defineProperty(byName, name, { value: r, enumerable: true, writable: true, configurable: true });
    if (groups.size === 1) for (const name of groups.keys()) put(name, structuredClone(total));
    else for (const [name, group] of groups) put(name, summarizeParts(group, durationMs));
    return { total, byName };
  }

  summarizeNames(names: readonly string[], durationMs: number): CollectedResults {
    const byName: Record<string, RequestResult> = {};
    for (const name of new Set(names)) {
      const ids: number[] = [];
      this.requestNames.forEach((n, id) => {
        if (n === name) ids.push(id);
      });
      if (ids.length > 0) Object.defineProperty(byName, name, { value: this.summarizeIds(ids, durationMs), enumerable: true, writable: true, configurable: true });
    }
    return { total: summarizeParts(this.parts, durationMs), byName };
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

/** Requests (responses + errors) counted in `p`. */
function countOf(p: PerRequest): number {
  let n = 0;
  p.statusCounts.forEach((c) => (n += c));
  for (const c of p.otherStatusCounts.values()) n += c;
  p.errorCounts.forEach((c) => (n += c));
  return n;
}

/**
 * The sum of the histograms that exist (they are created on first record). One histogram is summarized as it
 * is, not copied: with a thousand names, the copies (~90 KB each) made the end of a run peak ~200 MB higher.
 */
function summarizePresent(list: (Histogram | null)[]): LatencySummary {
  const present = list.filter((h): h is Histogram => h !== null);
  return summarizeLatency(present.length === 1 ? present[0] : mergeHistograms(present));
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
    latency: summarizePresent(parts.flatMap((p) => [p.same, p.latency])),
    serviceTime: summarizePresent(parts.flatMap((p) => [p.same, p.serviceTime])),
  };
}

/** A collector for the run's requests; `requestNames[id]` names request id `id`. `series` also gets every request. */
export function createCollector(requestNames: readonly string[], series?: TimeSeries): Collector {
  return new RunCollector(requestNames, series);
}
