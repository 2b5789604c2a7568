// The run's one record per request: each finished request goes into the counters of its request id in the
// current second (on the run clock). Seconds are closed as time passes and handed, off the hot path, to whoever
// reads them: the run's totals (folded in exactly), the per-second series of the result file, live progress,
// the HDR interval log, worker threads. Closed seconds are reused (a pool), so a tick allocates nothing.
import { createHistogram, type Histogram } from './histogram.ts';
import { addHistogram } from './histogram-walk.ts';
import { addRequestCounts, addStatusClasses, createRequestCounts, errorsIn, recordSample, requestsIn, resetRequestCounts, type RequestCounts } from './request-counts.ts';
import type { HttpSample } from './sample.ts';

const SECOND_MS = 1000;

/** Indexes into the run gauges a second keeps (RunGauges fills them). */
export const ITERATIONS_STARTED = 0;
export const CHECKS_PASSED = 1;
export const CHECKS_FAILED = 2;
export const ACTIVE_VUS = 3;
const GAUGES = 4;

/**
 * Writes the run's cumulative counters into `out`: [iterations started, checks passed, checks failed, active VUs
 * now]. Read once per second, when a second closes; the per-second values are the differences.
 */
export type RunGauges = (out: Float64Array) => void;

/** A closed second, as listeners see it. Everything in it is valid only during the call (buffers are reused). */
export interface SecondView {
  /** 0-based second since the run's start; this second covers [t, t+1) s, the last one may be shorter. */
  readonly t: number;
  /** Its span on the run clock, ms since the start. */
  readonly startMs: number;
  readonly endMs: number;
  /** Requests that ended in it (responses + errors). */
  readonly requests: number;
  /** Of which ended without a complete response. */
  readonly errors: number;
  /** Requests handed to the pool in it. */
  readonly started: number;
  /** Iterations dropped in it for want of a free VU. */
  readonly dropped: number;
  readonly iterationsStarted: number;
  readonly checksPassed: number;
  readonly checksFailed: number;
  /** VUs inside an iteration when it closed. */
  readonly activeVus: number;
  /** Responses in it by status class: index 1 = 1xx … 5xx, 0 = anything else. */
  readonly statusClasses: Float64Array;
  /** Latency (µs) of all responses that ended in it. */
  readonly latency: Histogram;
  /** Service time (µs) of the same responses: the `latency` histogram itself when serviceDiffers is false. */
  readonly serviceTime: Histogram;
  /** False when every response's service time equaled its latency (closed model): `serviceTime` = `latency`. */
  readonly serviceDiffers: boolean;
  /** Request ids with a sample in it. */
  readonly ids: readonly number[];
  /** The counters of id `id` in it; undefined when it had no sample. */
  countsOf(id: number): RequestCounts | undefined;
}

interface Buffer {
  t: number;
  endMs: number;
  /** By request id; sparse, created on first use and kept for reuse. */
  parts: (RequestCounts | undefined)[];
  /** Ids recorded into in this second, in first-use order. */
  touched: number[];
  /** [started, dropped]. */
  counts: Float64Array;
  /** Cumulative run gauges when it closed. */
  gauges: Float64Array;
}

function createBuffer(): Buffer {
  return { t: 0, endMs: 0, parts: [], touched: [], counts: new Float64Array(2), gauges: new Float64Array(GAUGES) };
}

export type SecondListener = (second: SecondView) => void;

/** A second recorded elsewhere (a worker thread), decoded (snapshot.ts): what `inject` takes. */
/** A second's run-wide counts and gauges, beside its per-request counters. */
export interface SecondTotals {
  t: number;
  /** End of the second on the run clock, ms since the start (shorter than t+1 s for the last one). */
  endMs: number;
  started: number;
  dropped: number;
  iterationsStarted: number;
  checksPassed: number;
  checksFailed: number;
  activeVus: number;
}

export interface ForeignSecond extends SecondTotals {
  /** Counters by request id. */
  parts: Map<number, RequestCounts>;
}

/**
 * The per-second recorder. `total[id]` receives every closed second (the run's totals); `now` is the run clock
 * (ms). Listeners get each closed second in order, gaps included (as empty seconds), from `flush()`.
 */
