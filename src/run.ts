// Run: one object per run. Owns the pools, metrics, clock and stop signal; runs every scenario of a
// plan at the same time and returns the RunResult. No global state: two runs never share anything.
import { setMaxListeners } from 'node:events';
import { createChecks, type Checks } from './flow/checks.ts';
import { createCodeFlow, type CodeFlow } from './flow/code-flow.ts';
import { createCodeLifecycle, type CodeLifecycle } from './flow/code-lifecycle.ts';
import { createFaultScopes, type FaultScopes } from './flow/fault-scope.ts';
import { createIterationErrors, errorMessage, type IterationErrors } from './flow/iteration-errors.ts';
import { createRequestFlow, type IterationOutcome } from './flow/request-flow.ts';
import { createRng, deriveSeed } from './generators/rng.ts';
import type { Rng } from './generators/types.ts';
import type { ExchangeContext } from './http/exchange.ts';
import { InFlight } from './http/in-flight.ts';
import { createPools, type Pools } from './http/pool.ts';
import { cardinalityWarnings } from './metrics/cardinality.ts';
import { createCollector, type Collector } from './metrics/collector.ts';
import { createTee, type Tee } from './metrics/tee.ts';
import type { MetricsSink } from './metrics/types.ts';
import { startSelfCheck, type SelfCheck } from './metrics/self-check.ts';
import { createTimeSeries, type TimeSeries } from './metrics/time-series.ts';
import type { UserError } from './errors.ts';
import type { Plan, PlannedScenario } from './plan/types.ts';
import { buildRunResult } from './report/result.ts';
import type { RunResult, ScenarioResult, SelfCheckResult } from './report/result-types.ts';
import { createRealClock, type Clock } from './scheduler/clock.ts';
import type { ScenarioRuntime } from './scheduler/executor.ts';
import { executors, isOpenModel } from './scheduler/index.ts';
import { Vu } from './scheduler/vu.ts';
import { VERSION } from './version.ts';

export interface RunOptions {
  clock?: Clock;
  /** How long in-flight requests may finish after stop() before they are aborted. */
  stopGraceMs?: number;
  warnings?: string[];
  /** More sinks that get every sample after the collector (exporters, live progress, interval logs). */
  sinks?: MetricsSink[];
  /** Dispatchers made by the caller (a warm-up's open connections): used, and left open at the end. */
  pools?: Pools;
}

/** Iteration counters of the whole run. */
export interface IterationCounts {
  started: number;
  completed: number;
  failed: number;
  dropped: number;
  aborted: number;
}

/** A flow runs one iteration of a scenario on a VU. */
export type IterationFn = (vu: Vu, rng: Rng, intendedStartMs: number | undefined, iteration: number) => Promise<IterationOutcome>;

export class Run {
  readonly plan: Plan;
  readonly clock: Clock;
  readonly metrics: Collector;
  readonly checks: Checks;
  /** Exceptions that failed iterations, by message. */
  readonly iterationErrors: IterationErrors = createIterationErrors();
  readonly iterations: IterationCounts = { started: 0, completed: 0, failed: 0, dropped: 0, aborted: 0 };
  /** Iteration counters of each scenario, by position in the plan. */
  readonly scenarioIterations: IterationCounts[];
  /** VUs running an iteration now, across scenarios (what live progress shows). */
  activeVus = 0;
  /**
   * The first throw of a setup() or teardown() (message and .ts position), also counted in iterationErrors. The
   * run still ends with its result (setup's own requests included); the caller reports this after it (exit 2).
   */
  scenarioCodeError: UserError | undefined;
  private readonly timeSeries: TimeSeries;
  private selfCheck: SelfCheck | null = null;
  private readonly pools: Pools;
  private readonly inFlight: InFlight;
  private readonly exchange: ExchangeContext;
  private readonly stopController = new AbortController();
  private readonly allVus: Vu[] = [];
  private readonly options: RunOptions;
  private hardStopTimer: NodeJS.Timeout | null = null;
  private outcome: RunResult['outcome'] = 'completed';
  /** One per code iteration function, shared by the scenarios that run it. */
  private readonly codeFlows = new Map<object, CodeFlow>();
  private readonly warnings: string[];
  /** The first message of each error class, for the summary. */
  private readonly errorMessages: Record<string, string> = Object.create(null);
  private startedAtMs = 0;
  /** Which code iteration, setup or teardown an error escaping scenario code belongs to. */
  private readonly faults: FaultScopes = createFaultScopes();
  /** Errors from scenario code that no running call could take (it had ended, or none was running). */
  private strayErrors = 0;
  /** The collector and the other sinks; a sink that throws is dropped there and reported in a warning. */
  private readonly tee: Tee;
  /** setup() and teardown() of the code scenarios. */
  private lifecycle: CodeLifecycle | null = null;
  /** The load has ended and teardown() runs: a hard stop now cuts only teardown (see abort()). */
  private tearingDown = false;

