// The interface every executor implements (its config, validation, planning facts and run), and what the
// scenario runner gives it to work with. One module per executor; scheduler/index.ts holds the table.
import type { Checker, Path } from '../scenario/checker.ts';
import type { Clock } from './clock.ts';
import type { SegmentTuple } from './segment.ts';
import type { Vu } from './vu.ts';

/** What every executor config has besides its own keys. */
export interface ExecutorBase {
  /** Delay from the run's start before this scenario begins. */
  startTimeMs: number;
  /** How long in-flight iterations may finish after the scenario's end before they are aborted. */
  gracefulStopMs: number;
}

export interface Stage {
  durationMs: number;
  /** VUs (ramping-vus) or iterations per time unit (ramping-arrival-rate) at the end of the stage. */
  target: number;
}

/** What an executor may do; it knows nothing of HTTP, metrics or the plan. */
export interface ScenarioRuntime {
  clock: Clock;
  /** Fires when the run is told to stop (Ctrl-C, abort on threshold): start no more iterations. */
  stopSignal: AbortSignal;
  /** The part of the scenario this process runs (the whole of it unless the run is cut into segments). */
  segment: SegmentTuple;
  /** A new VU (ids are 1-based within the scenario; `globalId` is its id across all segments). */
  createVu(): Vu;
  /**
   * Runs one iteration on `vu`; resolves when it ends, never rejects.
   * `intendedStartMs` (clock time) is when the schedule wanted it to start (open model).
   * `iteration` is its global number (0-based, across all segments) where the executor knows it; else the
   * runner gives the segment's next striped index (k6's default).
   */
  iterate(vu: Vu, intendedStartMs?: number, iteration?: number): Promise<void>;
  /**
   * iterate() by callback: `done(vu)` once the iteration ended, possibly before this returns. No promise per
   * iteration on the hot path. Absent (a test's runtime): executors fall back to iterate().
   */
  iterateThen?(vu: Vu, intendedStartMs: number | undefined, iteration: number | undefined, done: (vu: Vu) => void): void;
  /** Counts an iteration the schedule wanted but no VU was free for. */
  drop(count?: number): void;
  /** Records how late (ms, ≥ 0) a scheduled iteration started after its intended time (open model). */
  lateStart(lateMs: number): void;
}

/** Reads one executor's own keys of a `load:` mapping; every problem is collected in `c` with its position. */
export interface LoadReader {
  c: Checker;
  obj: Record<string, unknown>;
  /** Path of the `load:` mapping. */
  path: Path;
  /** Path of one key under it. */
  at(key: string): Path;
  /** The key's value, or undefined after reporting "<executor> needs '<key>'". */
  required(key: string): unknown;
  /** A duration key, or `fallbackMs` when absent; undefined when invalid (reported). */
  optDuration(key: string, fallbackMs: number): number | undefined;
}

/** How much work a scenario plans, from its own start: its time span, and its iteration count where it has one. */
export interface PlannedSpan {
  spanMs: number;
  iterations?: number;
}

/** One executor: everything about it lives in its module. */
export interface Executor<C extends ExecutorBase & { executor: string }> {
  /** Keys it accepts under `load:`, besides `executor`, `startTime` and `gracefulStop`. */
  keys: readonly string[];
  /** open: iterations start on a schedule whatever the responses do; closed: a VU starts its next when free. */
  model: 'open' | 'closed';
  /** Reads its own keys; undefined when any is wrong (all reported). */
  validate(r: LoadReader, base: ExecutorBase): C | undefined;
  /** Largest number of VUs it can have at once, in `segment`. */
  maxVus(config: C, segment: SegmentTuple): number;
  /** The work `segment` of it plans. */
  planned(config: C, segment: SegmentTuple): PlannedSpan;
  /** The config with `vus` VUs (the CLI's --vus alone); throws a UserError where that has no meaning. */
  withVus(config: C, vus: number): C;
  /** Runs its segment's share of the schedule (rt.segment), including the graceful stop; resolves when no iteration is left. */
  run(config: C, rt: ScenarioRuntime): Promise<void>;
}

/**
 * After the schedule's end, lets running iterations finish within `graceMs`, then interrupts them
 * (their requests count as `aborted`). Resolves when every iteration has ended.
 */
