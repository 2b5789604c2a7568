// `runner merge`'s work: read the segments' result files, check that they are one run, merge them exactly,
// re-evaluate the run's thresholds on the merged numbers, print the summary, write the merged result.
import { resolve } from 'node:path';
import { ExitCode } from '../../exit-codes.ts';
import { UserError } from '../../errors.ts';
import { evaluateThresholds, thresholdsFailed, thresholdsToJson } from '../../metrics/thresholds/evaluate.ts';
import { compileThresholds } from '../../metrics/thresholds/parse.ts';
import { checkMergeInputs, type MergeInput } from '../../report/merge-check.ts';
import { mergeResults } from '../../report/merge.ts';
import { judgeK6Thresholds } from '../../k6/merge-k6.ts';
import { checkOutputPaths } from '../../report/output-path.ts';
import { readRunResult } from '../../report/read-result.ts';
import { writeResultAtomic } from '../../report/result.ts';
import { renderSummary } from '../../report/summary.ts';
import type { RunResult } from '../../result/types.ts';
import { VERSION } from '../../version.ts';
import { useColor, type Io } from '../io.ts';

export interface MergeFlags {
  out?: string;
  allowPartial?: boolean;
  quiet?: boolean;
  color?: boolean;
}

export async function mergeCommand(io: Io, files: string[], flags: MergeFlags): Promise<number> {
  if (files.length < 2) throw new UserError({ message: `merge takes two or more result files, got ${files.length}`, hint: 'runner merge seg1.json seg2.json … --out merged.json' });
  // The output path first: a typo must cost nothing. It may not be one of the inputs.
  const out = flags.out === undefined ? undefined : checkOutputPaths([{ flag: '--out', path: resolve(io.cwd, flags.out), given: flags.out }], files.map((f) => resolve(io.cwd, f)))[0];
  const inputs: MergeInput[] = [];
  for (const f of files) inputs.push({ file: f, result: await readRunResult(resolve(io.cwd, f), f) });
  const coverage = checkMergeInputs(inputs, flags.allowPartial === true);
  for (const w of coverage.unchecked ?? []) io.stderr.write(`warning: ${w}\n`);
  const merged = mergeResults(inputs, coverage, VERSION, (file, where, err) => {
    throw new UserError({ message: `result file ${file}: ${where} is not an HdrHistogram (${(err as Error).message})`, hint: 'was the result file edited or truncated?' });
  });
  reevaluateThresholds(inputs, merged);
  if (out !== undefined) {
    try {
      await writeResultAtomic(out, merged);
    } catch (err) {
      throw new UserError({ message: `could not write --out ${out} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, hint: 'check the free space and permissions there' });
    }
  }
  if (!flags.quiet) io.stdout.write(renderSummary(merged, { color: useColor(io, io.stdout, flags.color) }) + '\n');
  return thresholdsFailed(merged.thresholds) ? ExitCode.thresholdsFailed : ExitCode.ok;
}

/**
 * The thresholds the files were judged by (each file records its expressions), judged again on the merged
 * numbers: a p99 that held in every segment can fail over the whole run, and the other way round.
 */
function reevaluateThresholds(inputs: readonly MergeInput[], merged: RunResult): void {
  const seen = new Set<string>();
  const specs = [];
  for (const i of inputs) {
    for (const [metric, list] of Object.entries(i.result.thresholds ?? {})) {
      for (const t of list) {
        const key = `${metric}\u0000${t.expression}`;
        if (seen.has(key)) continue;
        seen.add(key);
        specs.push({ metric, expression: t.expression, abortOnFail: t.abortOnFail === true, delayAbortEvalMs: 0 });
      }
    }
  }
  if (specs.length === 0) return;
  // A k6 script's own thresholds (custom metrics, tag filters) are judged on its merged k6 samples.
  const k6 = judgeK6Thresholds(merged, specs);
  const ours = specs.filter((t) => !k6.judged.has(t.metric));
  const compiled = compileThresholds(ours as Parameters<typeof compileThresholds>[0], Object.keys(merged.requests), { namesAtRunTime: true });
  merged.thresholds = { ...(ours.length > 0 ? thresholdsToJson(evaluateThresholds(compiled, merged, true)) : {}), ...k6.outcomes };
}
