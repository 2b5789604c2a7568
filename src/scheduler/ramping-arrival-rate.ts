// ramping-arrival-rate: the start rate moves linearly from stage to stage towards each stage's target (open model).
import type { Duration } from '../api/scenario-input.ts';
import { rampingArrivalTimes, runArrivals, segmentArrivals } from './arrivals.ts';
import type { Executor, ExecutorBase, Stage } from './executor.ts';
import { noVusShortcut, rateWithinLimit, readArrivalVus, readStages, readTimeUnit, stagesSpanMs } from './load-checks.ts';
import { arrivalVusIn } from './arrivals.ts';

export interface RampingArrivalRate extends ExecutorBase {
  executor: 'ramping-arrival-rate';
  startRate: number;
  timeUnitMs: number;
  stages: Stage[];
  preAllocatedVUs: number;
  maxVUs: number;
}

export interface RampingArrivalRateInput {
  executor: 'ramping-arrival-rate';
  startRate?: number;
  timeUnit?: Duration;
  stages: { duration: Duration; target: number }[];
  preAllocatedVUs?: number;
  maxVUs?: number;
}

export const rampingArrivalRate: Executor<RampingArrivalRate> = {
  keys: ['startRate', 'timeUnit', 'stages', 'preAllocatedVUs', 'maxVUs'],
  model: 'open',
  validate(r, base) {
    const { c } = r;
    const startRate = r.obj.startRate === undefined ? 0 : c.number(r.obj.startRate, r.at('startRate'), true);
    const timeUnitMs = readTimeUnit(r);
    const stages = readStages(c, r.required('stages'), r.at('stages'), Number.MAX_VALUE);
    const vus = readArrivalVus(r);
    if (startRate === undefined || timeUnitMs === undefined || !stages) return undefined;
    const ratesOk = [rateWithinLimit(c, startRate, timeUnitMs, r.at('startRate')), ...stages.map((s, i) => rateWithinLimit(c, s.target, timeUnitMs, [...r.path, 'stages', i, 'target']))];
    if (ratesOk.includes(false) || !vus) return undefined;
    return { executor: 'ramping-arrival-rate', ...base, startRate, timeUnitMs, stages, ...vus };
  },
  maxVus: (config, segment) => arrivalVusIn(segment, config.preAllocatedVUs, config.maxVUs).maxVUs,
  planned: (config) => ({ spanMs: stagesSpanMs(config.stages) }),
  withVus: (config) => noVusShortcut(config.executor),
  run(config, rt) {
    const times = segmentArrivals(rampingArrivalTimes(config.startRate, config.timeUnitMs, config.stages), rt.segment);
    const vus = arrivalVusIn(rt.segment, config.preAllocatedVUs, config.maxVUs);
    return runArrivals(rt, times, stagesSpanMs(config.stages), vus.preAllocatedVUs, vus.maxVUs, config.gracefulStopMs);
  },
};