export async function gracefulStop(running: Iterable<Promise<void>>, vus: readonly Vu[], graceMs: number, rt: ScenarioRuntime): Promise<void> {
  const all = Promise.all(running);
  const grace = new AbortController();
  const timedOut = rt.clock.sleep(graceMs, grace.signal).then(() => true);
  const expired = await Promise.race([all.then(() => false), timedOut]);
  grace.abort();
  if (expired) {
    for (const vu of vus) vu.interrupt();
    await all;
  }
}

/** Resolves at `deadlineMs` (clock time) or when the run stops, whichever is first. */
export function untilDeadlineOrStop(deadlineMs: number, rt: ScenarioRuntime, cancel: AbortSignal): Promise<void> {
  // An abort listener added to a signal that already fired never runs.
  if (rt.stopSignal.aborted || cancel.aborted) return Promise.resolve();
  const ac = new AbortController();
  const onStop = () => ac.abort();
  rt.stopSignal.addEventListener('abort', onStop, { once: true });
  cancel.addEventListener('abort', onStop, { once: true });
  return rt.clock.sleep(deadlineMs - rt.clock.now(), ac.signal).then(() => {
    rt.stopSignal.removeEventListener('abort', onStop);
    cancel.removeEventListener('abort', onStop);
  });
}

/**
 * The closed model: `vuCount` VUs each loop while `takeNext(vu)` gives an iteration, until `durationMs`
 * passes or the run stops; then the graceful stop. `takeNext` is asked before every iteration and returns
 * false (no more), true (the runner numbers it) or the iteration's global number.
 */
export async function runVuLoops(
  rt: ScenarioRuntime,
  vuCount: number,
  durationMs: number,
  graceMs: number,
  takeNext: (vu: Vu) => boolean | number,
): Promise<void> {
  const deadlineMs = rt.clock.now() + durationMs;
  const vus = Array.from({ length: vuCount }, () => rt.createVu());
  const iterateThen = iterateThenOf(rt);
  const loops = vus.map((vu) => runVuLoop(rt, vu, deadlineMs, takeNext, iterateThen));
  const done = new AbortController();
  const ended = Promise.all(loops).then(() => done.abort());
  await untilDeadlineOrStop(deadlineMs, rt, done.signal);
  await gracefulStop([ended], vus, graceMs, rt);
}

/** rt.iterateThen, or iterate() behind a callback where the runtime has none. */
export function iterateThenOf(rt: ScenarioRuntime): NonNullable<ScenarioRuntime['iterateThen']> {
  if (rt.iterateThen) return rt.iterateThen.bind(rt);
  return (vu, intendedStartMs, iteration, done) => {
    void rt.iterate(vu, intendedStartMs, iteration).then(() => done(vu));
  };
}

/**
 * One VU's iterations, each started when the last ends, by callback: one promise per VU loop, none per
 * iteration. Resolves when the VU stops (deadline, stop, interrupt, or `takeNext` says no more); `stopped` is
 * called at that very moment, before anything else runs (ramping-vus frees the VU's slot there).
 */
export function runVuLoop(
  rt: ScenarioRuntime,
  vu: Vu,
  deadlineMs: number,
  takeNext: (vu: Vu) => boolean | number,
  iterateThen: NonNullable<ScenarioRuntime['iterateThen']>,
  stopped?: () => void,
): Promise<void> {
  return new Promise<void>((resolve) => {
    let starting = false;
    let endedWhileStarting = false;
    const stop = (): void => {
      stopped?.();
      resolve();
    };
    const next = (): void => {
      if (rt.stopSignal.aborted || vu.interrupted || rt.clock.now() >= deadlineMs) return stop();
      const n = takeNext(vu);
      if (n === false) return stop();
      starting = true;
      endedWhileStarting = false;
      iterateThen(vu, undefined, n === true ? undefined : n, ended);
      starting = false;
      // An iteration that ended within the call (its data ran out, its request was refused before sending)
      // goes round on a microtask, as the await did: the stack never grows with such iterations.
      if (endedWhileStarting) queueMicrotask(next);
    };
    const ended = (): void => {
      if (starting) endedWhileStarting = true;
      else next();
    };
    next();
  });
}
