// Seconds that cross a thread boundary: a worker thread turns each closed second into a plain, cloneable
// snapshot (histograms encoded as in the result file) and posts it; the main thread merges the workers'
// snapshots of the same second exactly and adds the sum to its collector (Collector.addSecond), which feeds
// the totals, the time series, live progress, thresholds and every output as in a run without workers.
import { errorKinds } from '../errors.ts';
import { decodeHistogram, encodeHistogram } from './histogram.ts';
import { addRequestCounts, createRequestCounts, requestsIn, type RequestCounts } from './request-counts.ts';
import type { ForeignSecond, SecondTotals, SecondView } from './seconds.ts';

/** One request id's counters in one second, encoded. */
export interface CountsSnapshot {
  id: number;
  /** Encoded histograms (µs), as `latency.hdr`; absent when empty. */
  same?: string;
  latency?: string;
  serviceTime?: string;
  /** [status, count] pairs. */
  statuses: [number, number][];
  /** [error kind, count] pairs. */
  errors: [string, number][];
  /** [unexpected status, bytes sent, bytes received, requests]. */
  counters: number[];
}

/** One closed second of one thread, fit for postMessage (plain data, ~1 KB plus histograms). */
export interface SecondSnapshot extends SecondTotals {
  requests: CountsSnapshot[];
  /**
   * [id, name, scope] of the ids this thread made since its previous snapshot (code scenarios name requests at
   * run time, and each thread numbers them itself): the receiver maps them to its own ids before merging.
   */
  names?: [number, string, string][];
  /**
   * [check name, passes, fails] added since this thread's previous snapshot, for the checks that changed: the
   * main thread keeps the run's checks by name live (progress, outputs, an abortOnFail threshold on `checks`).
   */
  checks?: [string, number, number][];
  /**
   * The thread's iteration counters when the second closed: the main thread reads them with the merged second
   * (the outputs' last batch must have the final counts, which a separate message could bring too late).
   */
  iterations?: { started: number; completed: number; failed: number; dropped: number; aborted: number };
  /** The thread's WebSocket counters so far (Run.wsCounts), once it opened one: the outputs read their sum. */
  ws?: { opened: number; failed: number; open: number; sent: number; received: number; delivered: number; lost: number };
}

/** Cumulative passes and fails by check name, as Checks.toJSON() gives them. */
export type CheckCounts = Record<string, { passes: number; fails: number }>;

/**
 * What changed in `read()` (a thread's cumulative checks) since the previous call, as a snapshot's `checks`;
 * undefined when nothing did. Called once per closed second, off the hot path.
 */
export function createCheckDeltas(read: () => CheckCounts): () => [string, number, number][] | undefined {
  const sent = new Map<string, { passes: number; fails: number }>();
  return () => {
    let out: [string, number, number][] | undefined;
    for (const [name, c] of Object.entries(read())) {
      const before = sent.get(name) ?? { passes: 0, fails: 0 };
      if (c.passes === before.passes && c.fails === before.fails) continue;
      (out ??= []).push([name, c.passes - before.passes, c.fails - before.fails]);
      sent.set(name, { passes: c.passes, fails: c.fails });
    }
    return out;
  };
}

/** Adds a snapshot's check deltas into `into` (the run's checks by name, across threads). */
export function addCheckDeltas(into: CheckCounts, deltas: readonly [string, number, number][] | undefined): void {
  for (const [name, passes, fails] of deltas ?? []) {
    const c = Object.hasOwn(into, name) ? into[name] : undefined;
    if (c) {
      c.passes += passes;
      c.fails += fails;
      // defineProperty: a check named `__proto__` would otherwise set the prototype and vanish.
    } else Object.defineProperty(into, name, { value: { passes, fails }, enumerable: true, writable: true, configurable: true });
  }
}

export function encodeCounts(id: number, p: RequestCounts): CountsSnapshot {
  const out: CountsSnapshot = { id, statuses: [], errors: [], counters: Array.from(p.counters) };
  if (p.same !== null && p.same.totalCount > 0) out.same = encodeHistogram(p.same);
  if (p.latency !== null && p.latency.totalCount > 0) out.latency = encodeHistogram(p.latency);
  if (p.serviceTime !== null && p.serviceTime.totalCount > 0) out.serviceTime = encodeHistogram(p.serviceTime);
  p.statusCounts.forEach((n, status) => {
    if (n > 0) out.statuses.push([status, n]);
  });
  for (const [status, n] of p.otherStatusCounts) out.statuses.push([status, n]);
  p.errorCounts.forEach((n, i) => {
    if (n > 0) out.errors.push([errorKinds[i], n]);
  });
  return out;
}

