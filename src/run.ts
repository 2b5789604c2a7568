// Run: one object per run. Owns the pools, metrics, clock and stop signal; runs every scenario of a
// plan at the same time and returns the RunResult. No global state: two runs never share anything.
import { setMaxListeners } from 'node:events';
import { createChecks, type Checks } from './flow/checks.ts';
import { createCodeLifecycle, type CodeLifecycle } from './flow/code-lifecycle.ts';
import { createFaultScopes, type FaultScopes } from './flow/fault-scope.ts';
import { createIterationErrors, errorMessage, type IterationErrors } from './flow/iteration-errors.ts';
import type { ExchangeContext } from './http/exchange.ts';
import { InFlight } from './http/in-flight.ts';
import { createPools, type Pools } from './http/pool.ts';
import { cardinalityWarnings } from './metrics/cardinality.ts';
import { createCollector, type Collector } from './metrics/collector.ts';
import { createHttpSample } from './metrics/sample.ts';
import { createTee, type Tee } from './metrics/tee.ts';
import type { MetricsSink } from './metrics/types.ts';
import { startSelfCheck, type SelfCheck } from './metrics/self-check.ts';
import { ACTIVE_VUS, CHECKS_FAILED, CHECKS_PASSED, ITERATIONS_STARTED } from './metrics/seconds.ts';
import { createTimeSeries, type TimeSeries } from './metrics/time-series.ts';
import type { UserError } from './errors.ts';
import type { Plan } from './plan/types.ts';
import { buildRunResult } from './report/result.ts';
import type { RunResult, ScenarioResult, SelfCheckResult } from './result/types.ts';
import { createFlows } from './run/flows.ts';
import { ScenarioRunner, zeroCounts, type IterationCounts, type IterationFn } from './run/scenario-runner.ts';
import { createRealClock, type Clock } from './scheduler/clock.ts';
import { segmentIdentity } from './scheduler/segment.ts';
import type { Vu } from './scheduler/vu.ts';
import { VERSION } from './version.ts';
import { WsHub } from './ws/hub.ts';
import type { WsResult } from './result/ws-types.ts';

export type { IterationCounts, IterationFn } from './run/scenario-runner.ts';

export interface RunOptions {
  clock?: Clock;
  /** How long in-flight requests may finish after stop() before they are aborted. */
  stopGraceMs?: number;
  warnings?: string[];
  /** More sinks that get every sample after the collector (exporters, live progress, interval logs). */
  sinks?: MetricsSink[];
  /** Dispatchers made by the caller (a warm-up's open connections): used, and left open at the end. */
  pools?: Pools;
  /** The shared start instant the run waited for (--start-at), recorded in the result. */
  startAt?: Date;
  /**
   * `--workers`, on the main thread: the load runs on worker threads, not here. This Run runs setup() once, hands
   * what it returned to `load` (which resolves once every thread has ended), then runs teardown() once; its own
   * result holds the requests of setup() and teardown().
   */
  load?: (setup: SetupHandOff) => Promise<void>;
}

/** What the setup() of each code flow returned, in the order of the plan's code flows, with a scenario of each. */
export interface SetupHandOff {
  data: unknown[];
  scenarios: string[];
}

export class Run {
  readonly plan: Plan;
  readonly clock: Clock;
  readonly metrics: Collector;
  readonly checks: Checks;
  /** Exceptions that failed iterations, by message. */
  readonly iterationErrors: IterationErrors = createIterationErrors();
  /** Iteration counters of the whole run, and the VUs running an iteration now (what live progress shows). */
  private readonly tally: { iterations: IterationCounts; activeVus: number } = { iterations: zeroCounts(), activeVus: 0 };
  /** One runner per scenario of the plan, made at start(). */
  private runners: ScenarioRunner[] = [];
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
  /** WebSocket sessions, metrics and delivery tracking; made by the first WebSocket step, else never. */
  private wsHub: WsHub | null = null;
  private wsResult: WsResult | undefined;
  /** On a worker thread of `--workers`: the data of the setups the main thread ran (none run here). */
  private setupData: readonly unknown[] | undefined;

