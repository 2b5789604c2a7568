// constant-arrival-rate: `rate` iterations start every `timeUnit` for `duration`, whatever the responses do (open model).
import type { ConstantArrivalRate } from '../scenario/model.ts';
import { constantArrivalTimes, runArrivals } from './arrivals.ts';
import type { Executor } from './executor.ts';

export const constantArrivalRate: Executor<ConstantArrivalRate> = {
  run(config, rt) {
    const times = constantArrivalTimes(config.rate, config.timeUnitMs, config.durationMs);
    return runArrivals(rt, times, config.durationMs, config.preAllocatedVUs, config.maxVUs, config.gracefulStopMs);
  },
};
