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
import { createCollector, type Collector } from '../metrics/collector.ts';
import { addCheckDeltas, mergeSecondSnapshots, type CheckCounts, type SecondSnapshot } from '../metrics/snapshot.ts';
import { createTimeSeries, type TimeSeries } from '../metrics/time-series.ts';
import type { MetricsSink } from '../metrics/types.ts';
import { startWorker, type FromWorker, type ToWorker } from './worker-entry.ts';
import { createLineChannel, lineBatchWritten } from './worker-lines.ts';
import type { Worker } from 'node:worker_threads';
import type { K6Hooks } from '../k6/hooks.ts';

export interface WorkerRunOptions {
  file: string;
  cwd: string;
  inputs: PlanInputs;
  count: number;
  warnings?: string[];
  startAt?: Date;
  stopGraceMs?: number;
  /** A k6 script's hooks on this thread: the workers' k6 numbers are merged into its registry. */
  k6?: K6Hooks;
  /** Where the lines a k6 script's console writes in the workers go (stderr). */
  log?: (text: string) => void;
  /** Told each request name a thread made at run time (code scenarios), with this thread's id: the outputs. */
  sinks?: MetricsSink[];
  /** Called at the instant the threads are told to go: the outputs start their clocks with the load. */
  onStart?: () => void;
  /** Whole NDJSON lines the threads made (set when an output wants each request): written on this thread. */
  lines?: (bytes: Uint8Array) => void;
}

interface Slot {
  worker: Worker;
  /** Closed seconds posted and not yet merged, in order of t. */
  seconds: SecondSnapshot[];
  /** This thread's request id → the main collector's, for the ids it made at run time (code scenarios). */
  ids: number[];
  ended: boolean;
  /** When its result came (or its thread exited without one), on the run clock. */
  endedAtMs?: number;
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
  private liveFailed = false;
  /** The run's checks by name so far: each thread's changes come with its seconds (as they arrive, not merged by t). */
  private readonly checkCounts: CheckCounts = {};
  readonly checks = { toJSON: (): CheckCounts => structuredClone(this.checkCounts) };
  /** The result's per-second series, from the merged seconds: what one thread would have written. */
  private readonly timeSeries: TimeSeries;
  /**
   * The workers' closed seconds, merged second by second (exact: counts added, histograms added): live
   * progress, abortOnFail thresholds and the outputs read it as they read a one-thread run's collector.
   */
  readonly metrics: Collector;

