// Counts every finished request per request id (histograms, statuses, errors, bytes) and turns the counts into
// RequestResults. Each request is recorded once, into its second (seconds.ts); closed seconds are folded into the
// run's totals exactly, and a summary at any moment adds the seconds not yet folded.
import type { RequestResult } from '../result/types.ts';
import { FoldedNameCount } from './folded-name-count.ts';
import { requestsIn, summarizeRequestCounts, type RequestCounts } from './request-counts.ts';
import type { Sample } from './sample.ts';
import { Seconds, type ForeignSecond, type RunGauges, type SecondListener } from './seconds.ts';
import type { MetricsSink } from './types.ts';

/**
 * Most request ids register() creates (names learned at run time). Each id costs ~5 KB of counters plus ~16–90 KB
 * per histogram it records into, per second kept; a script that puts ids in URLs would otherwise invent names
 * until memory runs out.
 */
export const MAX_REQUEST_NAMES = 1000;
/** The name the requests of names past the cap are counted under. */
export const OTHER_NAME = '(other)';

/** How often closed seconds are handed out (folded into the totals, given to listeners), ms of real time. */
const FLUSH_EVERY_MS = 200;

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
  /** The scope register() gave `id` in ('' for the plan's own names). */
  scopeOf(id: number): string;
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
  /** Second 0 starts now on the run clock; `gauges` are read as each second closes. Starts handing out seconds. */
  begin(gauges?: RunGauges): void;
  /** Called with each closed second, in order, off the hot path (see SecondView). */
  onSecond(listener: SecondListener): void;
  /** Closes the seconds that have passed and hands them out (a timer does it every 200 ms after begin()). */
  flush(): void;
  /** `count` iterations were dropped now (counted in the current second). */
  dropped(count: number): void;
  /** Closes the last (partial) second and hands out every second left; call before the final summaries. */
  finish(): void;
  /**
   * A second recorded by another thread (decoded with snapshot.ts, merged across threads by t): folded into the
   * totals and handed to the listeners. In order of t; ids must have been registered here.
   */
  addSecond(second: ForeignSecond): void;
  /**
   * Like toRequestResults, but `byName` holds only `names` (those that exist): what the live threshold watch
   * needs each second, without summarizing (and encoding) every one of up to a thousand names.
   */
  summarizeNames(names: readonly string[], durationMs: number): CollectedResults;
}

class RunCollector implements Collector {
  readonly requestNames: string[];
  /** The run's totals by request id: every closed second, folded in. Sparse until an id's first second closes. */
  private readonly totals: RequestCounts[] = [];
  private readonly seconds: Seconds;
  /** Scope → name → first id of that name in the scope. */
  private readonly scopes = new Map<string, Map<string, number>>();
  /** Scope → ids register() gave there (the plan's own ids are not listed). */
  private readonly scopeIds = new Map<string, number[]>();
  /** Id → the scope register() gave it in; the plan's ids are not listed (scope ''). */
  private readonly idScopes: string[] = [];
  /** Names folded into OTHER_NAME, counted for the warning. */
  private readonly foldedNames = new FoldedNameCount();
  /** [0]: requests finished, all ids. */
  private readonly total = new Float64Array(1);
  private timer: NodeJS.Timeout | null = null;

  constructor(requestNames: readonly string[], now: () => number) {
    this.requestNames = [...requestNames];
    this.seconds = new Seconds(this.totals, now, undefined);
    const plan = new Map<string, number>();
    requestNames.forEach((name, id) => {
      if (!plan.has(name)) plan.set(name, id);
    });
    this.scopes.set('', plan);
  }

  begin(gauges?: RunGauges): void {
    this.seconds.begin(gauges);
    if (this.timer === null) {
      this.timer = setInterval(() => this.seconds.flush(), FLUSH_EVERY_MS);
      this.timer.unref();
    }
  }

  onSecond(listener: SecondListener): void {
    this.seconds.listen(listener);
  }

  dropped(count: number): void {
    this.seconds.dropped(count);
  }

  flush(): void {
    this.seconds.flush();
  }

  addSecond(second: ForeignSecond): void {
    for (const [id, counts] of second.parts) {
      this.check(id);
      this.total[0] += requestsIn(counts);
    }
    this.seconds.inject(second);
  }

