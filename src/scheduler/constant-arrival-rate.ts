// constant-arrival-rate: `rate` iterations start every `timeUnit` for `duration`, whatever the responses do (open model).
import type { Duration } from '../api/scenario-input.ts';
import { constantArrivalTimes, runArrivals } from './arrivals.ts';
import type { Executor, ExecutorBase } from './executor.ts';
import { noVusShortcut, rateWithinLimit, readArrivalVus, readTimeUnit } from './load-checks.ts';
import { arrivalVusIn } from './arrivals.ts';

export interface ConstantArrivalRate extends ExecutorBase {
  executor: 'constant-arrival-rate';
  /** Iterations started per `timeUnitMs`. */
  rate: number;
  timeUnitMs: number;
  durationMs: number;
  preAllocatedVUs: number;
  maxVUs: number;
}

export interface ConstantArrivalRateInput {
  executor: 'constant-arrival-rate';
  rate: number;
  timeUnit?: Duration;
  duration: Duration;
  preAllocatedVUs?: number;
  maxVUs?: number;
}

export const constantArrivalRate: Executor<ConstantArrivalRate> = {
  keys: ['rate', 'timeUnit', 'duration', 'preAllocatedVUs', 'maxVUs'],
  model: 'open',
  validate(r, base) {
    const rate = r.c.number(r.required('rate'), r.at('rate'));
    const timeUnitMs = readTimeUnit(r);
    const durationMs = r.c.duration(r.required('duration'), r.at('duration'), false);
    const vus = readArrivalVus(r);
    const rateOk = rate !== undefined && timeUnitMs !== undefined && rateWithinLimit(r.c, rate, timeUnitMs, r.at('rate'));
    if (!rateOk || durationMs === undefined || !vus) return undefined;
    return { executor: 'constant-arrival-rate', ...base, rate, timeUnitMs, durationMs, ...vus };
  },
  maxVus: (config, segment) => arrivalVusIn(segment, config.preAllocatedVUs, config.maxVUs).maxVUs,
  planned: (config) => ({ spanMs: config.durationMs }),
  withVus: (config) => noVusShortcut(config.executor),
  run(config, rt) {
    const times = constantArrivalTimes(config.rate, config.timeUnitMs, config.durationMs, rt.segment);
    const vus = arrivalVusIn(rt.segment, config.preAllocatedVUs, config.maxVUs);
    return runArrivals(rt, times, config.durationMs, vus.preAllocatedVUs, vus.maxVUs, config.gracefulStopMs);
  },
};
