// The one result of a run made by several worker threads: runner merge's exact merge (report/merge.ts) of the
// workers' results, which are the segments of one run started together, with the run's own identity, start
// and duration (the main thread's) instead of a merged file's: every rate is taken over that duration, as one
// thread would (the threads' own span, from the first start to the last end, differs on a short run).
import { mergeResults } from '../report/merge.ts';
import type { RunResult } from '../result/types.ts';

/**
 * `labels` name each part (default `worker i`, 1-based): a self-check reason of a part is prefixed with its label
 * (`worker 2: event-loop delay p99 …`), so the merged self-check says which thread was the bottleneck.
 */
export function mergeWorkerResults(parts: readonly RunResult[], run: Pick<RunResult, 'runner' | 'scenario' | 'startedAt' | 'target'>, durationMs: number, labels?: readonly string[]): RunResult {
  const inputs = parts.map((result, i) => {
    const file = labels?.[i] ?? `worker ${i + 1}`;
    const selfCheck = result.selfCheck && { ...result.selfCheck, reasons: result.selfCheck.reasons.map((r) => `${file}: ${r}`) };
    return { file, result: selfCheck ? { ...result, selfCheck } : result };
  });
  const merged = mergeResults(
    inputs,
    { segments: [], missing: [] },
    run.runner,
    (file, where, err) => {
      throw new Error(`${file}: ${where}: ${(err as Error).message}`);
    },
    durationMs,
  );
  delete merged.merged;
  merged.scenario = run.scenario;
  merged.startedAt = run.startedAt;
  merged.durationMs = durationMs;
  return merged;
}