  constructor(
    readonly plan: Plan,
    private readonly options: WorkerRunOptions,
  ) {
    this.warnings = [...(options.warnings ?? [])];
    this.metrics = createCollector(plan.requestNames, () => this.clock.now());
    this.timeSeries = createTimeSeries((id) => this.metrics.requestNames[id]);
    this.metrics.onSecond((second) => this.timeSeries.add(second));
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
    const { count } = this.options;
    const ready: Promise<void>[] = [];
    const ended = Array.from({ length: count }, (_, i) => this.startOne(i + 1, count, ready));
    // Every thread loads and compiles first; the load starts on all of them at once, and the clock with it.
    await Promise.all(ready);
    const startedAt = new Date();
    this.startedAtMs = this.clock.now();
    this.options.onStart?.();
    for (const s of this.slots) s.worker.postMessage({ type: 'go' } satisfies ToWorker);
    await Promise.all(ended);
    this.mergeSeconds();
    // Until the last result came: a thread's exit after it (its pool closing) is not part of the run, as in Run.
    const endMs = Math.max(...this.slots.map((s) => s.endedAtMs ?? this.clock.now()));
    const durationMs = Math.round(Math.max(0, endMs - this.startedAtMs));
    const results = this.slots.flatMap((s) => (s.result ? [s.result] : []));
    const failures = this.slots.flatMap((s, i) => (s.failure ? [`worker ${i + 1} of ${count} failed: ${s.failure}`] : []));
    if (results.length === 0) throw new UserError({ message: `no worker thread could run: ${failures.join('; ')}`, hint: 'run without --workers to see the problem on one thread' });
    const merged = mergeWorkerResults(results, { runner: VERSION, scenario: this.identity(), startedAt: startedAt.toISOString(), target: this.plan.target }, durationMs);
    // The seconds as merged here, by t from the common 'go', unless following them failed: the merge of the
    // threads' own series places each by its own start, which can shift a thread by a second.
    if (!this.liveFailed) merged.timeSeries = this.timeSeries.points();
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

  /** Starts worker `index`; `ready` gets a promise that settles once it compiled its plan (or ended). */
  private startOne(index: number, count: number, ready: Promise<void>[]): Promise<void> {
    const { file, cwd, inputs, stopGraceMs } = this.options;
    const channel = this.options.lines ? createLineChannel() : undefined;
    const worker = startWorker({ kind: 'runner-worker', file, cwd, inputs, seed: this.plan.seed, index, count, stopGraceMs, lines: channel });
    const slot: Slot = { worker, seconds: [], ids: [], ended: false, iterations: { started: 0, completed: 0, failed: 0, dropped: 0, aborted: 0 }, activeVus: 0 };
    this.slots.push(slot);
    if (this.stopped) worker.postMessage(this.stopped);
    let isReady: () => void = () => {};
    ready.push(new Promise<void>((r) => (isReady = r)));
    return new Promise((resolve) => {
      worker.on('message', (m: FromWorker) => {
        if (m.type === 'ready') isReady();
        else if (m.type === 'lines') {
          this.options.lines?.(m.bytes);
          if (channel) lineBatchWritten(channel);
        }
        else if (m.type === 'tick') {
          slot.iterations = m.iterations;
          slot.activeVus = m.activeVus;
        } else if (m.type === 'second') {
          this.mapIds(slot, m.second);
          addCheckDeltas(this.checkCounts, m.second.checks);
          if (m.second.iterations) slot.iterations = m.second.iterations;
          slot.seconds.push(m.second);
          this.mergeSeconds();
        } else if (m.type === 'k6') this.absorbK6(m.delta);
        else if (m.type === 'k6-abort') this.options.k6?.abortedInThread(m.reason);
        else if (m.type === 'log') this.options.log?.(m.text);
        else if (m.type === 'done') {
          slot.result = m.result;
          slot.endedAtMs = this.clock.now();
          if (m.codeError) this.scenarioCodeError ??= new UserError(m.codeError);
        } else slot.failure = m.diagnostics?.[0]?.message ?? m.message;
      });
      worker.on('error', (err) => (slot.failure ??= err.message));
      worker.on('exit', (code) => {
        if (!slot.result && !slot.failure) slot.failure = `its thread exited (${code}) before sending a result`;
        slot.activeVus = 0;
        slot.ended = true;
        slot.endedAtMs ??= this.clock.now();
        this.mergeSeconds();
        isReady();
        resolve();
      });
    });
  }

  private absorbK6(delta: Parameters<K6Hooks['absorb']>[0]): void {
    try {
      this.options.k6?.absorb(delta);
    } catch (err) {
      // A damaged delta (it should not happen) must not end the process mid-run: the k6 numbers are then partial.
      this.warnings.push(`a worker's k6 metrics could not be merged: ${(err as Error).message}`);
    }
  }

  /**
   * Renumbers a thread's second into the main collector's ids: names a code scenario makes at run time get ids
   * per thread, in whatever order each thread met them; the same (name, scope) must be one id here.
   */
  private mapIds(slot: Slot, second: SecondSnapshot): void {
    for (const [id, name, scope] of second.names ?? []) {
      const before = this.metrics.requestNames.length;
      const mine = (slot.ids[id] = this.metrics.register(name, scope));
      // A name new to the run: the outputs learn it before its first second, as from a Run.
      if (this.metrics.requestNames.length > before) for (const sink of this.options.sinks ?? []) sink.named?.(mine, this.metrics.requestNames[mine]);
    }
    for (const r of second.requests) r.id = slot.ids[r.id] ?? r.id;
  }

  /**
   * Hands the collector every second that all running workers have closed, merged across them, in order of t.
   * A worker that ended closes no more seconds: it no longer holds the others back.
   */
  private mergeSeconds(): void {
    for (;;) {
      const waiting = this.slots.filter((s) => s.seconds.length > 0 || !s.ended);
      if (waiting.length === 0 || waiting.some((s) => s.seconds.length === 0)) return;
      const t = Math.min(...waiting.map((s) => s.seconds[0].t));
      const now = waiting.flatMap((s) => (s.seconds[0].t === t ? [s.seconds.shift()!] : []));
      if (this.liveFailed) continue;
      try {
        this.metrics.addSecond(mergeSecondSnapshots(now));
      } catch (err) {
        // A damaged second (it should not happen): stop following live; the result is unaffected (it merges the
        // workers' own results by name).
        this.liveFailed = true;
        this.warnings.push(`live progress and abortOnFail stopped following the workers: ${(err as Error).message}`);
      }
    }
  }
}
