// per-vu-iterations: each of V VUs runs the same number of iterations.
import type { PerVuIterations } from '../scenario/model.ts';
import { runVuLoops, type Executor } from './executor.ts';

export const perVuIterations: Executor<PerVuIterations> = {
  run(config, rt) {
    return runVuLoops(rt, config.vus, config.maxDurationMs, config.gracefulStopMs, (vu) => vu.iterations < config.iterations);
  },
};
