// One scenario of a run: counts its iterations, draws each iteration's fields, and runs its executor with a
// ScenarioRuntime that hands each iteration to the scenario's flow. The executor never reaches the Run.
import { setMaxListeners } from 'node:events';
import type { DataSource } from '../data/feed.ts';
import type { IterationOutcome } from '../flow/request-flow.ts';
import type { IterationErrors } from '../flow/iteration-errors.ts';
import { deriveSeed3, Sfc32 } from '../generators/rng.ts';
import type { Rng } from '../generators/types.ts';
import type { Collector } from '../metrics/collector.ts';
import type { PlannedScenario, Plan } from '../plan/types.ts';
import type { ScenarioResult } from '../result/types.ts';
import type { Clock } from '../scheduler/clock.ts';
import type { ScenarioRuntime } from '../scheduler/executor.ts';
import { executorOf, isOpenModel } from '../scheduler/index.ts';
import { SegmentTuple } from '../scheduler/segment.ts';
import { Vu } from '../scheduler/vu.ts';

/** Iteration counters of a run or of one scenario. */
export interface IterationCounts {
  started: number;
  completed: number;
  failed: number;
  dropped: number;
  aborted: number;
}

export function zeroCounts(): IterationCounts {
  return { started: 0, completed: 0, failed: 0, dropped: 0, aborted: 0 };
}

/** A flow runs one iteration of a scenario on a VU. */
export interface IterationFn {
  (vu: Vu, rng: Rng, intendedStartMs: number | undefined, iteration: number): Promise<IterationOutcome>;
  /**
   * The same iteration, ending by a call of `ended` instead of a promise (request flows): no promise per
   * iteration. `ended` may be called before this returns. Absent: the runner awaits the call above.
   */
  start?(vu: Vu, rng: Rng, intendedStartMs: number | undefined, iteration: number, ended: (vu: Vu, outcome: IterationOutcome) => void): void;
}

/** What the run shares with each of its scenario runners. */
export interface ScenarioEnv {
  clock: Clock;
  stopSignal: AbortSignal;
  plan: Pick<Plan, 'seed' | 'fields' | 'segment'> & { scenarios: readonly unknown[] };
  /** The run's totals: every scenario adds to them, and live progress reads them. */
  tally: { iterations: IterationCounts; activeVus: number };
  iterationErrors: IterationErrors;
  /** A new VU, so a hard stop can interrupt it. */
  vuCreated(vu: Vu): void;
  /** An iteration the schedule wanted but no VU was free for (per-second series). */
  dropped(): void;
  lateStart(lateMs: number): void;
  /** Adds a warning to the run's result. */
  warn?(text: string): void;
}

export class ScenarioRunner {
  /** This scenario's own iteration counters. */
  readonly counts: IterationCounts = zeroCounts();
  /** This process's part of the run; global numbers (iterations, VU ids) are striped over the segments. */
  readonly segment: SegmentTuple;
  /** Iterations this process numbered itself (those the executor gave no global number). */
  private numbered = 0;
  private vuIds = 0;

  constructor(
    readonly scenario: PlannedScenario,
    private readonly flow: IterationFn,
    private readonly env: ScenarioEnv,
  ) {
    this.segment = env.plan.segment ?? SegmentTuple.full();
  }

  /** Waits for the scenario's startTime, then runs its executor to the end (or until the run stops). */
  async run(): Promise<void> {
    const { load } = this.scenario;
    const { clock, stopSignal } = this.env;
    if (load.startTimeMs > 0) {
      await clock.sleep(load.startTimeMs, stopSignal);
      if (stopSignal.aborted) return;
    }
    await executorOf(load).run(load, this.runtime());
  }

  /** This scenario's requests (from the run's collector) and iterations. */
  result(metrics: Collector, durationMs: number): ScenarioResult {
    const s = this.scenario;
    const iterations = { ...this.counts };
    // Code scenarios name their requests at run time, each in its own scope (setup/teardown: scope '').
    const ids = s.steps ? s.steps.map((step) => step.id) : metrics.idsIn(s.name);
    const r = metrics.summarizeIds(ids, durationMs);
    return {
      executor: s.load.executor,
      model: isOpenModel(s.load.executor) ? 'open' : 'closed',
      totals: { ...r.totals, dropped: iterations.dropped },
      latency: r.latency,
      serviceTime: r.serviceTime,
      iterations,
    };
  }

