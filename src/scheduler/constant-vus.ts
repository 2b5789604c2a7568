// constant-vus: V VUs loop over iterations for a fixed duration.
import type { ConstantVus } from '../scenario/model.ts';
import { runVuLoops, type Executor } from './executor.ts';

export const constantVus: Executor<ConstantVus> = {
  run(config, rt) {
    return runVuLoops(rt, config.vus, config.durationMs, config.gracefulStopMs, () => true);
  },
};