  constructor(plan: Plan, options: RunOptions = {}) {
    this.plan = plan;
    this.options = options;
    this.warnings = [...(options.warnings ?? [])];
    // The stop signal is shared on purpose by every scenario (a start-time sleep, the executor's deadline, its
    // tick): a few listeners each. Node warns past 10; the bound grows with the scenarios, so a per-VU or
    // per-request listener (the real leak) would still be reported.
    setMaxListeners(10 + 4 * plan.scenarios.length, this.stopController.signal);
    this.clock = options.clock ?? createRealClock();
    this.timeSeries = createTimeSeries(() => this.clock.now());
    this.metrics = createCollector(plan.requestNames, this.timeSeries);
    this.scenarioIterations = plan.scenarios.map(() => ({ started: 0, completed: 0, failed: 0, dropped: 0, aborted: 0 }));
    this.checks = createChecks();
    this.pools = options.pools ?? createPools(plan.http, () => this.clock.now());
    this.inFlight = new InFlight(() => this.clock.now());
    this.tee = createTee(this.metrics, options.sinks ?? []);
    this.exchange = {
      metrics: this.tee.sink,
      inFlight: this.inFlight,
      now: () => this.clock.now(),
      connectedSince: (origin, sinceMs) => this.pools.connectedSince(origin, sinceMs),
      markAlive: (origin) => this.pools.markAlive(origin),
      maxBodyBytes: plan.http.maxCaptureBytes,
      firstError: (kind, message) => (this.errorMessages[kind] ??= message),
      pipelining: plan.http.pipelining > 1,
    };
  }

  /** Fires when the run is stopping. */
  get stopSignal(): AbortSignal {
    return this.stopController.signal;
  }

  /** Milliseconds since start(). */
  elapsedMs(): number {
    return this.startedAtMs === 0 ? 0 : this.clock.now() - this.startedAtMs;
  }

  /** Runs every scenario to its end (or until stopped) and returns the result. */
  async start(): Promise<RunResult> {
    const startedAt = new Date();
    this.startedAtMs = this.clock.now();
    this.timeSeries.begin();
    this.selfCheck = startSelfCheck();
    let selfCheck: SelfCheckResult | undefined;
    try {
      const flows = this.plan.scenarios.map((s) => this.createFlow(s));
      this.lifecycle = createCodeLifecycle(
        [...this.codeFlows.values()],
        (t) => this.warnings.push(t),
        (err) => this.codeFailed(err),
      );
      // A setup() or teardown() that never settles is bounded by stop(): Ctrl-C or SIGTERM.
      if (await this.lifecycle.setup(this.stopSignal)) {
        await Promise.all(this.plan.scenarios.map((s, i) => this.runScenario(s, flows[i])));
        // Teardown runs after a stop too; the grace timer of that stop must not cut it, a new signal does.
        if (this.hardStopTimer) clearTimeout(this.hardStopTimer);
        this.tearingDown = true;
        await this.lifecycle.teardown();
      } else if (this.scenarioCodeError && !this.stopSignal.aborted) {
        // setup() threw: the load never ran (a signal that came first keeps its own outcome).
        this.outcome = 'aborted';
      }
    } finally {
      if (this.hardStopTimer) clearTimeout(this.hardStopTimer);
      this.inFlight.stop();
      if (!this.options.pools) await this.pools.destroy();
      selfCheck = this.selfCheck.stop(this.iterations.dropped);
    }
    const durationMs = this.clock.now() - this.startedAtMs;
    this.warnNames();
    return buildRunResult({
      runner: VERSION,
      scenario: { name: this.plan.name, file: this.plan.file, seed: this.plan.seed },
      target: this.plan.target,
      startedAt,
      durationMs: Math.round(durationMs),
      outcome: this.outcome,
      iterations: { ...this.iterations },
      metrics: this.metrics.toRequestResults(durationMs),
      checks: this.checks.toJSON(),
      iterationErrors: this.iterationErrors.toJSON(),
      errorMessages: { ...this.errorMessages },
      warnings: this.warnings,
      scenarios: this.scenarioResults(durationMs),
      timeSeries: this.timeSeries.points(),
      selfCheck,
    });
  }

