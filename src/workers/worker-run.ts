// `runner run --workers N`: the main thread's side. Starts N worker threads, each running segment i/N of the
// run with its own pool; sums their live counts for progress; passes Ctrl-C and stops on; merges their results
// into the one result of the run. The scenario was loaded, validated and compiled here first, once, so a
// mistake is reported once, before any thread starts. setup() and teardown() run here, once, in a Run of their
// own whose load is the threads' (Run's `load` option); the threads get setup's data with their "go".
import { UserError } from '../errors.ts';
import type { Plan } from '../plan/types.ts';
import type { RunResult } from '../result/types.ts';
import type { PlanInputs } from '../run/prepare.ts';
import { Run, type SetupHandOff } from '../run.ts';
import { createRealClock, type Clock } from '../scheduler/clock.ts';
import { segmentIdentity } from '../scheduler/segment.ts';
import { VERSION } from '../version.ts';
import { mergeWorkerResults } from './merge-results.ts';
import { createCollector, type Collector } from '../metrics/collector.ts';
import type { CheckCounts, SecondSnapshot } from '../metrics/snapshot.ts';
import { ThreadSeconds, type SecondsSource } from './thread-seconds.ts';
import { createTimeSeries, type TimeSeries } from '../metrics/time-series.ts';
import type { MetricsSink } from '../metrics/types.ts';
import { followSeconds } from './follow-seconds.ts';
import { setupDataError, uncloneablePart } from './setup-data.ts';
import { startWorker, type FromWorker, type ToWorker } from './worker-entry.ts';
import { createLineChannel, createMainLineSink, lineBatchWritten } from './worker-lines.ts';
import type { Worker } from 'node:worker_threads';
import type { K6Hooks } from '../k6/hooks.ts';

export interface WorkerRunOptions {
  file: string;
  cwd: string;
  inputs: PlanInputs;
  count: number;
  /** --setup-data: setup() ran elsewhere; the threads get this, and neither setup() nor teardown() runs here. */
  setupData?: SetupHandOff;
  warnings?: string[];
  startAt?: Date;
  stopGraceMs?: number;
  /** A k6 script's hooks on this thread: the workers' k6 numbers are merged into its registry. */
  k6?: K6Hooks;
  /** Where the lines a k6 script's console writes in the workers go (stderr). */
  log?: (text: string) => void;
  /** Told each request name a thread made at run time (code scenarios), with this thread's id: the outputs. */
  sinks?: MetricsSink[];
  /** Called when the run starts (the threads compiled; before setup() runs here): the outputs start their clocks. */
  onStart?: () => void;
  /** A warm-up (warmUp()) comes before start(): the threads make their measured run after it. */
  warmUp?: boolean;
  /** Whole NDJSON lines the threads made (set when an output wants each request): written on this thread. */
  lines?: (bytes: Uint8Array) => void;
}

interface Slot extends SecondsSource {
  /** Undefined for the main thread's own setup()/teardown() run. */
  worker?: Worker;
  /** When its result came (or its thread exited without one), on the run clock. */
  endedAtMs?: number;
  iterations: RunResult['iterations'];
  /** Its WebSocket counters when its last second closed; undefined while it opened none. */
  ws?: SecondSnapshot['ws'];
  activeVus: number;
  result?: RunResult;
  failure?: string;
  /** It reported 'ready' (loaded and compiled its plan): from then on it obeys stop and abort messages. */
  ready?: boolean;
  /** Ended by a stop while it was still loading the scenario: no load ran there, and nothing failed. */
  cutShort?: boolean;
  /** Settles once its warm-up has ended (or the thread has). */
  warmed: Promise<void>;
  isWarmed: () => void;
}

const zeroIterations = (): RunResult['iterations'] => ({ started: 0, completed: 0, failed: 0, dropped: 0, aborted: 0 });

/** True when a code scenario of `plan` has setup() or teardown(): they run once, on the main thread. */
function hasLifecycle(plan: Plan): boolean {
  return plan.scenarios.some((s) => s.iteration?.setup !== undefined || s.iteration?.teardown !== undefined);
}

