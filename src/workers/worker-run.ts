// `runner run --workers N`: the main thread's side. Starts N worker threads, each running segment i/N of the
// run with its own pool; sums their live counts for progress; passes Ctrl-C and stops on; merges their results
// into the one result of the run. The scenario was loaded, validated and compiled here first, once, so a
// mistake is reported once, before any thread starts.
import { UserError } from '../errors.ts';
import type { Plan } from '../plan/types.ts';
import type { RunResult } from '../result/types.ts';
import type { PlanInputs } from '../run/prepare.ts';
import { createRealClock, type Clock } from '../scheduler/clock.ts';
import { segmentIdentity } from '../scheduler/segment.ts';
import { VERSION } from '../version.ts';
import { mergeWorkerResults } from './merge-results.ts';
import { startWorker, type FromWorker, type ToWorker } from './worker-entry.ts';
import type { Worker } from 'node:worker_threads';

export interface WorkerRunOptions {
  file: string;
  cwd: string;
  inputs: PlanInputs;
  count: number;
  warnings?: string[];
  startAt?: Date;
  stopGraceMs?: number;
}

interface Slot {
  worker: Worker;
  iterations: RunResult['iterations'];
  activeVus: number;
  result?: RunResult;
  failure?: string;
}

export class WorkerRun {
  readonly clock: Clock = createRealClock();
  /** A setup() or teardown() that threw in a worker, as in Run. */
  scenarioCodeError: UserError | undefined;
  private slots: Slot[] = [];
  private readonly warnings: string[];
  private startedAtMs = 0;
  private stopped: ToWorker | undefined;
  /** Never filled here: the checks are counted in the workers and merged at the end. */
  readonly checks = { toJSON: () => ({}) };

  constructor(
    readonly plan: Plan,
    private readonly options: WorkerRunOptions,
  ) {
    this.warnings = [...(options.warnings ?? [])];
  }

  get iterations(): RunResult['iterations'] {
    const out = { started: 0, completed: 0, failed: 0, dropped: 0, aborted: 0 };
    for (const s of this.slots) for (const k of Object.keys(out) as (keyof typeof out)[]) out[k] += s.iterations[k];
    return out;
  }

  get activeVus(): number {
    return this.slots.reduce((n, s) => n + s.activeVus, 0);
  }

  elapsedMs(): number {
    return this.startedAtMs === 0 ? 0 : this.clock.now() - this.startedAtMs;
  }

  async start(): Promise<RunResult> {
    const startedAt = new Date();
    this.startedAtMs = this.clock.now();
    const { count } = this.options;
    const ended = Array.from({ length: count }, (_, i) => this.startOne(i + 1, count));
    await Promise.all(ended);
    const durationMs = Math.round(this.clock.now() - this.startedAtMs);
    const results = this.slots.flatMap((s) => (s.result ? [s.result] : []));
    const failures = this.slots.flatMap((s, i) => (s.failure ? [`worker ${i + 1} of ${count} failed: ${s.failure}`] : []));
    const merged = mergeWorkerResults(results, { runner: VERSION, scenario: this.identity(), startedAt: startedAt.toISOString(), target: this.plan.target }, durationMs);
    merged.warnings.unshift(...this.warnings, ...failures);
    if (failures.length > 0 && merged.outcome === 'completed') merged.outcome = 'aborted';
    return merged;
  }

  stop(outcome: 'interrupted' | 'aborted' = 'interrupted'): void {
    if (this.stopped) return;
    this.stopped = { type: 'stop', outcome };
    for (const s of this.slots) s.worker.postMessage(this.stopped);
  }

  abort(): void {
    this.stopped = { type: 'abort' };
    for (const s of this.slots) s.worker.postMessage(this.stopped);
  }

  warn(text: string): void {
    this.warnings.push(text);
  }

  /** Scenario code runs in the workers: nothing of it runs on this thread. */
  inScenarioCode(): boolean {
    return false;
  }

  scenarioFault(): boolean {
    return false;
  }

  private identity(): RunResult['scenario'] {
    return {
      name: this.plan.name,
      file: this.plan.file,
      seed: this.plan.seed,
      ...(this.plan.segment ? segmentIdentity(this.plan.segment) : {}),
      ...(this.options.startAt ? { startAt: this.options.startAt.toISOString() } : {}),
    };
  }

  private startOne(index: number, count: number): Promise<void> {
    const { file, cwd, inputs, stopGraceMs } = this.options;
    const worker = startWorker({ kind: 'runner-worker', file, cwd, inputs, seed: this.plan.seed, index, count, stopGraceMs });
    const slot: Slot = { worker, iterations: { started: 0, completed: 0, failed: 0, dropped: 0, aborted: 0 }, activeVus: 0 };
    this.slots.push(slot);
    if (this.stopped) worker.postMessage(this.stopped);
    return new Promise((resolve) => {
      worker.on('message', (m: FromWorker) => {
        if (m.type === 'tick') {
          slot.iterations = m.iterations;
          slot.activeVus = m.activeVus;
        } else if (m.type === 'done') {
          slot.result = m.result;
          if (m.codeError) this.scenarioCodeError ??= new UserError(m.codeError);
        } else slot.failure = m.diagnostics?.[0]?.message ?? m.message;
      });
      worker.on('error', (err) => (slot.failure ??= err.message));
      worker.on('exit', (code) => {
        if (!slot.result && !slot.failure) slot.failure = `its thread exited (${code}) before sending a result`;
        slot.activeVus = 0;
        resolve();
      });
    });
  }
}