  /** Each scenario's own requests and iterations, by name. */
  private scenarioResults(durationMs: number): Record<string, ScenarioResult> {
    const out: Record<string, ScenarioResult> = {};
    for (const s of this.plan.scenarios) {
      const iterations = { ...this.scenarioIterations[s.index] };
      // Code scenarios name their requests at run time, each in its own scope (setup/teardown: scope '').
      const ids = s.steps ? s.steps.map((step) => step.id) : this.metrics.idsIn(s.name);
      const r = this.metrics.summarizeIds(ids, durationMs);
      out[s.name] = {
        executor: s.load.executor,
        model: isOpenModel(s.load.executor) ? 'open' : 'closed',
        totals: { ...r.totals, dropped: iterations.dropped },
        latency: r.latency,
        serviceTime: r.serviceTime,
        iterations,
      };
    }
    return out;
  }

  /**
   * Graceful stop: start no more iterations; in-flight ones get a short grace, then are aborted.
   * `outcome`: 'interrupted' for a signal, 'aborted' when runner itself stops the run (a threshold's abortOnFail).
   */
  stop(outcome: 'interrupted' | 'aborted' = 'interrupted'): void {
    this.lifecycle?.interrupt();
    if (this.stopController.signal.aborted) return;
    this.outcome = outcome;
    this.stopController.abort();
    const graceMs = this.options.stopGraceMs ?? Math.min(this.plan.http.timeoutMs, 3_000);
    this.hardStopTimer = setTimeout(() => this.abort(), graceMs);
    this.hardStopTimer.unref();
  }

  /**
   * Hard stop: abort everything in flight now (outcome `aborted`: the load was cut short). What was measured is kept.
   * During teardown() the load is over, as a YAML run is over when a late second Ctrl-C comes: teardown is cut
   * (its warning says so, its requests count as aborted) and the outcome stays what the load ended with.
   */
  abort(): void {
    this.lifecycle?.interrupt();
    if (!this.tearingDown) this.outcome = 'aborted';
    if (!this.stopController.signal.aborted) this.stopController.abort();
    for (const vu of this.allVus) vu.interrupt();
    this.inFlight.abortAll();
  }

  /** Adds a warning to the result (e.g. from the process-level guard). */
  warn(text: string): void {
    this.warnings.push(text);
  }

  /** True while the caller runs inside scenario code (an iteration, setup or teardown) of this run. */
  inScenarioCode(): boolean {
    return this.faults.getStore() !== undefined;
  }

  /**
   * An error that escaped scenario code (uncaught in a timer callback, an unhandled rejection): fails the
   * iteration (or setup/teardown) it came from when that is still running; else it is counted by message in
   * iterationErrors and summed up in a warning. Returns whether a running call took it.
   */
  scenarioFault(err: unknown): boolean {
    if (this.faults.getStore()?.fail(err)) return true;
    this.strayErrors++;
    this.iterationErrors.record(err, this.plan.scenarios.find((s) => s.iteration)?.iteration?.locateError);
    return false;
  }

  /** A setup() or teardown() threw: kept for the caller and counted, at its .ts position, with the iteration errors. */
  private codeFailed(err: UserError): void {
    this.scenarioCodeError ??= err;
    for (const d of err.diagnostics) this.iterationErrors.record(new Error(d.message), () => d.location);
  }

  /** The metric id of a code request's name within its scenario; sinks learn each new name before its first sample. */
  private requestId(name: string, scope: string): number {
    const before = this.metrics.requestNames.length;
    const id = this.metrics.register(name, scope);
    if (this.metrics.requestNames.length > before) this.exchange.metrics.named?.(id, this.metrics.requestNames[id]);
    return id;
  }

