// The interface every executor implements, and what the run gives it to work with.
import type { ExecutorConfig, ExecutorKind } from '../scenario/model.ts';
import type { Clock } from './clock.ts';
import type { Vu } from './vu.ts';

/** What an executor may do; it knows nothing of HTTP, metrics or the plan. */
export interface ScenarioRuntime {
  clock: Clock;
  /** Fires when the run is told to stop (Ctrl-C, abort on threshold): start no more iterations. */
  stopSignal: AbortSignal;
  /** A new VU (ids are 1-based within the scenario). */
  createVu(): Vu;
  /**
   * Runs one iteration on `vu`; resolves when it ends, never rejects.
   * `intendedStartMs` (clock time) is when the schedule wanted it to start (open model).
   */
  iterate(vu: Vu, intendedStartMs?: number): Promise<void>;
  /** Counts an iteration the schedule wanted but no VU was free for. */
  drop(count?: number): void;
  /** Records how late (ms, ≥ 0) a scheduled iteration started after its intended time (open model). */
  lateStart(lateMs: number): void;
}

export interface Executor<C extends ExecutorConfig = ExecutorConfig> {
  /** Runs the whole schedule, including the graceful stop; resolves when no iteration is left. */
  run(config: C, rt: ScenarioRuntime): Promise<void>;
}

export type ExecutorTable = { [K in ExecutorKind]: Executor<Extract<ExecutorConfig, { executor: K }>> };

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
 * The closed model: `vuCount` VUs each loop while `takeNext(vu)` allows, until `durationMs` passes or
 * the run stops; then the graceful stop. `takeNext` is asked before every iteration.
 */
export async function runVuLoops(
  rt: ScenarioRuntime,
  vuCount: number,
  durationMs: number,
  graceMs: number,
  takeNext: (vu: Vu) => boolean,
): Promise<void> {
  const deadlineMs = rt.clock.now() + durationMs;
  const vus = Array.from({ length: vuCount }, () => rt.createVu());
  const loops = vus.map(async (vu) => {
    while (!rt.stopSignal.aborted && !vu.interrupted && rt.clock.now() < deadlineMs && takeNext(vu)) {
      await rt.iterate(vu);
    }
  });
  const done = new AbortController();
  const ended = Promise.all(loops).then(() => done.abort());
  await untilDeadlineOrStop(deadlineMs, rt, done.signal);
  await gracefulStop([ended], vus, graceMs, rt);
}
