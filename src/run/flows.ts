// Wires each scenario of a plan to the flow that runs one of its iterations: the request flow of a YAML or
// declarative scenario, or the code flow of a TypeScript iteration (one per function, shared by its scenarios).
import type { Dispatcher } from 'undici';
import type { Checks } from '../flow/checks.ts';
import { createCodeFlow, type CodeFlow } from '../flow/code-flow.ts';
import type { FaultScopes } from '../flow/fault-scope.ts';
import type { IterationErrors } from '../flow/iteration-errors.ts';
import { VuCookies } from '../flow/cookies.ts';
import { createRequestFlow } from '../flow/request-flow.ts';
import type { ExchangeContext } from '../http/exchange.ts';
import type { Plan } from '../plan/types.ts';
import type { Clock } from '../scheduler/clock.ts';
import type { Vu } from '../scheduler/vu.ts';
import { createWsFlow } from '../ws/flow.ts';
import type { WsHub } from '../ws/hub.ts';
import type { IterationFn } from './scenario-runner.ts';

export interface FlowDeps {
  clock: Clock;
  exchange: ExchangeContext;
  dispatcher(origin: string): Dispatcher;
  checks: Checks;
  iterationErrors: IterationErrors;
  faults: FaultScopes;
  /** The metric id of a code request's name within its scenario. */
  requestId(name: string, scope: string): number;
  /**
   * The run's WebSocket hub, made on first use (a run without WebSocket steps never makes one). Absent (e.g.
   * `runner inspect`, which sends nothing): ws steps are left out and only the HTTP requests run.
   */
  ws?: () => WsHub;
}

export interface Flows {
  /** One per scenario, by position in the plan. */
  flows: IterationFn[];
  /** The code flows (setup/teardown run once per function). */
  codeFlows: CodeFlow[];
  /** The first scenario running each code flow, by the position of codeFlows (for messages). */
  codeScenarios: string[];
}

export function createFlows(plan: Plan, deps: FlowDeps): Flows {
  const codeFlows = new Map<object, CodeFlow>();
  const codeScenarios: string[] = [];
  // One jar per VU, shared by nothing else; none at all with `http.cookies: false` (the flows then skip every cookie step).
  const cookies = plan.http.cookies === 'off' ? undefined : new VuCookies(plan.http.cookies ?? 'iteration');
  const sleep = (vu: Vu, ms: number) => sleepVu(deps.clock, vu, ms);
  const flows = plan.scenarios.map((s): IterationFn => {
    if (s.iteration) {
      let code = codeFlows.get(s.iteration);
      if (!code) {
        code = createCodeFlow(s.iteration, {
          exchange: deps.exchange,
          dispatcher: deps.dispatcher,
          requestId: deps.requestId,
          target: plan.target,
          timeoutMs: plan.http.timeoutMs,
          headers: s.headers ?? [],
          checks: deps.checks,
          errors: deps.iterationErrors,
          sleep,
          fieldNames: plan.fields.map((f) => f.name),
          seed: plan.seed,
          data: plan.data,
          cookies,
          faults: deps.faults,
          ws: deps.ws,
        });
        codeFlows.set(s.iteration, code);
        codeScenarios.push(s.name);
      }
      return code.iterationFor(s.name);
    }
    if (!s.steps) throw new Error(`scenario '${s.name}' has no request steps`);
    const env = { exchange: deps.exchange, dispatcher: deps.dispatcher, checks: deps.checks, sleep, cookies };
    if (s.ws && deps.ws) return createWsFlow(s.steps, s.ws, { hub: deps.ws, checks: deps.checks, requestFlow: (steps) => createRequestFlow(steps, env) });
    return createRequestFlow(s.steps, env);
  });
  return { flows, codeFlows: [...codeFlows.values()], codeScenarios };
}

/** A pause that a stop cuts short. */
function sleepVu(clock: Clock, vu: Vu, ms: number): Promise<void> {
  if (vu.interrupted || ms <= 0) return Promise.resolve();
  if (vu.stopping) {
    vu.interrupt();
    return Promise.resolve();
  }
  const ac = new AbortController();
  vu.current = { abort: () => ac.abort(), pause: true };
  return clock.sleep(ms, ac.signal).then(() => {
    vu.current = null;
  });
}