/** The inverse of encodeCounts; throws on a damaged histogram. */
export function decodeCounts(e: CountsSnapshot): RequestCounts {
  const p = createRequestCounts();
  if (e.same !== undefined) p.same = decodeHistogram(e.same);
  if (e.latency !== undefined) p.latency = decodeHistogram(e.latency);
  if (e.serviceTime !== undefined) p.serviceTime = decodeHistogram(e.serviceTime);
  for (const [status, n] of e.statuses) {
    if (status >= 0 && status < p.statusCounts.length && Number.isInteger(status)) p.statusCounts[status] += n;
    else p.otherStatusCounts.set(status, (p.otherStatusCounts.get(status) ?? 0) + n);
  }
  for (const [kind, n] of e.errors) {
    const i = errorKinds.indexOf(kind as (typeof errorKinds)[number]);
    p.errorCounts[i === -1 ? errorKinds.indexOf('other') : i] += n;
  }
  e.counters.forEach((n, i) => (p.counters[i] = n));
  return p;
}

/** A closed second (a SecondListener's view) as a snapshot: call it from the listener, where the view is valid. */
export function snapshotSecond(v: SecondView): SecondSnapshot {
  const requests: CountsSnapshot[] = [];
  for (const id of v.ids) {
    const p = v.countsOf(id);
    if (p !== undefined) requests.push(encodeCounts(id, p));
  }
  return {
    t: v.t,
    endMs: v.endMs,
    started: v.started,
    dropped: v.dropped,
    iterationsStarted: v.iterationsStarted,
    checksPassed: v.checksPassed,
    checksFailed: v.checksFailed,
    activeVus: v.activeVus,
    requests,
  };
}

/** The exact sum of snapshots of the same second (one per thread): counts added, histograms added bucket by bucket. */
export function mergeSecondSnapshots(list: readonly SecondSnapshot[]): ForeignSecond {
  const parts = new Map<number, RequestCounts>();
  const out: ForeignSecond = { t: list[0]?.t ?? 0, endMs: 0, parts, started: 0, dropped: 0, iterationsStarted: 0, checksPassed: 0, checksFailed: 0, activeVus: 0 };
  for (const s of list) {
    out.endMs = Math.max(out.endMs, s.endMs);
    out.started += s.started;
    out.dropped += s.dropped;
    out.iterationsStarted += s.iterationsStarted;
    out.checksPassed += s.checksPassed;
    out.checksFailed += s.checksFailed;
    out.activeVus += s.activeVus;
    for (const e of s.requests) {
      const counts = decodeCounts(e);
      const into = parts.get(e.id);
      if (into === undefined) parts.set(e.id, counts);
      else addRequestCounts(into, counts);
    }
  }
  for (const [id, p] of parts) if (requestsIn(p) === 0 && p.same === null && p.latency === null) parts.delete(id);
  return out;
}

/**
 * Lines up the seconds of `sources` threads: `add(i, snapshot)` as each arrives, `end(i)` when thread i is done.
 * Second t is merged and given to `emit` (e.g. `collector.addSecond`) once every thread still running has sent
 * a second ≥ t; what ended threads never sent counts as empty. Seconds come out in order, each once.
 */
export function createSecondMerger(sources: number, emit: (second: ForeignSecond) => void): { add(source: number, s: SecondSnapshot): void; end(source: number): void } {
  const pending = new Map<number, SecondSnapshot[]>();
  /** Highest t each source has sent; Infinity once it ended. */
  const reached: number[] = Array.from({ length: sources }, () => -1);
  let next = 0;
  const drain = (): void => {
    const upTo = Math.min(...reached);
    const last = Number.isFinite(upTo) ? upTo : Math.max(-1, ...pending.keys());
    for (; next <= last; next++) {
      const list = pending.get(next);
      pending.delete(next);
      if (list !== undefined) emit(mergeSecondSnapshots(list));
    }
  };
  return {
    add(source, s) {
      let list = pending.get(s.t);
      if (list === undefined) pending.set(s.t, (list = []));
      list.push(s);
      reached[source] = Math.max(reached[source], s.t);
      drain();
    },
    end(source) {
      reached[source] = Infinity;
      drain();
    },
  };
}
