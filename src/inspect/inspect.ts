// `runner inspect`: the first N iterations of every scenario, through the same field draws, flows, templates and
// Exchange as a run, into a recording dispatcher instead of the network; plus what the plan would do.
import { createChecks } from '../flow/checks.ts';
import { createCodeLifecycle } from '../flow/code-lifecycle.ts';
import { createFaultScopes } from '../flow/fault-scope.ts';
import { createIterationErrors } from '../flow/iteration-errors.ts';
import type { ExchangeContext } from '../http/exchange.ts';
import { InFlight } from '../http/in-flight.ts';
import { createHttpSample } from '../metrics/sample.ts';
import { createCollector } from '../metrics/collector.ts';
import type { Plan, PlannedScenario } from '../plan/types.ts';
import { createFlows } from '../run/flows.ts';
import { ScenarioRunner, zeroCounts, type IterationFn } from '../run/scenario-runner.ts';
import { createRealClock, type Clock } from '../scheduler/clock.ts';
import { executorOf, maxVusOf, type ExecutorConfig } from '../scheduler/index.ts';
import { SegmentTuple } from '../scheduler/segment.ts';
import { createRecordingDispatcher, standInResponse, type RecordedRequest, type RecordLabel } from './recording-dispatcher.ts';

export interface InspectedRequest extends RecordedRequest, RecordLabel {}

export interface PlanLine {
  scenario: string;
  executor: string;
  /** Most VUs at once. */
  maxVus: number;
  /** Iterations the schedule plans, when it has a count (closed iteration executors); else undefined. */
  iterations?: number;
  /** Iterations started per second (arrival-rate executors: the rate, or the peak stage's). */
  ratePerSec?: number;
  /** From the scenario's own start to the end of its schedule, without graceful stop. */
  durationMs: number;
  startTimeMs: number;
  /** Requests per iteration (declarative flows); undefined for code. */
  requestsPerIteration?: number;
  /** iterations × requests per iteration, where both are known. */
  plannedRequests?: number;
}

export interface InspectReport {
  name: string;
  seed: number;
  plan: PlanLine[];
  requests: InspectedRequest[];
  /** WebSocket sessions per iteration left out, by scenario name: inspect opens no connection. */
  wsLeftOut: Record<string, number>;
  /** Exceptions of scenario code (or unique values running out) that ended an inspected iteration, by message. */
  iterationErrors: { message: string; count: number }[];
}

/** A clock whose sleeps end at once: think times and `ctx.sleep` would only make inspect slow. */
function instantSleeps(clock: Clock): Clock {
  return { now: clock.now, sleep: () => Promise.resolve() };
}

/** Runs the first `sample` iterations of each scenario of `plan` (one VU, in order) without sending anything. */
export async function inspectPlan(plan: Plan, sample: number): Promise<InspectReport> {
  const clock = createRealClock();
  const label: RecordLabel = { scenario: '', iteration: -1 };
  const requests: InspectedRequest[] = [];
  const dispatcher = createRecordingDispatcher(standInResponse(plan), (r) => requests.push({ ...r, ...label }));
  // Every status counts as expected: the stand-in answers 200, and a flow must go on to show its next request.
  const anyStatus = new Uint8Array(600).fill(1);
  const sampled: Plan = {
    ...plan,
    scenarios: plan.scenarios.map((s): PlannedScenario => ({
      ...s,
      load: oneVu(s.load, sample),
      steps: s.steps?.map((step) => ({ ...step, expect: anyStatus })),
    })),
  };
  const metrics = createCollector(sampled.requestNames);
  const inFlight = new InFlight(clock.now);
  const exchange: ExchangeContext = {
    metrics,
    sample: createHttpSample(),
    inFlight,
    now: clock.now,
    connectedSince: () => true,
    maxBodyBytes: plan.http.maxCaptureBytes,
    pipelining: plan.http.pipelining > 1,
    multiplexed: plan.http.version === 2,
  };
  const iterationErrors = createIterationErrors();
  const { flows, codeFlows } = createFlows(sampled, {
    clock: instantSleeps(clock),
    exchange,
    dispatcher: () => dispatcher,
    checks: createChecks(),
    iterationErrors,
    faults: createFaultScopes(),
    requestId: (name, scope) => metrics.register(name, scope),
  });
  const stop = new AbortController();
  const warnings: string[] = [];
  try {
    label.scenario = 'setup';
    const lifecycle = createCodeLifecycle(codeFlows, (t) => warnings.push(t), (err) => iterationErrors.record(new Error(err.diagnostics[0]?.message ?? 'setup failed')));
    if (await lifecycle.setup(stop.signal)) {
      for (const [i, s] of sampled.scenarios.entries()) {
        const labelled: IterationFn = (vu, rng, intended, iteration) => {
          label.scenario = s.name;
          label.iteration = iteration;
          return flows[i](vu, rng, intended, iteration);
        };
        const runner = new ScenarioRunner({ ...s, load: { ...s.load, startTimeMs: 0 } }, labelled, {
          clock,
          stopSignal: stop.signal,
          plan: sampled,
          tally: { iterations: zeroCounts(), activeVus: 0 },
          iterationErrors,
          vuCreated: () => undefined,
          dropped: () => undefined,
          lateStart: () => undefined,
        });
        await runner.run();
      }
      label.scenario = 'teardown';
      label.iteration = -1;
      await lifecycle.teardown();
    }
  } finally {
    inFlight.stop();
  }
  return {
    name: plan.name,
    seed: plan.seed,
    plan: plan.scenarios.map(planLine),
    requests,
    wsLeftOut: Object.fromEntries(plan.scenarios.filter((s) => (s.ws?.length ?? 0) > 0).map((s) => [s.name, s.ws!.length])),
    iterationErrors: iterationErrors.toJSON().map((e) => ({ message: e.message, count: e.count })),
  };
}

/** The scenario's load replaced by one VU running `n` iterations: iteration i is then the i-th of the real run. */
function oneVu(_load: ExecutorConfig, n: number): ExecutorConfig {
  return { executor: 'shared-iterations', vus: 1, iterations: n, maxDurationMs: 60_000, startTimeMs: 0, gracefulStopMs: 0 } as ExecutorConfig;
}

function planLine(s: PlannedScenario): PlanLine {
  const load = s.load;
  const planned = executorOf(load).planned(load, SegmentTuple.full());
  const perIteration = s.steps?.length;
  const line: PlanLine = { scenario: s.name, executor: load.executor, maxVus: maxVusOf(load), durationMs: planned.spanMs, startTimeMs: load.startTimeMs };
  if (planned.iterations !== undefined) line.iterations = planned.iterations;
  // A constant arrival rate plans rate × duration iterations (fewer when VUs run out: those are dropped).
  if (load.executor === 'constant-arrival-rate' && line.iterations === undefined) line.iterations = Math.floor((load.rate * load.durationMs) / load.timeUnitMs);
  const rate = rateOf(load);
  if (rate !== undefined) line.ratePerSec = rate;
  if (perIteration !== undefined) line.requestsPerIteration = perIteration;
  if (line.iterations !== undefined && perIteration !== undefined) line.plannedRequests = line.iterations * perIteration;
  return line;
}

/** Peak iterations per second of an arrival-rate executor. */
function rateOf(load: ExecutorConfig): number | undefined {
  const l = load as { rate?: number; startRate?: number; stages?: { target: number }[]; timeUnitMs?: number };
  if (l.timeUnitMs === undefined) return undefined;
  const peak = l.rate ?? Math.max(l.startRate ?? 0, ...(l.stages ?? []).map((st) => st.target));
  return (peak * 1000) / l.timeUnitMs;
}
