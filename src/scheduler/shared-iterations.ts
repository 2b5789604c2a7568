// shared-iterations: a fixed number of iterations shared by V VUs; each VU takes the next one when free.
import { UserError } from '../errors.ts';
import type { Duration } from '../api/scenario-input.ts';
import { runVuLoops, type Executor, type ExecutorBase } from './executor.ts';
import { DEFAULT_MAX_DURATION_MS, readIterations, readVus } from './load-checks.ts';
import type { SegmentTuple } from './segment.ts';

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
  maxVus: (config, segment) => segment.scale(config.vus),
  planned: (config, segment) => ({ spanMs: config.maxDurationMs, iterations: iterationsOf(config, segment)?.count ?? 0 }),
  withVus(config, vus) {
    if (vus > config.iterations) throw new UserError({ message: `--vus ${vus} is more than the scenario's ${config.iterations} iterations`, hint: 'pass --iterations too, or lower --vus' });
    return { ...config, vus };
  },
  run(config, rt) {
    const vus = rt.segment.scale(config.vus);
    const share = iterationsOf(config, rt.segment);
    if (vus === 0 || !share) return Promise.resolve();
    let taken = 0;
    // The k-th iteration taken here is the k-th global index of this segment's share: the shares of all
    // segments together are iterations 0..N-1, whichever VU takes which.
    return runVuLoops(rt, vus, config.maxDurationMs, config.gracefulStopMs, () => (taken < share.count ? share.tuple.globalIndex(taken++) : false));
  },
};

/**
 * This segment's iterations, striped over the sequence re-cut by how the VUs divide (k6's GetIterations), so
 * a segment without a VU gets no iteration; undefined when it gets none.
 */
function iterationsOf(config: SharedIterations, segment: SegmentTuple): { tuple: SegmentTuple; count: number } | undefined {
  const tuple = segment.resegment(config.vus);
  return tuple && { tuple, count: tuple.scale(config.iterations) };
}