export class WorkerRun {
  readonly clock: Clock = createRealClock();
  /** A setup() or teardown() that threw (here, on the main thread), or setup data no thread can receive. */
  scenarioCodeError: UserError | undefined;
  private readonly slots: Slot[] = [];
  /** Each thread's end (it posted its result, failed or exited). */
  private ended: Promise<void>[] = [];
  private prepared: Promise<void> | undefined;
  private readonly warnings: string[];
  private startedAtMs = 0;
  private stopped: ToWorker | undefined;
  private went = false;
  /** The main thread's Run of setup() and teardown(), while it runs. */
  private lifecycle: Run | undefined;
  /** The run's checks by name so far: each thread's changes come with its seconds (as they arrive, not merged by t). */
  readonly checks = { toJSON: (): CheckCounts => structuredClone(this.seconds.checkCounts) };
  /** The result's per-second series, from the merged seconds: what one thread would have written. */
  private readonly timeSeries: TimeSeries;
  /**
   * The workers' closed seconds, merged second by second (exact: counts added, histograms added): live
   * progress, abortOnFail thresholds and the outputs read it as they read a one-thread run's collector.
   */
  readonly metrics: Collector;
  /** The threads' seconds, merged into `metrics`. */
  private readonly seconds: ThreadSeconds;

  constructor(
    readonly plan: Plan,
    private readonly options: WorkerRunOptions,
  ) {
    this.warnings = [...(options.warnings ?? [])];
    this.metrics = createCollector(plan.requestNames, () => this.clock.now());
    this.timeSeries = createTimeSeries((id) => this.metrics.requestNames[id]);
    this.metrics.onSecond((second) => this.timeSeries.add(second));
    this.seconds = new ThreadSeconds(this.metrics, this.slots, options.sinks ?? [], (text) => this.warnings.push(text));
  }

  get iterations(): RunResult['iterations'] {
    const out = zeroIterations();
    for (const s of this.slots) for (const k of Object.keys(out) as (keyof typeof out)[]) out[k] += s.iterations[k];
    return out;
  }

  /** The threads' WebSocket counters summed (Prometheus's runner_ws_* series); undefined while none opened one. */
  wsCounts(): SecondSnapshot['ws'] {
    let out: SecondSnapshot['ws'];
    for (const s of this.slots) {
      if (!s.ws) continue;
      out ??= { opened: 0, failed: 0, open: 0, sent: 0, received: 0, delivered: 0, lost: 0 };
      for (const k of Object.keys(out) as (keyof typeof out)[]) out[k] += s.ws[k];
    }
    return out;
  }

  get activeVus(): number {
    return this.slots.reduce((n, s) => n + s.activeVus, 0);
  }

  elapsedMs(): number {
    return this.startedAtMs === 0 ? 0 : this.clock.now() - this.startedAtMs;
  }

  /**
   * Starts the threads; resolves once every one has loaded and compiled its plan (or ended), so that the load
   * can start at once when start() is called (a --start-at instant, the end of a warm-up). start() calls it too.
   */
  prepare(): Promise<void> {
    if (this.prepared) return this.prepared;
    const { count } = this.options;
    const ready: Promise<void>[] = [];
    this.ended = Array.from({ length: count }, (_, i) => this.startOne(i + 1, count, ready));
    this.prepared = Promise.all(ready).then(() => undefined);
    return this.prepared;
  }

  /**
   * `--warmup`: every thread runs the load for `ms` on its own pool, recording nothing; resolves with how long
   * the warm-up ran (ms) once every thread's warm-up has ended, so the measured load starts on all at once.
   */
  async warmUp(ms: number): Promise<number> {
    await this.prepare();
    const startedMs = performance.now();
    this.tellWorkers({ type: 'warmup', ms });
    await Promise.all(this.workers().map((s) => s.warmed));
    return performance.now() - startedMs;
  }

