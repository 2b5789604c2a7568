// constant-vus: V VUs loop over iterations for a fixed duration.
import type { Duration } from '../api/scenario-input.ts';
import { runVuLoops, type Executor, type ExecutorBase } from './executor.ts';
import { readVus } from './load-checks.ts';

export interface ConstantVus extends ExecutorBase {
  executor: 'constant-vus';
  vus: number;
  durationMs: number;
}

export interface ConstantVusInput {
  executor: 'constant-vus';
  vus?: number;
  duration: Duration;
}

export const constantVus: Executor<ConstantVus> = {
  keys: ['vus', 'duration'],
  model: 'closed',
  validate(r, base) {
    const vus = readVus(r);
    const durationMs = r.c.duration(r.required('duration'), r.at('duration'), false);
    if (vus === undefined || durationMs === undefined) return undefined;
    return { executor: 'constant-vus', ...base, vus, durationMs };
  },
  maxVus: (config, segment) => segment.scale(config.vus),
  planned: (config) => ({ spanMs: config.durationMs }),
  withVus: (config, vus) => ({ ...config, vus }),
  run(config, rt) {
    const vus = rt.segment.scale(config.vus);
    if (vus === 0) return Promise.resolve();
    return runVuLoops(rt, vus, config.durationMs, config.gracefulStopMs, () => true);
  },
};
