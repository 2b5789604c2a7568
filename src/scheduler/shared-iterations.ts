// shared-iterations: a fixed number of iterations shared by V VUs; each VU takes the next one when free.
import type { SharedIterations } from '../scenario/model.ts';
import { runVuLoops, type Executor } from './executor.ts';

export const sharedIterations: Executor<SharedIterations> = {
  run(config, rt) {
    let taken = 0;
    return runVuLoops(rt, config.vus, config.maxDurationMs, config.gracefulStopMs, () => taken++ < config.iterations);
  },
};
