// Shared open-model machinery: arrival times computed from the scenario's absolute start (no drift), one
// ~1 ms timer tick that starts everything due, and a VU pool that grows from preAllocatedVUs up to maxVUs.
// When no VU is free the iteration is dropped and counted, never queued (k6's dropped_iterations).
import type { Stage } from '../scenario/model.ts';
import { gracefulStop, iterateThenOf, untilDeadlineOrStop, type ScenarioRuntime } from './executor.ts';
import { SegmentTuple } from './segment.ts';
import type { Vu } from './vu.ts';

/** Successive intended start times of a schedule, in ms after the scenario's start; Infinity when none is left. */
export interface ArrivalTimes {
  next(): number;
  /** The global iteration number (0-based) of the start next() returned last. */
  index: number;
}

/**
 * `rate` iterations per `timeUnitMs`, the first at 0, the k-th (0-based) at k·timeUnitMs/rate, all before
 * `durationMs`; of these, the ones `segment` owns (global k, so every segment keeps the global times).
 */
export function constantArrivalTimes(rate: number, timeUnitMs: number, durationMs: number, segment = SegmentTuple.full()): ArrivalTimes {
  let local = 0;
  return {
    index: -1,
    next() {
      // Computed from k, never accumulated: a late tick or float error cannot shift later arrivals.
      const k = segment.globalIndex(local);
      const t = (k * timeUnitMs) / rate;
      if (!(t < durationMs)) return Infinity;
      local++;
      this.index = k;
      return t;
    },
  };
}

/** The starts of `times` that `segment` owns, at their global times: the segments' schedules add up to the whole. */
export function segmentArrivals(times: ArrivalTimes, segment: SegmentTuple): ArrivalTimes {
  if (segment.isFull) return times;
  return {
    index: -1,
    next() {
      for (;;) {
        const t = times.next();
        if (t === Infinity || segment.owns(times.index)) {
          this.index = times.index;
          return t;
        }
      }
    },
  };
}

/**
 * preAllocatedVUs and maxVUs of a segment: its share of each (k6 scales both), but at least one VU when the
 * segment owns starts, or they would all be dropped.
 */
export function arrivalVusIn(segment: SegmentTuple, preAllocatedVUs: number, maxVUs: number): { preAllocatedVUs: number; maxVUs: number } {
  const max = Math.max(1, segment.scale(Math.max(maxVUs, preAllocatedVUs)));
  return { preAllocatedVUs: Math.min(max, segment.scale(preAllocatedVUs)), maxVUs: max };
}

/**
 * The i-th iteration (1-based) starts when the integral of the rate reaches i − ½, the rate moving linearly
 * from each stage's start to its target (k6's ramping-arrival-rate). The half puts each start in the middle
 * of its share of the rate, so every whole second holds exactly its integral (0→100/s over 1 s: 50 starts)
 * and nothing starts on a stage boundary or at the very end. Rates are per `timeUnitMs`.
 */
export function rampingArrivalTimes(startRate: number, timeUnitMs: number, stages: readonly Stage[]): ArrivalTimes {
  let stage = -1;
  let stageStartMs = 0;
  let stageMs = 0;
  let from = 0; // per ms
  let to = startRate / timeUnitMs;
  let doneBefore = 0; // arrivals owed before this stage, as a real number
  let endCount = 0; // … and by its end
  let i = 1;
  const times = { index: -1, next: (): number => Infinity };
  const nextStage = (): boolean => {
    if (stage >= 0) {
      stageStartMs += stageMs;
      doneBefore = endCount;
    }
    stage++;
    if (stage >= stages.length) return false;
    from = to;
    to = stages[stage].target / timeUnitMs;
    stageMs = stages[stage].durationMs;
    endCount = doneBefore + (stageMs * (from + to)) / 2;
    return true;
  };
  nextStage();
  times.next = () => {
      while (stage < stages.length) {
        // The epsilon keeps float error from moving a start across a stage's end.
        if (i - 0.5 < endCount - 1e-9) {
          const c = i - 0.5 - doneBefore;
          times.index = i - 1;
          i++;
          if (from === to) return stageStartMs + c / from;
          // Solves from·t + (to−from)·t²/(2·stageMs) = c in the form that is stable when from is 0.
          const disc = Math.max(0, from * from + (2 * (to - from) * c) / stageMs);
          return stageStartMs + Math.min(stageMs, (2 * c) / (from + Math.sqrt(disc)));
        }
        if (!nextStage()) break;
      }
      return Infinity;
  };
  return times;
}

