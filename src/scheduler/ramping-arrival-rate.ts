// ramping-arrival-rate: the start rate moves linearly from stage to stage towards each stage's target (open model).
import type { RampingArrivalRate } from '../scenario/model.ts';
import { rampingArrivalTimes, runArrivals } from './arrivals.ts';
import type { Executor } from './executor.ts';

export const rampingArrivalRate: Executor<RampingArrivalRate> = {
  run(config, rt) {
    const times = rampingArrivalTimes(config.startRate, config.timeUnitMs, config.stages);
    const endMs = config.stages.reduce((sum, s) => sum + s.durationMs, 0);
    return runArrivals(rt, times, endMs, config.preAllocatedVUs, config.maxVUs, config.gracefulStopMs);
  },
};