  /** Warnings about names past the caps, outputs that failed, and errors no call could take. */
  private warnNames(): void {
    this.warnings.push(...cardinalityWarnings(this.metrics.folded(), this.checks.folded()));
    for (const d of this.tee.dropped()) this.warnings.push(`an output stopped recording samples during the run: ${errorMessage(d.error)}`);
    if (this.strayErrors > 0) {
      this.warnings.push(`${this.strayErrors} error(s) escaped scenario code outside any running iteration (a timer or an unawaited promise): counted under iteration errors`);
    }
  }

  private async runScenario(s: PlannedScenario, flow: IterationFn): Promise<void> {
    const { load } = s;
    if (load.startTimeMs > 0) {
      await this.clock.sleep(load.startTimeMs, this.stopSignal);
      if (this.stopSignal.aborted) return;
    }
    let nextIteration = 0;
    let vuIds = 0;
    const counts = this.scenarioIterations[s.index];
    const ended = (outcome: IterationOutcome): void => {
      this.activeVus--;
      this.iterations[outcome]++;
      counts[outcome]++;
    };
    const failed = (err: unknown): void => {
      this.iterationErrors.record(err, s.iteration?.locateError);
      ended('failed');
    };
    const rt: ScenarioRuntime = {
      clock: this.clock,
      stopSignal: this.stopSignal,
      createVu: () => {
        const vu = new Vu(++vuIds, s.slotCount);
        this.allVus.push(vu);
        return vu;
      },
      // Not async, and one .then with handlers made once per scenario: an async wrapper would cost a promise
      // and an await per iteration on top of the flow's own.
      iterate: (vu, intendedStartMs) => {
        const iteration = nextIteration++;
        vu.iterations++;
        this.iterations.started++;
        counts.started++;
        // Fields are drawn from a stream seeded by the iteration number: the same seed gives the same payloads.
        const rng = createRng(deriveSeed(this.plan.seed, s.index, iteration));
        this.activeVus++;
        let outcome: Promise<IterationOutcome>;
        try {
          // A draw can throw (unique values exhausted): that fails the iteration, not the run.
          for (let i = 0; i < this.plan.fields.length; i++) vu.vars[i] = this.plan.fields[i].draw(rng);
          outcome = flow(vu, rng, intendedStartMs, iteration);
        } catch (err) {
          outcome = Promise.reject(err);
        }
        return outcome.then(ended, failed);
      },
      drop: (count = 1) => {
        this.iterations.dropped += count;
        counts.dropped += count;
        for (let i = 0; i < count; i++) this.timeSeries.dropped();
      },
      lateStart: (lateMs) => this.selfCheck?.lateStart(lateMs),
    };
    const executor = executors[load.executor] as { run(c: typeof load, rt: ScenarioRuntime): Promise<void> };
    await executor.run(load, rt);
  }

  private createFlow(s: PlannedScenario): IterationFn {
    if (s.iteration) {
      let code = this.codeFlows.get(s.iteration);
      if (!code) {
        code = createCodeFlow(s.iteration, {
          exchange: this.exchange,
          dispatcher: (origin) => this.pools.get(origin),
          requestId: (name, scope) => this.requestId(name, scope),
          target: this.plan.target,
          timeoutMs: this.plan.http.timeoutMs,
          headers: s.headers ?? [],
          checks: this.checks,
          errors: this.iterationErrors,
          sleep: (vu, ms) => sleepVu(this.clock, vu, ms),
          fieldNames: this.plan.fields.map((f) => f.name),
          seed: this.plan.seed,
          faults: this.faults,
        });
        this.codeFlows.set(s.iteration, code);
      }
      return code.iterationFor(s.name);
    }
    if (!s.steps) throw new Error(`scenario '${s.name}' has no request steps`);
    return createRequestFlow(s.steps, {
      exchange: this.exchange,
      dispatcher: (origin) => this.pools.get(origin),
      checks: this.checks,
      sleep: (vu, ms) => sleepVu(this.clock, vu, ms),
    });
  }
}

/** A pause that a stop cuts short. */
function sleepVu(clock: Clock, vu: Vu, ms: number): Promise<void> {
  if (vu.interrupted || ms <= 0) return Promise.resolve();
  const ac = new AbortController();
  vu.current = { abort: () => ac.abort() };
  return clock.sleep(ms, ac.signal).then(() => {
    vu.current = null;
  });
}
