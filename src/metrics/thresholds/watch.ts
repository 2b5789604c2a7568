// Evaluates the abortOnFail thresholds on a timer during the run, from the collector's live counts.
import type { RunResult } from '../../result/types.ts';
import type { Collector } from '../collector.ts';
import { evaluateThresholds, type ThresholdVerdict } from './evaluate.ts';
import type { CompiledThreshold } from './parse.ts';

/** What the watcher reads from a Run. */
export interface WatchedRun {
  readonly metrics: Collector;
  readonly checks: { toJSON(): RunResult['checks'] };
  readonly iterations: RunResult['iterations'];
  elapsedMs(): number;
}

export interface ThresholdWatch {
  /** The threshold that failed first, with the value it failed at, once one has. */
  readonly failed: ThresholdVerdict | undefined;
  stop(): void;
}

/**
 * Every `intervalMs` (default 1 s), evaluates the thresholds marked abortOnFail (once their delayAbortEval has passed) on the numbers so far and calls
 * `onFail` once with the first that fails. Off the hot path: it summarizes the collector's histograms, a few ms.
 */
export function watchThresholds(
  run: WatchedRun,
  thresholds: readonly CompiledThreshold[],
  onFail: (t: CompiledThreshold) => void,
  intervalMs = 1000,
): ThresholdWatch {
  const live = thresholds.filter((t) => t.abortOnFail);
  let failed: ThresholdVerdict | undefined;
  const timer =
    live.length === 0
      ? null
      : setInterval(() => {
          const durationMs = run.elapsedMs();
          // k6's delayAbortEval: a threshold that needs samples to mean anything waits before it may abort.
          const due = live.filter((t) => durationMs >= t.delayAbortEvalMs);
          if (due.length === 0) return;
          // Only the names the thresholds filter on: a code scenario may have named a thousand requests.
          const names = due.flatMap((t) => (t.requestName === undefined ? [] : [t.requestName]));
          const { total, byName } = run.metrics.summarizeNames(names, durationMs);
          const verdicts = evaluateThresholds(due, {
            durationMs,
            totals: total.totals,
            latency: total.latency,
            requests: byName,
            checks: run.checks.toJSON(),
            iterations: run.iterations,
          });
          const first = verdicts.find((v) => !v.ok);
          if (first && !failed) {
            failed = first;
            if (timer) clearInterval(timer);
            onFail(first.threshold);
          }
        }, intervalMs);
  timer?.unref();
  return {
    get failed() {
      return failed;
    },
    stop: () => {
      if (timer) clearInterval(timer);
    },
  };
}