export class Seconds {
  private current = createBuffer();
  /** Closed, not yet handed out. */
  private readonly closed: Buffer[] = [];
  private readonly free: Buffer[] = [];
  private readonly listeners: SecondListener[] = [];
  private originMs: number;
  /** The last second handed out; -1 before the first. */
  private lastT = -1;
  private readonly previousGauges = new Float64Array(GAUGES);
  private readonly view: MutableView;
  private finished = false;
  /** Seconds come from inject() (worker threads): this recorder's own buffers are not handed out. */
  private foreign = false;

  constructor(
    private readonly total: RequestCounts[],
    private readonly now: () => number,
    private gauges: RunGauges | undefined,
  ) {
    this.originMs = now();
    this.view = new MutableView();
  }

  /** Second 0 starts now: what was recorded before counts in second 0. `gauges` are read as seconds close. */
  begin(gauges?: RunGauges): void {
    this.originMs = this.now();
    if (gauges) this.gauges = gauges;
    this.gauges?.(this.previousGauges);
  }

  listen(listener: SecondListener): void {
    this.listeners.push(listener);
  }

  /** The counters of `id` in the current second (the hot path). */
  record(s: HttpSample): void {
    const b = this.at(s.atMs);
    const id = s.requestId;
    const p = b.parts[id] ?? (b.parts[id] = createRequestCounts());
    // Parts are emptied when their second is handed out: an empty one is this id's first sample in the second.
    if (requestsIn(p) === 0) b.touched.push(id);
    recordSample(p, s);
  }

  started(atMs: number | undefined): void {
    this.at(atMs ?? this.now()).counts[0]++;
  }

  dropped(count: number): void {
    this.at(this.now()).counts[1] += count;
  }

  /**
   * The counters not yet folded into `total`, for id `id`: the open second and closed ones not yet flushed. A
   * summary at any moment is `total[id]` plus these.
   */
  pendingOf(id: number): RequestCounts[] {
    const out: RequestCounts[] = [];
    for (const b of this.closed) {
      const p = b.parts[id];
      if (p !== undefined && requestsIn(p) > 0) out.push(p);
    }
    const p = this.current.parts[id];
    if (p !== undefined && requestsIn(p) > 0) out.push(p);
    return out;
  }

  /** Closes the seconds that have passed, folds them into the totals and hands them to the listeners. */
  flush(): void {
    if (this.foreign) return;
    if (!this.finished) this.at(this.now());
    while (this.closed.length > 0) this.handOut(this.closed.shift() as Buffer);
  }

  /** Closes the current (partial) second at `endMs` on the run clock and flushes everything. Later records are lost. */
  finish(): void {
    if (this.finished) return;
    if (this.foreign) {
      this.finished = true;
      return;
    }
    this.flush();
    const b = this.current;
    b.endMs = Math.max(b.t * SECOND_MS, this.now() - this.originMs);
    this.closeGauges(b);
    this.finished = true;
    this.handOut(b);
    this.current = createBuffer();
    this.current.t = Number.MAX_SAFE_INTEGER;
  }

  /** The buffer of the second `atMs` falls in: closes the current one when that second has passed. */
  private at(atMs: number): Buffer {
    const t = Math.floor((atMs - this.originMs) / SECOND_MS);
    const b = this.current;
    // Earlier than the current second (a clock read before it turned): counted in the current one.
    if (t <= b.t) return b;
    b.endMs = (b.t + 1) * SECOND_MS;
    this.closeGauges(b);
    this.closed.push(b);
    const next = this.free.pop() ?? createBuffer();
    next.t = t;
    this.current = next;
    return next;
  }

  /**
   * A second recorded elsewhere (worker threads, merged by t): folded into the totals and handed to the
   * listeners like one of this recorder's own. Seconds must come in order of `t`; this recorder then records
   * nothing itself (the main thread of a run with workers sends no request).
   */
  inject(second: ForeignSecond): void {
    this.foreign = true;
    const b = this.free.pop() ?? createBuffer();
    b.t = second.t;
    b.endMs = second.endMs;
    for (const [id, counts] of second.parts) {
      const p = b.parts[id] ?? (b.parts[id] = createRequestCounts());
      if (requestsIn(p) === 0 && requestsIn(counts) > 0) b.touched.push(id);
      addRequestCounts(p, counts);
    }
    b.counts[0] = second.started;
    b.counts[1] = second.dropped;
    b.gauges.set(this.previousGauges);
    b.gauges[ITERATIONS_STARTED] += second.iterationsStarted;
    b.gauges[CHECKS_PASSED] += second.checksPassed;
    b.gauges[CHECKS_FAILED] += second.checksFailed;
    b.gauges[ACTIVE_VUS] = second.activeVus;
    this.handOut(b, true);
  }