/** VUs for the open model: preAllocated at once, more (up to max) when none is free; each runs one iteration at a time. */
export class VuPool {
  /** Every VU created, for the final interrupt. */
  readonly all: Vu[] = [];
  /** Iterations running now. */
  active = 0;
  private readonly free: Vu[] = [];
  private idleResolve: (() => void) | null = null;
  private readonly iterateThen: NonNullable<ScenarioRuntime['iterateThen']>;

  constructor(
    private readonly rt: ScenarioRuntime,
    preAllocated: number,
    private readonly max: number,
  ) {
    this.iterateThen = iterateThenOf(rt);
    for (let i = 0; i < preAllocated; i++) this.free.push(this.create());
  }

  /** A free VU, a new one while under max, or undefined when all max are busy. */
  take(): Vu | undefined {
    const vu = this.free.pop();
    if (vu !== undefined) return vu;
    return this.all.length < this.max ? this.create() : undefined;
  }

  /** Runs iteration `iteration` (global number) on a VU from take(); the VU is given back when it ends. */
  run(vu: Vu, intendedStartMs: number, iteration: number): void {
    this.active++;
    this.iterateThen(vu, intendedStartMs, iteration, this.ended);
  }

  /** One callback for every iteration: no promise per iteration. */
  private readonly ended = (vu: Vu): void => {
    this.active--;
    if (!vu.interrupted) this.free.push(vu);
    if (this.active === 0 && this.idleResolve) {
      const resolve = this.idleResolve;
      this.idleResolve = null;
      resolve();
    }
  };

  /** Resolves when no iteration is running. */
  idle(): Promise<void> {
    if (this.active === 0) return Promise.resolve();
    return new Promise((r) => (this.idleResolve = r));
  }

  private create(): Vu {
    const vu = this.rt.createVu();
    this.all.push(vu);
    return vu;
  }
}

/** Longest single sleep of the tick loop; stop() wakes it at once anyway. */
const MAX_SLEEP_MS = 100;

/**
 * Starts an iteration at each arrival time until the schedule ends at `endMs` (ms after now), then the
 * graceful stop: running iterations get `graceMs` to finish before they are interrupted (→ aborted).
 * Each start passes its intended time, so latency is measured from when it should have started.
 */
export async function runArrivals(
  rt: ScenarioRuntime,
  times: ArrivalTimes,
  endMs: number,
  preAllocatedVUs: number,
  maxVUs: number,
  graceMs: number,
): Promise<void> {
  const clock = rt.clock;
  const startMs = clock.now();
  const pool = new VuPool(rt, preAllocatedVUs, maxVUs);
  let due = times.next();
  while (!rt.stopSignal.aborted) {
    // One reading per tick: everything due by now starts in this tick, earliest first.
    const nowOffset = clock.now() - startMs;
    while (due <= nowOffset) {
      const vu = pool.take();
      if (vu === undefined) rt.drop();
      else {
        rt.lateStart(nowOffset - due);
        pool.run(vu, startMs + due, times.index);
      }
      due = times.next();
    }
    if (due === Infinity) break;
    // Sleep to the next arrival, in whole ms: timers are ms-grained, so a due time inside the next ms waits one tick.
    await clock.sleep(Math.max(1, Math.min(MAX_SLEEP_MS, Math.floor(due - nowOffset))), rt.stopSignal);
  }
  // The scenario lasts its whole duration even when the last arrival came earlier (k6 does the same).
  const idle = new AbortController();
  await untilDeadlineOrStop(startMs + endMs, rt, idle.signal);
  await gracefulStop([pool.idle()], pool.all, graceMs, rt);
}