  private runtime(): ScenarioRuntime {
    const { env, counts, scenario: s, flow, segment } = this;
    const { tally, plan } = env;
    // Draw numbers interleave the scenarios' global iteration numbers: unique values and sequences never
    // repeat across scenarios, segments or workers, and a one-scenario run draws 0, 1, 2, … as before.
    const scenarioCount = plan.scenarios.length;
    // A data file read in `queue` or `shuffle` order can run out: the scenario then stops starting iterations
    // (its executor sees a stop signal of its own) and the run ends normally.
    const feed = s.feed;
    const fields = plan.fields;
    const drawFields = s.drawFields;
    // One stream per VU (by its id: dense, 1-based), reseeded for each of its iterations instead of made anew.
    const rngs: Sfc32[] = [];
    const dataStop = feed?.finite ? new AbortController() : undefined;
    const stopSignal = dataStop ? AbortSignal.any([env.stopSignal, dataStop.signal]) : env.stopSignal;
    // Executors listen on it as on the run's signal (a deadline, a tick, the graceful stop).
    if (dataStop) setMaxListeners(20, stopSignal);
    // The same words in every segment or worker thread that runs out, so a merged result says it once.
    const ranOut = (_iteration: number, source: DataSource): Promise<void> => {
      if (!dataStop!.signal.aborted) {
        dataStop!.abort();
        env.warn?.(
          `scenario '${s.name}': data '${source.name}' (order: ${source.order}) ran out after its ${source.table.rows.toLocaleString('en-US')} rows: the scenario started no more iterations`,
        );
      }
      return Promise.resolve();
    };
    const ended = (outcome: IterationOutcome): void => {
      tally.activeVus--;
      tally.iterations[outcome]++;
      counts[outcome]++;
    };
    const failed = (err: unknown): void => {
      env.iterationErrors.record(err, s.iteration?.locateError);
      ended('failed');
    };
    // What the executor is told when each VU's iteration ends, by VU id (one VU runs one iteration at a time):
    // the flow calls one function made here, not a closure made per iteration.
    const doneOf: ((vu: Vu) => void)[] = [];
    const flowEnded = (vu: Vu, outcome: IterationOutcome): void => {
      ended(outcome);
      const done = doneOf[vu.id];
      // After a complete response the next iteration may start within undici's callback, as its own handlers
      // do. After an error undici is still tearing down: a request dispatched from the error callback of an
      // HTTP/2 session's GOAWAY went to the dying session and was reset. It starts on a microtask, as after an await.
      if (outcome === 'completed') done(vu);
      else queueMicrotask(() => done(vu));
    };
    const flowStart = flow.start;
    const iterateThen = (vu: Vu, intendedStartMs: number | undefined, global: number | undefined, done: (vu: Vu) => void): void => {
      const iteration = global ?? segment.globalIndex(this.numbered++);
      vu.iteration = iteration;
      if (feed) {
        // Rows follow the global iteration number: segments and workers share one data file's rows.
        const out = feed.fill(vu.vars, iteration);
        if (out) {
          void ranOut(iteration, out);
          return done(vu);
        }
      }
      vu.iterations++;
      tally.iterations.started++;
      counts.started++;
      // Fields are drawn from a stream seeded by the global iteration number: the same seed gives the same
      // payloads, however the run is cut into segments or workers. A VU runs one iteration at a time, so its
      // stream is free to reseed: the flow let go of the last iteration's when that iteration ended.
      const seed = deriveSeed3(plan.seed, s.index, iteration);
      const rng = rngs[vu.id]?.reseed(seed) ?? (rngs[vu.id] = new Sfc32(seed));
      const drawIndex = iteration * scenarioCount + s.index;
      tally.activeVus++;
      try {
        // A draw can throw (unique values exhausted): that fails the iteration, not the run.
        for (let i = 0; i < drawFields.length; i++) {
          const f = drawFields[i];
          vu.vars[f] = fields[f].draw(rng, drawIndex);
        }
        if (flowStart !== undefined) {
          doneOf[vu.id] = done;
          flowStart.call(flow, vu, rng, intendedStartMs, iteration, flowEnded);
          return;
        }
        flow(vu, rng, intendedStartMs, iteration).then(
          (outcome) => {
            ended(outcome);
            done(vu);
          },
          (err: unknown) => {
            failed(err);
            done(vu);
          },
        );
      } catch (err) {
        failed(err);
        done(vu);
      }
    };
    return {
      clock: env.clock,
      stopSignal,
      segment,
      createVu: () => {
        const local = this.vuIds++;
        const vu = new Vu(local + 1, s.slotCount, segment.globalIndex(local) + 1);
        env.vuCreated(vu);
        return vu;
      },
      iterateThen,
      iterate: (vu, intendedStartMs, global) => new Promise<void>((resolve) => iterateThen(vu, intendedStartMs, global, () => resolve())),
      drop: (count = 1) => {
        tally.iterations.dropped += count;
        counts.dropped += count;
        for (let i = 0; i < count; i++) env.dropped();
      },
      lateStart: (lateMs) => env.lateStart(lateMs),
    };
  }
}
