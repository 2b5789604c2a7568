// The executor table: `executor:` value → implementation. One file per executor.
import { constantVus } from './constant-vus.ts';
import type { ExecutorTable } from './executor.ts';
import { perVuIterations } from './per-vu-iterations.ts';
import { sharedIterations } from './shared-iterations.ts';

export const executors: Partial<ExecutorTable> = {
  'shared-iterations': sharedIterations,
  'per-vu-iterations': perVuIterations,
  'constant-vus': constantVus,
};