  async start(): Promise<RunResult> {
    const { count } = this.options;
    // Every thread loads and compiles first; the load starts on all of them at once, and the clock with it.
    await this.prepare();
    const startedAt = new Date();
    this.startedAtMs = this.clock.now();
    this.options.onStart?.();
    const results: RunResult[] = [];
    const labels: string[] = [];
    if (this.options.setupData) await this.loadOnWorkers(this.options.setupData);
    else if (hasLifecycle(this.plan)) {
      // setup() once here; the threads start their load with its data, then teardown() runs here once.
      const slot = this.addSlot(undefined);
      // Its requests' NDJSON lines are made here, as a thread makes its own.
      const lines = this.options.lines && createMainLineSink(this.plan, this.options.lines);
      const lifecycle = (this.lifecycle = new Run(this.plan, { clock: this.clock, stopGraceMs: this.options.stopGraceMs, sinks: lines ? [lines] : undefined, load: (setup) => this.loadOnWorkers(setup) }));
      followSeconds(lifecycle, (second) => this.addSecond(slot, second));
      if (this.stopped?.type === 'stop') lifecycle.stop(this.stopped.outcome);
      else if (this.stopped?.type === 'abort') lifecycle.abort();
      try {
        slot.result = await lifecycle.start();
        lines?.close();
        results.push(slot.result);
        labels.push('main thread (setup/teardown)');
        this.scenarioCodeError ??= lifecycle.scenarioCodeError;
      } finally {
        this.lifecycle = undefined;
        slot.ended = true;
        slot.endedAtMs = this.clock.now();
        // setup() threw or was cut short: the threads never got their "go"; they end without load.
        if (!this.went) {
          if (!this.stopped) this.tellWorkers((this.stopped = { type: 'stop', outcome: 'aborted' }));
          await this.loadOnWorkers(undefined);
        }
      }
    } else await this.loadOnWorkers(undefined);
    this.seconds.merge();
    // Until the last result came: a thread's exit after it (its pool closing) is not part of the run, as in Run.
    const endMs = Math.max(...this.slots.map((s) => s.endedAtMs ?? this.clock.now()));
    const durationMs = Math.round(Math.max(0, endMs - this.startedAtMs));
    this.workers().forEach((s, i) => {
      if (!s.result) return;
      results.push(s.result);
      labels.push(`worker ${i + 1}`);
    });
    const failures = this.workers().flatMap((s, i) => (s.failure ? [`worker ${i + 1} of ${count} failed: ${s.failure}`] : []));
    // Stopped while every thread was still loading (scenario code that never settles there): nothing ran, and
    // the run ends as a one-thread run stopped before its start does: an empty, interrupted result.
    if (results.length === 0 && this.stopped && failures.length === 0) return this.stoppedBeforeLoad();
    if (results.length === 0) throw new UserError({ message: `no worker thread could run: ${failures.join('; ')}`, hint: 'run without --workers to see the problem on one thread' });
    const merged = mergeWorkerResults(results, { runner: VERSION, scenario: this.identity(), startedAt: startedAt.toISOString(), target: this.plan.target }, durationMs, labels);
    // The seconds as merged here, by t from the common 'go', unless following them failed: the merge of the
    // threads' own series places each by its own start, which can shift a thread by a second.
    if (!this.seconds.failed) merged.timeSeries = this.timeSeries.points();
    merged.warnings.unshift(...this.warnings, ...failures);
    if (failures.length > 0 && merged.outcome === 'completed') merged.outcome = 'aborted';
    return merged;
  }

  stop(outcome: 'interrupted' | 'aborted' = 'interrupted'): void {
    this.lifecycle?.stop(outcome);
    if (this.stopped) return;
    this.tellWorkers((this.stopped = { type: 'stop', outcome }));
    this.endLoading();
  }

  abort(): void {
    this.lifecycle?.abort();
    this.tellWorkers((this.stopped = { type: 'abort' }));
    this.endLoading();
  }

  /**
   * A thread still loading reads no messages until its scenario module settled, which may be never (a top-level
   * await that hangs): the run would wait for it forever, deaf to Ctrl-C. It has sent nothing yet, so end it.
   */
  private endLoading(): void {
    for (const s of this.workers()) {
      if (s.ready || s.ended) continue;
      s.cutShort = true;
      void s.worker!.terminate();
    }
  }

  /** The result of a run stopped before any thread could start: a one-thread Run stopped before it started. */
  private async stoppedBeforeLoad(): Promise<RunResult> {
    const empty = new Run(this.plan, { clock: this.clock, warnings: [...this.warnings] });
    empty.stop(this.stopped?.type === 'stop' ? this.stopped.outcome : 'interrupted');
    return empty.start();
  }

  /** Ends the threads still running (the run never started: a late --start-at, a failed warm-up). */
  close(): void {
    for (const s of this.workers()) if (!s.ended) void s.worker!.terminate();
  }

  warn(text: string): void {
    this.warnings.push(text);
  }

  /** Scenario code runs in the workers, and setup()/teardown() here: an error escaping those belongs to them. */
  inScenarioCode(): boolean {
    return this.lifecycle?.inScenarioCode() ?? false;
  }

  scenarioFault(err: unknown): boolean {
    return this.lifecycle?.scenarioFault(err) ?? false;
  }

  /**
   * Gives every thread its "go" (with the setup data, when setup() ran here) and resolves once all have ended.
   * Data a thread cannot receive stops the run before any load: a UserError (exit 2), teardown() still runs.
   */
  private async loadOnWorkers(setup: SetupHandOff | undefined): Promise<void> {
    this.went = true;
    const go: ToWorker = { type: 'go', ...(setup ? { setupData: setup.data } : {}) };
    let problem = setup?.data.map((d, i) => ({ scenario: setup.scenarios[i], why: uncloneablePart(d) })).find((p) => p.why !== undefined);
    const goAtMs = this.clock.now();
    for (const s of this.workers()) {
      // Its second 0 is the run's second this one: every second the run handed out so far ended before now.
      s.offsetS = Math.floor((goAtMs - this.startedAtMs) / 1000);
      s.joined = true;
      if (problem) continue;
      try {
        s.worker!.postMessage(go);
      } catch (err) {
        this.scenarioCodeError ??= setupDataError(setup!.scenarios[0], (err as Error).message);
        problem ??= { scenario: setup!.scenarios[0], why: (err as Error).message };
      }
    }
    if (problem) this.scenarioCodeError ??= setupDataError(problem.scenario, problem.why!);
    if (this.scenarioCodeError && !this.stopped) this.tellWorkers((this.stopped = { type: 'stop', outcome: 'aborted' }));
    await Promise.all(this.ended);
  }

