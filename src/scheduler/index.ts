// The executor table: `executor:` value → its module. Adding an executor is one file plus one line here.
import { constantArrivalRate, type ConstantArrivalRateInput } from './constant-arrival-rate.ts';
import { constantVus, type ConstantVusInput } from './constant-vus.ts';
import type { Executor } from './executor.ts';
import { SegmentTuple } from './segment.ts';
import { perVuIterations, type PerVuIterationsInput } from './per-vu-iterations.ts';
import { rampingArrivalRate, type RampingArrivalRateInput } from './ramping-arrival-rate.ts';
import { rampingVus, type RampingVusInput } from './ramping-vus.ts';
import { sharedIterations, type SharedIterationsInput } from './shared-iterations.ts';

export const executors = {
  'shared-iterations': sharedIterations,
  'per-vu-iterations': perVuIterations,
  'constant-vus': constantVus,
  'constant-arrival-rate': constantArrivalRate,
  'ramping-arrival-rate': rampingArrivalRate,
  'ramping-vus': rampingVus,
};

type ConfigOf<E> = E extends Executor<infer C> ? C : never;

/** Every executor's config, discriminated by `executor`. */
export type ExecutorConfig = ConfigOf<(typeof executors)[keyof typeof executors]>;
export type ExecutorKind = ExecutorConfig['executor'];

// Each key must be the `executor:` value of its module's config.
executors satisfies { [K in ExecutorKind]: Executor<Extract<ExecutorConfig, { executor: K }>> };

/** A TypeScript scenario's `load` keys of each executor (without startTime/gracefulStop). */
export type ExecutorInput =
  | SharedIterationsInput
  | PerVuIterationsInput
  | ConstantVusInput
  | ConstantArrivalRateInput
  | RampingArrivalRateInput
  | RampingVusInput;

/** Names in the table's order (hints list them). */
export const executorKinds = Object.keys(executors) as ExecutorKind[];

export function isExecutorKind(kind: string): kind is ExecutorKind {
  return Object.hasOwn(executors, kind);
}

/** The module of a config's executor, typed for that config. */
export function executorOf<C extends ExecutorConfig>(config: C): Executor<C> {
  return executors[config.executor] as unknown as Executor<C>;
}

/** Largest number of VUs an executor config can have at once (in `segment`, by default the whole run). */
export function maxVusOf(load: ExecutorConfig, segment: SegmentTuple = SegmentTuple.full()): number {
  return executorOf(load).maxVus(load, segment);
}

/** Executors that start iterations on a schedule (open model) rather than when a VU is free (closed). */
export function isOpenModel(kind: ExecutorKind): boolean {
  return executors[kind].model === 'open';
}
