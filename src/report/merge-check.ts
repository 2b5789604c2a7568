// `runner merge`'s first job: do these result files belong to one run? The same scenario (name, and the hash of
// its files when the results have one), seed and segment sequence; segments that do not overlap; and, unless
// partial merges are allowed, segments that cover the run.
import { UserError } from '../errors.ts';
import type { RunResult } from '../result/types.ts';
import { formatRational, parseRational, type Rational } from '../scheduler/segment.ts';

/** A file given to merge: how the user named it, and what it holds. */
export interface MergeInput {
  file: string;
  result: RunResult;
}

/** What the checks found: the segments run (sorted), and those nobody ran (empty when complete). */
export interface MergeCoverage {
  segments: string[];
  missing: string[];
  /** What could not be checked (results without a scenario hash), one sentence each: warnings of the merge. */
  unchecked?: string[];
}

interface Span {
  from: Rational;
  to: Rational;
  file: string;
}

const cmp = (a: Rational, b: Rational): number => a.num * b.den - b.num * a.den;
const ZERO: Rational = { num: 0, den: 1 };
const ONE: Rational = { num: 1, den: 1 };
const fmt = (from: Rational, to: Rational): string => `${formatRational(from)}:${formatRational(to)}`;

/** The segment a file ran: `from:to`; a file without one ran the whole scenario (0:1). */
function spanOf(input: MergeInput): Span {
  const text = input.result.scenario.segment;
  if (text === undefined) return { from: ZERO, to: ONE, file: input.file };
  const [a, b] = text.split(':').map(parseRational);
  if (a === undefined || b === undefined || cmp(a, b) >= 0) {
    throw new UserError({ message: `${input.file}: its segment '${text}' is not a from:to segment of [0, 1]`, hint: 'was the result file edited?' });
  }
  return { from: a, to: b, file: input.file };
}

/**
 * Checks that `inputs` (two or more) are parts of one run; throws a UserError naming every problem (exit 2).
 * `allowPartial`: segments missing from the set are reported in the returned coverage instead of refused.
 */
export function checkMergeInputs(inputs: readonly MergeInput[], allowPartial: boolean): MergeCoverage {
  const problems: string[] = [];
  const [first] = inputs;
  const differ = (what: string, of: (r: RunResult) => unknown): void => {
    const values = inputs.map((i) => JSON.stringify(of(i.result) ?? null));
    if (new Set(values).size > 1) problems.push(`not the same ${what}: ${inputs.map((i, k) => `${i.file} has ${values[k]}`).join(', ')}`);
  };
  differ('scenario', (r) => r.scenario.name);
  // Different files never merge, --allow-partial or not: a changed template or data file made another run.
  const hashed = inputs.filter((i) => i.result.scenario.hash !== undefined);
  if (new Set(hashed.map((i) => i.result.scenario.hash)).size > 1) {
    problems.push(`not the same scenario files: ${hashed.map((i) => `${i.file} ran ${i.result.scenario.hash!.slice(0, 19)}…`).join(', ')}`);
  }
  const unhashed = inputs.filter((i) => i.result.scenario.hash === undefined).map((i) => i.file);
  const unchecked =
    unhashed.length === 0
      ? []
      : [`${unhashed.join(', ')} ${unhashed.length === 1 ? 'has' : 'have'} no scenario hash (an older runner, or the API): merged without checking that every file ran the same scenario files`];
  differ('seed', (r) => r.scenario.seed);
  differ('segment count', (r) => r.scenario.segmentCount);
  differ('segment sequence', (r) => r.scenario.segmentSequence);
  const spans = inputs.map(spanOf).sort((a, b) => cmp(a.from, b.from) || cmp(a.to, b.to));
  for (let i = 1; i < spans.length; i++) {
    const [a, b] = [spans[i - 1], spans[i]];
    if (cmp(b.from, a.to) < 0) problems.push(`${a.file} (segment ${fmt(a.from, a.to)}) and ${b.file} (segment ${fmt(b.from, b.to)}) overlap: their iterations would be counted twice`);
  }
  const missing: string[] = [];
  let reached = ZERO;
  for (const s of spans) {
    if (cmp(s.from, reached) > 0) missing.push(fmt(reached, s.from));
    if (cmp(s.to, reached) > 0) reached = s.to;
  }
  if (cmp(reached, ONE) < 0) missing.push(fmt(reached, ONE));
  if (missing.length > 0 && !allowPartial) problems.push(`the set is incomplete: no file ran segment ${missing.join(', ')}`);
  if (problems.length > 0) {
    throw new UserError(
      problems.map((message) => ({
        message,
        hint: message.startsWith('the set is incomplete')
          ? 'give the result of every segment, or pass --allow-partial to merge what is there (the merged file says it is partial)'
          : message.startsWith('not the same scenario files')
            ? 'the scenario file, a template, a data file or an imported module differed between these runs (scenario.hash): results of different scenarios never merge, --allow-partial or not'
            : `merge takes the result files of one run cut into segments (runner run --segment i/n), e.g. those of ${first.result.scenario.name}`,
      })),
    );
  }
  return { segments: spans.map((s) => fmt(s.from, s.to)), missing, ...(unchecked.length > 0 ? { unchecked } : {}) };
}
