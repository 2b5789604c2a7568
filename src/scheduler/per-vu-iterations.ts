// per-vu-iterations: each of V VUs runs the same number of iterations.
import type { Duration } from '../api/scenario-input.ts';
import { runVuLoops, type Executor, type ExecutorBase } from './executor.ts';
import { DEFAULT_MAX_DURATION_MS, readIterations, readVus } from './load-checks.ts';

export interface PerVuIterations extends ExecutorBase {
  executor: 'per-vu-iterations';
  vus: number;
  /** Iterations per VU. */
  iterations: number;
  maxDurationMs: number;
}

export interface PerVuIterationsInput {
  executor: 'per-vu-iterations';
  vus?: number;
  iterations?: number;
  maxDuration?: Duration;
}

export const perVuIterations: Executor<PerVuIterations> = {
  keys: ['vus', 'iterations', 'maxDuration'],
  model: 'closed',
  validate(r, base) {
    const vus = readVus(r);
    const iterations = readIterations(r);
    const maxDurationMs = r.optDuration('maxDuration', DEFAULT_MAX_DURATION_MS);
    if (vus === undefined || iterations === undefined || maxDurationMs === undefined) return undefined;
    return { executor: 'per-vu-iterations', ...base, vus, iterations, maxDurationMs };
  },
  maxVus: (config, segment) => segment.scale(config.vus),
  planned: (config, segment) => ({ spanMs: config.maxDurationMs, iterations: config.iterations * segment.scale(config.vus) }),
  withVus: (config, vus) => ({ ...config, vus }),
  run(config, rt) {
    // VU g (global, 1-based) runs iterations (g−1)·I … g·I−1: the VUs of all segments together run 0..V·I−1.
    const n = config.iterations;
    return runVuLoops(rt, rt.segment.scale(config.vus), config.maxDurationMs, config.gracefulStopMs, (vu) => (vu.iterations < n ? (vu.globalId - 1) * n + vu.iterations : false));
  },
};
