// ramping-vus: the number of looping VUs follows the stages (closed model). A VU ramped down finishes its
// iteration, or is interrupted after gracefulRampDown; at the end, gracefulStop applies to all.
import type { Duration } from '../api/scenario-input.ts';
import { LIMITS } from '../scenario/limits.ts';
import { gracefulStop, iterateThenOf, runVuLoop, untilDeadlineOrStop, type Executor, type ExecutorBase, type Stage } from './executor.ts';
import { DEFAULT_GRACEFUL_STOP_MS, noVusShortcut, readStages, stagesSpanMs } from './load-checks.ts';
import type { Vu } from './vu.ts';

export interface RampingVus extends ExecutorBase {
  executor: 'ramping-vus';
  startVUs: number;
  stages: Stage[];
  gracefulRampDownMs: number;
}

export interface RampingVusInput {
  executor: 'ramping-vus';
  startVUs?: number;
  stages: { duration: Duration; target: number }[];
  gracefulRampDown?: Duration;
}

/** The VU count becomes `vus` at `atMs` (ms after the scenario's start). */
export interface VuStep {
  atMs: number;
  vus: number;
}

/**
 * The steps of a ramp: the count moves one VU at a time, evenly over each stage (0→10 over 10 s adds a
 * VU every second, the first at 1 s), like k6; a stage of 0 s jumps at once. The first step is at 0.
 * Made lazily: stages swinging between 0 and 100,000 VUs would otherwise allocate millions of steps up front.
 */
export function* rampingVuSteps(startVUs: number, stages: readonly Stage[]): Generator<VuStep> {
  yield { atMs: 0, vus: startVUs };
  let from = startVUs;
  let stageStartMs = 0;
  for (const stage of stages) {
    const to = Math.round(stage.target);
    const n = Math.abs(to - from);
    const sign = Math.sign(to - from);
    for (let i = 1; i <= n; i++) yield { atMs: stageStartMs + (stage.durationMs * i) / n, vus: from + i * sign };
    from = to;
    stageStartMs += stage.durationMs;
  }
}

/** One VU position; position i is wanted while the count is above i. */
interface Slot {
  vu: Vu | null;
  wanted: boolean;
  loop: Promise<void> | null;
  /** Bumped on every change of `wanted`, so a stale ramp-down interrupt does nothing. */
  generation: number;
}

export const rampingVus: Executor<RampingVus> = {
  keys: ['startVUs', 'stages', 'gracefulRampDown'],
  model: 'closed',
  validate(r, base) {
    const startVUs = r.obj.startVUs === undefined ? 1 : r.c.bounded(r.obj.startVUs, r.at('startVUs'), 0, LIMITS.vus);
    const stages = readStages(r.c, r.required('stages'), r.at('stages'), LIMITS.vus);
    const gracefulRampDownMs = r.optDuration('gracefulRampDown', DEFAULT_GRACEFUL_STOP_MS);
    if (startVUs === undefined || !stages || gracefulRampDownMs === undefined) return undefined;
    return { executor: 'ramping-vus', ...base, startVUs, stages, gracefulRampDownMs };
  },
  maxVus: (config, segment) => segment.scale(Math.max(config.startVUs, ...config.stages.map((s) => Math.round(s.target)))),
  planned: (config) => ({ spanMs: stagesSpanMs(config.stages) }),
  withVus: (config) => noVusShortcut(config.executor),
  async run(config, rt) {
    const clock = rt.clock;
    const startMs = clock.now();
    const endMs = startMs + stagesSpanMs(config.stages);
    const slots: Slot[] = [];
    const vus: Vu[] = [];
    let finished = false;
    /** Pending gracefulRampDown waits, ended together when the scenario ends. */
    const rampDownWaits = new Set<AbortController>();
    // untilDeadlineOrStop takes a cancel signal; nothing cancels these waits but the run's stop.
    const never = new AbortController().signal;

    const iterateThen = iterateThenOf(rt);
    // A slot's VU iterates while the slot is wanted (and before the end, and until a stop), by callback. The slot
    // is free the moment its loop stops (not a microtask later, when a step might already have skipped it).
    const loop = (slot: Slot, vu: Vu): Promise<void> =>
      runVuLoop(rt, vu, endMs, () => slot.wanted, iterateThen, () => {
        slot.loop = null;
      });
    const rampDown = (slot: Slot): void => {
      slot.wanted = false;
      const generation = ++slot.generation;
      if (!slot.loop) return;
      // Its own signal per wait: many ramp-downs waiting on one shared signal pile listeners onto it.
      const wait = new AbortController();
      rampDownWaits.add(wait);
      void clock.sleep(config.gracefulRampDownMs, wait.signal).then(() => {
        rampDownWaits.delete(wait);
        if (!finished && slot.generation === generation && slot.loop) slot.vu?.interrupt();
      });
    };
    // Slots below `current` are wanted, the rest not: a step touches only the slots between the old count and
    // the new one (visiting every slot on every step made a ramp to 100,000 VUs quadratic).
    let current = 0;
    const setCount = (count: number): void => {
      const from = Math.min(current, count);
      const to = Math.max(current, count);
      current = count;
      for (let i = from; i < to; i++) {
        let slot = slots[i];
        if (i < count) {
          if (!slot) slots.push((slot = { vu: null, wanted: false, loop: null, generation: 0 }));
          if (slot.wanted) continue;
          slot.wanted = true;
          slot.generation++;
          if (slot.loop) continue; // still finishing its ramp-down iteration: it simply goes on
          if (!slot.vu || slot.vu.interrupted) {
            slot.vu = rt.createVu();
            vus.push(slot.vu);
          }
          slot.loop = loop(slot, slot.vu);
        } else if (slot.wanted) rampDown(slot);
      }
    };

    // The global count moves one VU at a time; this segment's count is its share of it, which changes only on
    // the steps that add or remove one of its VUs: the segments' counts always add up to the global one.
    let local = -1;
    for (const step of rampingVuSteps(config.startVUs, config.stages)) {
      if (startMs + step.atMs >= endMs && step.atMs > 0) break;
      const count = rt.segment.scale(step.vus);
      if (count === local) continue;
      local = count;
      await untilDeadlineOrStop(startMs + step.atMs, rt, never);
      if (rt.stopSignal.aborted) break;
      setCount(count);
    }
    await untilDeadlineOrStop(endMs, rt, never);
    const running = slots.map((s) => s.loop).filter((p): p is Promise<void> => p !== null);
    await gracefulStop(running, vus, config.gracefulStopMs, rt);
    finished = true;
    for (const wait of rampDownWaits) wait.abort();
  },
};