  constructor(plan: Plan, options: RunOptions = {}) {
    this.plan = plan;
    this.options = options;
    this.warnings = [...(options.warnings ?? [])];
    // The stop signal is shared on purpose by every scenario (a start-time sleep, the executor's deadline, its
    // tick): a few listeners each. Node warns past 10; the bound grows with the scenarios, so a per-VU or
    // per-request listener (the real leak) would still be reported.
    setMaxListeners(10 + 4 * plan.scenarios.length, this.stopController.signal);
    this.clock = options.clock ?? createRealClock();
    this.metrics = createCollector(plan.requestNames, () => this.clock.now());
    this.timeSeries = createTimeSeries((id) => this.metrics.requestNames[id]);
    this.metrics.onSecond((second) => this.timeSeries.add(second));
    this.checks = createChecks();
    this.pools = options.pools ?? createPools(plan.http, () => this.clock.now());
    this.inFlight = new InFlight(() => this.clock.now());
    this.tee = createTee(this.metrics, options.sinks ?? []);
    this.exchange = {
      metrics: this.tee.sink,
      sample: createHttpSample(),
      inFlight: this.inFlight,
      now: () => this.clock.now(),
      connectedSince: (origin, sinceMs) => this.pools.connectedSince(origin, sinceMs),
      markAlive: (origin) => this.pools.markAlive(origin),
      markTimedOut: (origin) => this.pools.markTimedOut(origin),
      timedOutSince: (origin, sinceMs) => this.pools.timedOutSince(origin, sinceMs),
      maxBodyBytes: plan.http.maxCaptureBytes,
      firstError: (kind, message) => (this.errorMessages[kind] ??= message),
      pipelining: plan.http.pipelining > 1,
      multiplexed: plan.http.version === 2,
    };
  }

  /** Iteration counters of the whole run. */
  get iterations(): IterationCounts {
    return this.tally.iterations;
  }

  /** WebSocket counters so far, for live outputs; undefined while no WebSocket step ran. */
  wsCounts(): ReturnType<WsHub['metrics']['liveCounts']> | undefined {
    return this.wsHub?.metrics.liveCounts();
  }

  /** VUs running an iteration now, across scenarios. */
  get activeVus(): number {
    return this.tally.activeVus;
  }

  /** Fires when the run is stopping. */
  get stopSignal(): AbortSignal {
    return this.stopController.signal;
  }

  /** Milliseconds since start(). */
  elapsedMs(): number {
    return this.startedAtMs === 0 ? 0 : this.clock.now() - this.startedAtMs;
  }

  /**
   * A worker thread of `--workers`: setup() ran once on the main thread, and this is what each code flow's setup
   * returned (SetupHandOff.data). This Run runs neither setup() nor teardown(). Call before start().
   */
  useSetupData(data: readonly unknown[]): void {
    this.setupData = data;
  }