  private closeGauges(b: Buffer): void {
    if (this.gauges) this.gauges(b.gauges);
  }

  private handOut(b: Buffer, foreign = false): void {
    const v = this.view;
    // Seconds with nothing in them (no request ended or started, no second closed) are handed out empty.
    for (let t = this.lastT + 1; t < b.t; t++) {
      v.empty(t, this.previousGauges);
      this.emit(v);
    }
    v.fill(b, this.previousGauges, this.total);
    this.emit(v);
    this.lastT = b.t;
    if (this.gauges || foreign) this.previousGauges.set(b.gauges);
    for (const id of b.touched) resetRequestCounts(b.parts[id] as RequestCounts);
    b.touched.length = 0;
    b.counts.fill(0);
    if (b !== this.current) this.free.push(b);
  }

  private emit(v: SecondView): void {
    for (const l of this.listeners) l(v);
  }
}

/** The one view object handed to listeners, refilled for each second. */
class MutableView implements SecondView {
  t = 0;
  startMs = 0;
  endMs = 0;
  requests = 0;
  errors = 0;
  started = 0;
  dropped = 0;
  iterationsStarted = 0;
  checksPassed = 0;
  checksFailed = 0;
  activeVus = 0;
  serviceDiffers = false;
  readonly statusClasses = new Float64Array(6);
  readonly latency = createHistogram();
  /** Filled only when the service time differs from the latency (open model); else serviceTime is `latency`. */
  private readonly ownServiceTime = createHistogram();
  ids: number[] = [];
  private buffer: Buffer | null = null;

  get serviceTime(): Histogram {
    return this.serviceDiffers ? this.ownServiceTime : this.latency;
  }

  countsOf(id: number): RequestCounts | undefined {
    const p = this.buffer?.parts[id];
    return p !== undefined && requestsIn(p) > 0 ? p : undefined;
  }

  empty(t: number, gauges: Float64Array): void {
    this.buffer = null;
    this.t = t;
    this.startMs = t * SECOND_MS;
    this.endMs = (t + 1) * SECOND_MS;
    this.requests = this.errors = this.started = this.dropped = 0;
    this.iterationsStarted = this.checksPassed = this.checksFailed = 0;
    this.activeVus = gauges[ACTIVE_VUS];
    this.serviceDiffers = false;
    this.statusClasses.fill(0);
    this.latency.reset();
    this.ownServiceTime.reset();
    this.ids = [];
  }

  /** This second from `b`, folding each id into `total` on the way (the one pass over the second's data). */
  fill(b: Buffer, before: Float64Array, total: RequestCounts[]): void {
    this.empty(b.t, b.gauges);
    this.buffer = b;
    this.endMs = Math.max(this.startMs, b.endMs);
    this.started = b.counts[0];
    this.dropped = b.counts[1];
    this.iterationsStarted = b.gauges[ITERATIONS_STARTED] - before[ITERATIONS_STARTED];
    this.checksPassed = b.gauges[CHECKS_PASSED] - before[CHECKS_PASSED];
    this.checksFailed = b.gauges[CHECKS_FAILED] - before[CHECKS_FAILED];
    this.ids = b.touched;
    for (const id of b.touched) {
      const p = b.parts[id] as RequestCounts;
      addRequestCounts((total[id] ??= createRequestCounts()), p);
      this.requests += requestsIn(p);
      this.errors += errorsIn(p);
      addStatusClasses(p, this.statusClasses);
      if (p.same !== null && p.same.totalCount > 0) addHistogram(this.latency, p.same);
      if (p.latency !== null && p.latency.totalCount > 0) addHistogram(this.latency, p.latency);
      if (p.serviceTime !== null && p.serviceTime.totalCount > 0) this.serviceDiffers = true;
    }
    // The service-time histogram is a second copy of the latencies plus the pairs' service times: built only when
    // some differ (the closed model never does), since every add is work done in the tick that closes the second.
    if (!this.serviceDiffers) return;
    for (const id of b.touched) {
      const p = b.parts[id] as RequestCounts;
      if (p.same !== null && p.same.totalCount > 0) addHistogram(this.ownServiceTime, p.same);
      if (p.serviceTime !== null && p.serviceTime.totalCount > 0) addHistogram(this.ownServiceTime, p.serviceTime);
    }
  }
}