  finish(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.seconds.finish();
  }

  register(name: string, scope = ''): number {
    let names = this.scopes.get(scope);
    if (names === undefined) this.scopes.set(scope, (names = new Map()));
    const known = names.get(name);
    if (known !== undefined) return known;
    if (this.requestNames.length < MAX_REQUEST_NAMES || name === OTHER_NAME) return this.add(name, scope, names);
    this.foldedNames.add(name);
    // The name itself is not kept in `names`: that map stays bounded too (a folded name pays this path each time).
    return names.get(OTHER_NAME) ?? this.add(OTHER_NAME, scope, names);
  }

  scopeOf(id: number): string {
    return this.idScopes[id] ?? '';
  }

  idsIn(scope: string): number[] {
    return [...(this.scopeIds.get(scope) ?? [])];
  }

  folded(): FoldedNames | undefined {
    if (this.foldedNames.count === 0) return undefined;
    let requests = 0;
    this.requestNames.forEach((name, id) => {
      if (name === OTHER_NAME) for (const p of this.partsOf(id)) requests += requestsIn(p);
    });
    return { names: this.foldedNames.count, atLeast: this.foldedNames.atLeast, requests };
  }

  private add(name: string, scope: string, names: Map<string, number>): number {
    const id = this.requestNames.length;
    this.requestNames.push(name);
    names.set(name, id);
    this.idScopes[id] = scope;
    let list = this.scopeIds.get(scope);
    if (list === undefined) this.scopeIds.set(scope, (list = []));
    list.push(id);
    return id;
  }

  started(requestId: number, atMs?: number): void {
    this.check(requestId);
    this.seconds.started(atMs);
  }

  record(s: Sample): void {
    if (s.kind !== 'http') return;
    this.check(s.requestId);
    this.seconds.record(s);
    this.total[0]++;
  }

  requests(): number {
    return this.total[0];
  }

  toRequestResults(durationMs: number): CollectedResults {
    const byName: Record<string, RequestResult> = {};
    const groups = new Map<string, number[]>();
    this.requestNames.forEach((name, id) => {
      const group = groups.get(name);
      if (group) group.push(id);
      else groups.set(name, [id]);
    });
    const total = this.summarizeIds(this.allIds(), durationMs);
    // One name (the usual case) means that name is the total: skip summarizing (and encoding) the same data twice.
    // defineProperty, not `byName[name] =`: a request named `__proto__` would set the prototype and vanish.
    const put = (name: string, r: RequestResult): void => void Object.defineProperty(byName, name, { value: r, enumerable: true, writable: true, configurable: true });
    if (groups.size === 1) for (const name of groups.keys()) put(name, structuredClone(total));
    else for (const [name, group] of groups) put(name, this.summarizeIds(group, durationMs));
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
    return { total: this.summarizeIds(this.allIds(), durationMs), byName };
  }

  summarizeIds(ids: readonly number[], durationMs: number): RequestResult {
    return summarizeRequestCounts(
      ids.flatMap((id) => {
        this.check(id);
        return this.partsOf(id);
      }),
      durationMs,
    );
  }

  private allIds(): number[] {
    return this.requestNames.map((_, id) => id);
  }

  /** What id `id` has counted: its folded totals and the seconds not yet folded. */
  private partsOf(id: number): RequestCounts[] {
    const t = this.totals[id];
    const pending = this.seconds.pendingOf(id);
    return t === undefined ? pending : [t, ...pending];
  }

  private check(requestId: number): void {
    // An unknown id is a bug in the caller: fail loudly rather than lose counts silently.
    if (!(requestId >= 0 && requestId < this.requestNames.length) || !Number.isInteger(requestId)) {
      throw new RangeError(`metrics: unknown request id ${requestId} (have ${this.requestNames.length})`);
    }
  }
}

/**
 * A collector for the run's requests; `requestNames[id]` names request id `id`. `now` is the run clock (ms) that
 * puts each request in its second (samples carry their own time; starts and drops without one read it).
 */
export function createCollector(requestNames: readonly string[], now: () => number = () => 0): Collector {
  return new RunCollector(requestNames, now);
}
