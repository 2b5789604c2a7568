// Turns the CLI load flags (--vus, --iterations, --duration) into an ordinary executor config, with
// k6's meaning, so no executor knows that shortcuts exist.
import { UserError } from '../errors.ts';
import { maxVusOf, type ExecutorConfig, type TestModel } from './model.ts';

export interface LoadShortcuts {
  vus?: number;
  iterations?: number;
  durationMs?: number;
}

/** Returns the model with its load replaced or adjusted by the flags (the model itself is not changed). */
export function applyShortcuts(model: TestModel, flags: LoadShortcuts): TestModel {
  const { vus, iterations, durationMs } = flags;
  if (vus === undefined && iterations === undefined && durationMs === undefined) return model;
  if (model.scenarios.length !== 1) {
    throw new UserError({ message: '--vus, --iterations and --duration apply to a file with one scenario', location: { file: model.file, line: 1, column: 1 }, hint: `this file has ${model.scenarios.length}: change their 'load' in the file instead` });
  }
  const [scenario] = model.scenarios;
  const load = shortcutLoad(scenario.load, flags);
  return { ...model, scenarios: [{ ...scenario, load }] };
}

function shortcutLoad(current: ExecutorConfig, { vus, iterations, durationMs }: LoadShortcuts): ExecutorConfig {
  const base = { startTimeMs: current.startTimeMs, gracefulStopMs: current.gracefulStopMs };
  const currentVus = maxVusOf(current);
  if (iterations !== undefined) {
    const v = vus ?? Math.min(currentVus, iterations);
    if (v > iterations) throw new UserError({ message: `--vus ${v} is more than --iterations ${iterations}`, hint: 'some VUs would never run: lower --vus' });
    // k6: iterations with a duration means the duration caps the run.
    return { executor: 'shared-iterations', ...base, vus: v, iterations, maxDurationMs: durationMs ?? 10 * 60_000 };
  }
  if (durationMs !== undefined) return { executor: 'constant-vus', ...base, vus: vus ?? currentVus, durationMs };
  // --vus alone keeps the executor and changes its VU count.
  switch (current.executor) {
    case 'shared-iterations':
      if (vus! > current.iterations) throw new UserError({ message: `--vus ${vus} is more than the scenario's ${current.iterations} iterations`, hint: 'pass --iterations too, or lower --vus' });
      return { ...current, vus: vus! };
    case 'per-vu-iterations':
    case 'constant-vus':
      return { ...current, vus: vus! };
    default:
      throw new UserError({ message: `--vus alone does not apply to the ${current.executor} executor`, hint: 'pass --duration too (constant-vus), or change the file' });
  }
}
