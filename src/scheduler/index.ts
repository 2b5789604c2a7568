// The executor table: `executor:` value → implementation. One file per executor.
import { constantArrivalRate } from './constant-arrival-rate.ts';
import { constantVus } from './constant-vus.ts';
import type { ExecutorTable } from './executor.ts';
import { perVuIterations } from './per-vu-iterations.ts';
import { rampingArrivalRate } from './ramping-arrival-rate.ts';
import { rampingVus } from './ramping-vus.ts';
import { sharedIterations } from './shared-iterations.ts';

export const executors = {
  'shared-iterations': sharedIterations,
  'per-vu-iterations': perVuIterations,
  'constant-vus': constantVus,
  'constant-arrival-rate': constantArrivalRate,
  'ramping-arrival-rate': rampingArrivalRate,
  'ramping-vus': rampingVus,
} satisfies ExecutorTable;

/** Executors that start iterations on a schedule (open model) rather than when a VU is free (closed). */
export function isOpenModel(kind: keyof typeof executors): boolean {
  return kind === 'constant-arrival-rate' || kind === 'ramping-arrival-rate';
}
