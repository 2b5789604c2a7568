// shared-iterations: a fixed number of iterations shared by V VUs; each VU takes the next one when free.
import { UserError } from '../errors.ts';
import type { Duration } from '../api/scenario-input.ts';
import { runVuLoops, type Executor, type ExecutorBase } from './executor.ts';
import { DEFAULT_MAX_DURATION_MS, readIterations, readVus } from './load-checks.ts';

export interface SharedIterations extends ExecutorBase {
  executor: 'shared-iterations';
  vus: number;
  iterations: number;
  maxDurationMs: number;
}

/** Its keys in a TypeScript scenario's `load`. */
export interface SharedIterationsInput {
  executor: 'shared-iterations';
  vus?: number;
  iterations?: number;
  maxDuration?: Duration;
}

export const sharedIterations: Executor<SharedIterations> = {
  keys: ['vus', 'iterations', 'maxDuration'],
  model: 'closed',
  validate(r, base) {
    const vus = readVus(r);
    const iterations = readIterations(r);
    const maxDurationMs = r.optDuration('maxDuration', DEFAULT_MAX_DURATION_MS);
    if (vus === undefined || iterations === undefined || maxDurationMs === undefined) return undefined;
    if (vus > iterations) {
      r.c.fail(r.at('vus'), `${vus} VUs for ${iterations} iterations: some VUs would never run`, 'use at most as many VUs as iterations');
      return undefined;
    }
    return { executor: 'shared-iterations', ...base, vus, iterations, maxDurationMs };
  },
  maxVus: (config) => config.vus,
  planned: (config) => ({ spanMs: config.maxDurationMs, iterations: config.iterations }),
  withVus(config, vus) {
    if (vus > config.iterations) throw new UserError({ message: `--vus ${vus} is more than the scenario's ${config.iterations} iterations`, hint: 'pass --iterations too, or lower --vus' });
    return { ...config, vus };
  },
  run(config, rt) {
    let taken = 0;
    return runVuLoops(rt, config.vus, config.maxDurationMs, config.gracefulStopMs, () => taken++ < config.iterations);
  },
};