  private identity(): RunResult['scenario'] {
    // The process's segment (what `runner merge` checks), not the threads' sub-segments.
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
    // A process running a segment: the threads cut that segment (their identities stay the run's global ones).
    const segment = this.plan.segment && segmentIdentity(this.plan.segment);
    const channel = this.options.lines ? createLineChannel() : undefined;
    const worker = startWorker({ kind: 'runner-worker', file, cwd, inputs, seed: this.plan.seed, index, count, ...(segment ? { segment } : {}), stopGraceMs, lines: channel, warmUp: this.options.warmUp });
    const slot = this.addSlot(worker);
    if (this.stopped) worker.postMessage(this.stopped);
    let isReady: () => void = () => {};
    ready.push(new Promise<void>((r) => (isReady = r)));
    return new Promise((resolve) => {
      worker.on('message', (m: FromWorker) => {
        if (m.type === 'ready') {
          slot.ready = true;
          isReady();
        }
        else if (m.type === 'warmed') slot.isWarmed();
        else if (m.type === 'lines') {
          this.options.lines?.(m.bytes);
          if (channel) lineBatchWritten(channel);
        }
        else if (m.type === 'tick') {
          slot.iterations = m.iterations;
          slot.activeVus = m.activeVus;
        } else if (m.type === 'second') this.addSecond(slot, m.second);
        else if (m.type === 'k6') this.absorbK6(m.delta);
        else if (m.type === 'halt') {
          // Scenario code called process.exit() in that thread: the run stops, as on one thread.
          this.stop(m.outcome);
        } else if (m.type === 'k6-abort') this.options.k6?.abortedInThread(m.reason);
        else if (m.type === 'log') this.options.log?.(m.text);
        else if (m.type === 'done') {
          slot.result = m.result;
          slot.endedAtMs = this.clock.now();
          if (m.codeError) this.scenarioCodeError ??= new UserError(m.codeError);
        } else {
          slot.failure = m.diagnostics?.[0]?.message ?? m.message;
          // A thread that failed (its scenario threw while loading there) is done, but its message port keeps it
          // alive: end it, so its 'exit' settles ready/warmed/ended and the run goes on without it (it hung).
          void worker.terminate();
        }
      });
      worker.on('error', (err) => (slot.failure ??= err.message));
      worker.on('exit', (code) => {
        if (!slot.result && !slot.failure && !slot.cutShort) slot.failure = `its thread exited (${code}) before sending a result`;
        slot.activeVus = 0;
        slot.ended = true;
        slot.endedAtMs ??= this.clock.now();
        this.seconds.merge();
        isReady();
        slot.isWarmed();
        resolve();
      });
    });
  }

  private tellWorkers(m: ToWorker): void {
    for (const s of this.workers()) s.worker!.postMessage(m);
  }

  private workers(): Slot[] {
    return this.slots.filter((s) => s.worker !== undefined);
  }

  private addSlot(worker: Worker | undefined): Slot {
    let isWarmed: () => void = () => {};
    const warmed = new Promise<void>((r) => (isWarmed = r));
    const slot: Slot = { worker, seconds: [], ids: [], offsetS: 0, joined: worker === undefined, ended: false, iterations: zeroIterations(), activeVus: 0, warmed, isWarmed };
    this.slots.push(slot);
    return slot;
  }

  /** A closed second of a thread (or of setup/teardown here), placed on the run's seconds. */
  private addSecond(slot: Slot, second: SecondSnapshot): void {
    if (second.iterations) slot.iterations = second.iterations;
    if (second.ws) slot.ws = second.ws;
    this.seconds.add(slot, second);
  }

  private absorbK6(delta: Parameters<K6Hooks['absorb']>[0]): void {
    try {
      this.options.k6?.absorb(delta);
    } catch (err) {
      // A damaged delta (it should not happen) must not end the process mid-run: the k6 numbers are then partial.
      this.warnings.push(`a worker's k6 metrics could not be merged: ${(err as Error).message}`);
    }
  }
}
