// The labels on every series runner writes to Prometheus: `testid` (one run among many in the same TSDB) and
// the user's `--tag k=v`. Parsed and checked before the run: a bad label name would make Prometheus refuse
// every batch, which the user would learn only from a warning after the run.
import { InvalidArgumentError } from 'commander';

/** Labels runner sets on its own series; a --tag of the same name would be overwritten, so it is refused. */
const RESERVED = ['scenario', 'name', 'method', 'status', 'error', 'quantile', 'check', 'result'];

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Commander collector for the repeatable `--tag k=v`: checks the name and refuses a repeated one. */
export function collectTag(value: string, previous: Record<string, string> | undefined): Record<string, string> {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError(`--tag takes name=value, got '${value}'`);
  const name = value.slice(0, eq);
  if (!LABEL_NAME.test(name) || name.startsWith('__')) {
    throw new InvalidArgumentError(`--tag ${name}: a label name is letters, digits and '_', not starting with a digit or '__'`);
  }
  if (RESERVED.includes(name)) throw new InvalidArgumentError(`--tag ${name}: runner sets this label itself (${RESERVED.join(', ')})`);
  const tags = { ...(previous ?? {}) };
  if (name in tags) throw new InvalidArgumentError(`--tag ${name} given twice`);
  tags[name] = value.slice(eq + 1);
  return tags;
}

/**
 * `testid` from the tags, else the run's start (UTC, to the second) and seed: two runs of the same file stay
 * apart in one Prometheus, and the id says which result file it belongs to.
 */
export function runLabels(tags: Readonly<Record<string, string>>, startedAt: Date, seed: number): Record<string, string> {
  const when = startedAt.toISOString().replace(/\.\d+Z$/, 'Z');
  return { testid: `${when}-seed${seed}`, ...tags };
}
