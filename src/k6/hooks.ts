// What `runner run` does for a k6 script beyond a code scenario: test.abort() reaches the run, and at the end
// k6's own thresholds, the result's `k6` section and handleSummary().
import type { RunResult } from '../result/types.ts';
import type { K6Delta } from './thread-delta.ts';

export interface K6Hooks {
  /** Called once the run exists: k6/execution's test.abort() stops it. */
  attach(run: K6RunHandle): void;
  /**
   * After the run, before the result is written: adds k6 thresholds' verdicts and the `k6` section to `result`,
   * runs handleSummary() and writes the files it returned (relative to `cwd`).
   */
  finish(result: RunResult, cwd: string): Promise<K6Finish>;
  /**
   * `--workers`, on the main thread: a worker's delta (thread-delta.ts) joins this registry, which thresholds,
   * the `k6` section and handleSummary() read.
   */
  absorb(delta: K6Delta): void;
  /** `--workers`, on the main thread: a worker's script called test.abort(): the whole run stops. */
  abortedInThread(reason: string): void;
  /**
   * `--workers`, in a worker thread, instead of attach(): test.abort() stops this thread's run and calls
   * `aborted`; thresholds are judged on the main thread, not here.
   */
  attachThread(run: K6RunHandle, aborted: (reason: string) => void): void;
  /**
   * The measured run starts now (called just before it, after a warm-up or the wait for --start-at): what a
   * warm-up added to the k6 metrics and groups is forgotten; delayAbortEval and k6/execution's startTime count
   * from here.
   */
  measuring(): void;
  /** `--workers`, in a worker thread: what this thread measured since the previous call (undefined: nothing). */
  drain(): K6Delta | undefined;
}

/** What of runner's Run a k6 script reaches (k6/execution's test.abort() and instance counters). */
export interface K6RunHandle {
  stop(outcome: 'aborted'): void;
  readonly iterations: { completed: number; failed: number; aborted: number };
  readonly activeVus: number;
}

export interface K6Finish {
  /** handleSummary() returned: this replaces runner's summary on stdout (possibly with nothing). */
  replacesSummary: boolean;
  stdout?: string;
  stderr?: string;
  /** Notes for the result's warnings (a handleSummary that threw, a file it could not write). */
  warnings: string[];
}
