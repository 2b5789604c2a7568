// `--setup-data file.json`: this process takes what setup() returned from a file instead of running setup() (and
// teardown()). A segmented run then runs setup() once: in the one process given no file (k6-operator#223 runs it
// in every pod). The file's JSON is the value setup() returned, for a scenario file with one setup().
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { UserError } from '../errors.ts';
import type { Plan } from '../plan/types.ts';
import type { SetupHandOff } from '../run.ts';

/** The hand-off a run's setup() would make, read from `file`; the same order as the plan's code flows. */
export function readSetupDataFile(cwd: string, file: string, plan: Plan): SetupHandOff {
  // The code flows in the order the run makes them (one per iteration function, first scenario first).
  const flows = new Map<object, { setup: boolean; scenario: string }>();
  for (const s of plan.scenarios) if (s.iteration && !flows.has(s.iteration)) flows.set(s.iteration, { setup: s.iteration.setup !== undefined, scenario: s.name });
  const withSetup = [...flows.values()].filter((f) => f.setup);
  if (withSetup.length !== 1) {
    throw new UserError({
      message: `--setup-data needs a scenario file with exactly one setup(); this one has ${withSetup.length}`,
      hint: withSetup.length === 0 ? 'drop --setup-data: there is no setup() to stand in for' : 'run without --setup-data: the file holds the value of one setup()',
    });
  }
  const path = resolve(cwd, file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UserError({ message: `--setup-data: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, hint: 'give the path of a JSON file holding what setup() returns' });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new UserError({ message: `--setup-data: ${path} is not JSON: ${(err as Error).message}`, hint: 'the file holds the value setup() returns, as JSON' });
  }
  const list = [...flows.values()];
  return { data: list.map((f) => (f.setup ? value : undefined)), scenarios: list.map((f) => f.scenario) };
}
