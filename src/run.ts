// Run: one object per run. Owns the pools, metrics, clock and stop signal; runs every scenario of a
// plan at the same time and returns the RunResult. No global state: two runs never share anything.
import { setMaxListeners } from 'node:events';
import { createChecks, type Checks } from './flow/checks.ts';
import { createCodeFlow, type CodeFlow } from './flow/code-flow.ts';
import { createIterationErrors, type IterationErrors } from './flow/iteration-errors.ts';
import { createRequestFlow, type IterationOutcome } from './flow/request-flow.ts';
import { createRng, deriveSeed } from './generators/rng.ts';
import type { Rng } from './generators/types.ts';
import type { ExchangeContext } from './http/exchange.ts';
import { InFlight } from './http/in-flight.ts';
import { createPools, type Pools } from './http/pool.ts';
import { createCollector, type Collector } from './metrics/collector.ts';
import { teeSinks } from './metrics/tee.ts';
import type { MetricsSink } from './metrics/types.ts';
import { startSelfCheck, type SelfCheck } from './metrics/self-check.ts';
import { createTimeSeries, type TimeSeries } from './metrics/time-series.ts';
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
    this.pools = createPools(plan.http, () => this.clock.now());
    this.inFlight = new InFlight(() => this.clock.now());
    this.exchange = {
      metrics: teeSinks(this.metrics, options.sinks ?? []),
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
      for (const code of this.codeFlows.values()) await code.setup();
      await Promise.all(this.plan.scenarios.map((s, i) => this.runScenario(s, flows[i])));
      for (const code of this.codeFlows.values()) {
        const problem = await code.teardown();
        if (problem) this.warnings.push(problem);
      }
    } finally {
      if (this.hardStopTimer) clearTimeout(this.hardStopTimer);
      this.inFlight.stop();
      await this.pools.destroy();
      selfCheck = this.selfCheck.stop(this.iterations.dropped);
    }
    const durationMs = this.clock.now() - this.startedAtMs;
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
      // Code scenarios name their requests at run time; alone in a file, every request is theirs.
      const ids = s.steps ? s.steps.map((step) => step.id) : this.plan.scenarios.length === 1 ? this.metrics.requestNames.map((_, id) => id) : [];
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
    if (this.stopController.signal.aborted) return;
    this.outcome = outcome;
    this.stopController.abort();
    const graceMs = this.options.stopGraceMs ?? Math.min(this.plan.http.timeoutMs, 3_000);
    this.hardStopTimer = setTimeout(() => this.abort(), graceMs);
    this.hardStopTimer.unref();
  }

  /** Hard stop: abort everything in flight now (outcome `aborted`: requests were cut short). What was measured is kept. */
  abort(): void {
    this.outcome = 'aborted';
    if (!this.stopController.signal.aborted) this.stopController.abort();
    for (const vu of this.allVus) vu.interrupt();
    this.inFlight.abortAll();
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
          requestId: (name) => this.metrics.register(name),
          target: this.plan.target,
          timeoutMs: this.plan.http.timeoutMs,
          headers: s.headers ?? [],
          checks: this.checks,
          errors: this.iterationErrors,
          sleep: (vu, ms) => sleepVu(this.clock, vu, ms),
          fieldNames: this.plan.fields.map((f) => f.name),
          seed: this.plan.seed,
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
