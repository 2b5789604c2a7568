// Turns the CLI load flags (--vus, --iterations, --duration, --rate, --stages) into an ordinary executor
// config, with k6's meaning where k6 has the flag, so no executor knows that shortcuts exist.
import { UserError } from '../errors.ts';
import { LIMITS, formatLimit } from './limits.ts';
import type { ExecutorConfig, Stage, TestModel } from './model.ts';
import { executorOf, maxVusOf } from '../scheduler/index.ts';

export interface LoadShortcuts {
  vus?: number;
  iterations?: number;
  durationMs?: number;
  /** Iterations per `timeUnitMs` (open model); `rate` may be 0 only as the start of --stages. */
  rate?: { rate: number; timeUnitMs: number };
  stages?: Stage[];
}

const DEFAULT_GRACEFUL_RAMP_DOWN_MS = 30_000;
/** --rate without --vus: VUs made up front cover iterations of up to this long at the peak rate… */
const PRE_ALLOCATED_COVER_MS = 100;
/** …and the pool may grow to cover iterations of up to this long before iterations are dropped. */
const MAX_VUS_COVER_MS = 1_000;
const MIN_MAX_VUS = 10;
const MAX_MAX_VUS = 10_000;

/**
 * VUs for an arrival rate without --vus, from the peak rate (per second): preAllocatedVUs = peak × 0.1 s
 * (1..1,000), maxVUs = peak × 1 s (10..10,000). With --vus N both are N.
 */
export function arrivalVusFor(peakPerSec: number, vus: number | undefined): { preAllocatedVUs: number; maxVUs: number } {
  if (vus !== undefined) return { preAllocatedVUs: vus, maxVUs: vus };
  const preAllocatedVUs = clamp(Math.ceil((peakPerSec * PRE_ALLOCATED_COVER_MS) / 1000), 1, 1_000);
  const maxVUs = Math.max(preAllocatedVUs, clamp(Math.ceil((peakPerSec * MAX_VUS_COVER_MS) / 1000), MIN_MAX_VUS, MAX_MAX_VUS));
  return { preAllocatedVUs, maxVUs };
}

/** --stages targets are VUs, or with --rate iterations per its time unit: both bounded by LIMITS. */
function checkStageTargets(stages: Stage[], rate: LoadShortcuts['rate']): void {
  for (const s of stages) {
    if (rate === undefined && s.target > LIMITS.vus) {
      throw new UserError({ message: `--stages: target ${s.target} VUs is over the limit of ${formatLimit(LIMITS.vus)}`, hint: 'lower the target' });
    }
    if (rate !== undefined && (s.target * 1000) / rate.timeUnitMs > LIMITS.ratePerSec) {
      throw new UserError({ message: `--stages: target rate ${s.target} per ${rate.timeUnitMs} ms is over the limit of ${formatLimit(LIMITS.ratePerSec)} iterations/s`, hint: 'lower the target, or lengthen the time unit of --rate' });
    }
  }
}

function clamp(n: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, n));
}

/** Returns the model with its load replaced or adjusted by the flags (the model itself is not changed). */
export function applyShortcuts(model: TestModel, flags: LoadShortcuts): TestModel {
  const { vus, iterations, durationMs, rate, stages } = flags;
  if (vus === undefined && iterations === undefined && durationMs === undefined && rate === undefined && stages === undefined) return model;
  if (model.scenarios.length !== 1) {
    throw new UserError({ message: '--vus, --iterations, --duration, --rate and --stages apply to a file with one scenario', location: { file: model.file, line: 1, column: 1 }, hint: `this file has ${model.scenarios.length}: change their 'load' in the file instead` });
  }
  const [scenario] = model.scenarios;
  const load = shortcutLoad(scenario.load, flags);
  return { ...model, scenarios: [{ ...scenario, load }] };
}

function shortcutLoad(current: ExecutorConfig, flags: LoadShortcuts): ExecutorConfig {
  const { vus, iterations, durationMs, rate, stages } = flags;
  const base = { startTimeMs: current.startTimeMs, gracefulStopMs: current.gracefulStopMs };
  const currentVus = maxVusOf(current);
  if (stages !== undefined || rate !== undefined) {
    if (iterations !== undefined) throw new UserError({ message: `--iterations does not combine with ${stages ? '--stages' : '--rate'}`, hint: 'an iteration count is shared-iterations; a rate or stages set the load over time' });
    if (stages !== undefined && durationMs !== undefined) throw new UserError({ message: '--duration does not combine with --stages', hint: 'the stages set the duration: their durations add up' });
  }
  if (stages !== undefined) {
    checkStageTargets(stages, rate);
    if (rate !== undefined) {
      // --rate gives the start rate and the time unit of the stage targets.
      const peak = Math.max(rate.rate, ...stages.map((s) => s.target));
      return { executor: 'ramping-arrival-rate', ...base, startRate: rate.rate, timeUnitMs: rate.timeUnitMs, stages, ...arrivalVusFor((peak * 1000) / rate.timeUnitMs, vus) };
    }
    const gracefulRampDownMs = current.executor === 'ramping-vus' ? current.gracefulRampDownMs : DEFAULT_GRACEFUL_RAMP_DOWN_MS;
    // k6: --stages ramps VUs, starting from --vus (default 1).
    return { executor: 'ramping-vus', ...base, startVUs: vus ?? 1, stages, gracefulRampDownMs };
  }
  if (rate !== undefined) {
    if (durationMs === undefined) throw new UserError({ message: '--rate needs --duration (constant rate) or --stages (ramping rate)', hint: 'e.g. --rate 500 --duration 30s' });
    if (!(rate.rate > 0)) throw new UserError({ message: '--rate 0 with --duration would start nothing', hint: 'a rate of 0 only makes sense as the start of --stages' });
    return { executor: 'constant-arrival-rate', ...base, rate: rate.rate, timeUnitMs: rate.timeUnitMs, durationMs, ...arrivalVusFor((rate.rate * 1000) / rate.timeUnitMs, vus) };
  }
  if (iterations !== undefined) {
    const v = vus ?? Math.min(currentVus, iterations);
    if (v > iterations) throw new UserError({ message: `--vus ${v} is more than --iterations ${iterations}`, hint: 'some VUs would never run: lower --vus' });
    // k6: iterations with a duration means the duration caps the run.
    return { executor: 'shared-iterations', ...base, vus: v, iterations, maxDurationMs: durationMs ?? 10 * 60_000 };
  }
  if (durationMs !== undefined) return { executor: 'constant-vus', ...base, vus: vus ?? currentVus, durationMs };
  // --vus alone keeps the executor and changes its VU count, where it has one.
  return executorOf(current).withVus(current, vus!);
}
