// From a scenario file and the run's flags to a compiled plan: what `runner run` does before its Run, and what
// each worker thread of `--workers` does again for its own segment (functions cannot cross threads).
import { compilePlan } from '../plan/compile.ts';
import type { Plan } from '../plan/types.ts';
import { loadScenario } from '../scenario/load.ts';
import type { TestModel } from '../scenario/model.ts';
import type { SharedTable } from '../data/table.ts';
import { applyShortcuts, type LoadShortcuts } from '../scenario/shortcuts.ts';
import type { SegmentTuple } from '../scheduler/segment.ts';

/** The flags that change the model or the plan (structured-clonable: a worker thread receives them). */
export interface PlanInputs {
  /** Process environment plus `-e KEY=VALUE` (a k6 script's __ENV). */
  env: Readonly<Record<string, string | undefined>>;
  /** Environment for `{{env.NAME}}` placeholders. */
  placeholderEnv: Readonly<Record<string, string | undefined>>;
  load: LoadShortcuts;
  http: { connections?: number; timeoutMs?: number; insecure?: boolean };
  target?: string;
  /** The main thread's loaded data tables (shared memory), so a worker thread does not load its own copy. */
  tables?: Record<string, SharedTable>;
}

/** `log`: where a k6 script's console writes. */
export async function loadModel(file: string, cwd: string, inputs: PlanInputs, log?: (text: string) => void): Promise<TestModel> {
  const { vus, iterations, durationMs, rate, stages } = inputs.load;
  const hasLoad = [vus, iterations, durationMs, rate, stages].some((f) => f !== undefined);
  const loaded = await loadScenario(file, cwd, { loadFromFlags: hasLoad, env: inputs.env, log, dataTables: inputs.tables });
  const model = applyShortcuts(loaded, inputs.load);
  const http = { ...model.http };
  if (inputs.http.connections !== undefined) http.connections = inputs.http.connections;
  if (inputs.http.timeoutMs !== undefined) http.timeoutMs = inputs.http.timeoutMs;
  if (inputs.http.insecure) http.insecure = true;
  return { ...model, http };
}

export function planFor(model: TestModel, inputs: PlanInputs, seed: number, segment: SegmentTuple | undefined): Plan {
  return compilePlan(model, { seed, env: inputs.placeholderEnv, target: inputs.target, segment });
}