  /** Runs every scenario to its end (or until stopped) and returns the result. */
  async start(): Promise<RunResult> {
    const startedAt = new Date();
    this.startedAtMs = this.clock.now();
    this.metrics.begin((out) => {
      out[ITERATIONS_STARTED] = this.tally.iterations.started;
      out[CHECKS_PASSED] = this.checks.passes();
      out[CHECKS_FAILED] = this.checks.fails();
      out[ACTIVE_VUS] = this.tally.activeVus;
    });
    this.selfCheck = startSelfCheck();
    let selfCheck: SelfCheckResult | undefined;
    try {
      const { flows, codeFlows, codeScenarios } = createFlows(this.plan, {
        clock: this.clock,
        exchange: this.exchange,
        dispatcher: (origin) => this.pools.get(origin),
        checks: this.checks,
        iterationErrors: this.iterationErrors,
        faults: this.faults,
        requestId: (name, scope) => this.requestId(name, scope),
        ws: () => (this.wsHub ??= new WsHub(() => this.clock.now(), this.startedAtMs, {
            insecure: this.plan.http.insecure,
            ca: this.plan.http.tls?.ca?.pem,
            cert: this.plan.http.tls?.cert?.pem,
            key: this.plan.http.tls?.key?.pem,
          })),
      });
      this.runners = this.plan.scenarios.map((s, i) => this.createRunner(s.index, flows[i]));
      this.lifecycle = createCodeLifecycle(
        codeFlows,
        (t) => this.warnings.push(t),
        (err) => this.codeFailed(err),
      );
      const load = this.options.load;
      if (this.setupData) {
        this.lifecycle.useData(this.setupData);
        await Promise.all(this.runners.map((r) => r.run()));
      } else if (await this.lifecycle.setup(this.stopSignal)) {
        // A setup() or teardown() that never settles is bounded by stop(): Ctrl-C or SIGTERM.
        if (load) await load({ data: this.lifecycle.data(), scenarios: codeScenarios });
        else await Promise.all(this.runners.map((r) => r.run()));
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
      this.wsResult = await this.wsHub?.finish();
      this.inFlight.stop();
      if (!this.options.pools) await this.pools.destroy();
      selfCheck = this.selfCheck.stop(this.iterations.dropped);
      // The last (partial) second is closed and every second handed out: the totals are whole from here.
      this.metrics.finish();
    }
    return this.result(startedAt, selfCheck);
  }

  /** The RunResult, assembled here and nowhere else. */
  private result(startedAt: Date, selfCheck: SelfCheckResult | undefined): RunResult {
    const durationMs = this.clock.now() - this.startedAtMs;
    this.warnNames();
    if (this.wsHub) this.warnings.push(...this.wsHub.warnings());
    const protocols = this.pools.protocols();
    if (this.plan.http.version === 2 && (protocols['http/1.1'] ?? 0) > 0) {
      this.warnings.push(`HTTP/2 was asked for (http.version: 2) but ${protocols['http/1.1']} connection(s) negotiated HTTP/1.1: the server does not offer h2, or the origin is plain http:// (HTTP/2 needs TLS here)`);
    }
    return buildRunResult({
      runner: VERSION,
      scenario: {
        name: this.plan.name,
        file: this.plan.file,
        seed: this.plan.seed,
        ...(this.plan.segment ? segmentIdentity(this.plan.segment) : {}),
        ...(this.options.startAt ? { startAt: this.options.startAt.toISOString() } : {}),
      },
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
      protocols,
      ws: this.wsResult,
    });
  }

  /** Each scenario's own requests and iterations, by name. */
  private scenarioResults(durationMs: number): Record<string, ScenarioResult> {
    const out: Record<string, ScenarioResult> = {};
    for (const r of this.runners) out[r.scenario.name] = r.result(this.metrics, durationMs);
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
    // Open WebSockets have no in-flight request to finish: they close now (1001), their waits end.
    this.wsHub?.interrupt();
    // The load runs on worker threads, which stop with their own grace: nothing in flight here to cut.
    if (this.options.load) return;
    for (const vu of this.allVus) vu.stop();
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
    this.wsHub?.interrupt();
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

  private createRunner(index: number, flow: IterationFn): ScenarioRunner {
    return new ScenarioRunner(this.plan.scenarios[index], flow, {
      clock: this.clock,
      stopSignal: this.stopSignal,
      plan: this.plan,
      tally: this.tally,
      iterationErrors: this.iterationErrors,
      vuCreated: (vu) => this.allVus.push(vu),
      dropped: () => this.metrics.dropped(1),
      lateStart: (lateMs) => this.selfCheck?.lateStart(lateMs),
      warn: (text) => this.warnings.push(text),
    });
  }
}
