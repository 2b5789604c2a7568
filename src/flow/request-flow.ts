// Runs one iteration of a request list (YAML or declarative TS): send each request in order, apply
// captures, pause for think time. The iteration stops at the first request that fails.
import type { Dispatcher } from 'undici';
import type { CookieJar } from '../http/cookie-jar.ts';
import { Exchange, type ExchangeContext } from '../http/exchange.ts';
import { headerValueProblem, requestProblem } from '../http/request-check.ts';
import type { CompiledRequest } from '../plan/types.ts';
import { parseJsonPath, selectJsonPath, type PathSegment } from '../scenario/json-path.ts';
import type { Vu } from '../scheduler/vu.ts';
import type { FieldValue, Rng } from '../generators/types.ts';
import type { RenderFn } from '../template/types.ts';
import type { Checks } from './checks.ts';
import type { VuCookies } from './cookies.ts';

export type IterationOutcome = 'completed' | 'failed' | 'aborted';

export interface FlowEnv {
  exchange: ExchangeContext;
  dispatcher(origin: string): Dispatcher;
  checks: Checks;
  /** Pauses the VU; resolves early when the VU is interrupted. */
  sleep(vu: Vu, ms: number): Promise<void>;
  /** `http.cookies` on: each VU's jar (absent when off: no cookie step runs). */
  cookies?: VuCookies;
}

interface Step {
  req: CompiledRequest;
  /**
   * Flat [name, value, …] with every constant value filled in once; when `dynamic` is empty it is sent as is
   * by every request (nothing downstream writes to it), else a copy gets the rendered values at their indexes.
   */
  headers: string[];
  dynamic: { at: number; render: RenderFn }[];
  dispatcher: Dispatcher;
  keepHeaders: boolean;
  /** Nothing rendered per request can make it unsendable: the Exchange skips its check. */
  prechecked: boolean;
  captures: { slot: number; from: 'json' | 'header' | 'cookie'; segments: PathSegment[]; header: string; checkId: number; name: string }[];
  statusCheckId: number;
}

/** Told when a VU's iteration ended (one function per scenario, so nothing is made per iteration). */
export type IterationEnded = (vu: Vu, outcome: IterationOutcome) => void;

/** A request flow's iteration, by promise (a WebSocket flow awaits it) or by callback (`start`, the executors). */
export interface RequestFlow {
  (vu: Vu, rng: Rng, intendedStartMs: number | undefined): Promise<IterationOutcome>;
  start(vu: Vu, rng: Rng, intendedStartMs: number | undefined, iteration: number, ended: IterationEnded): void;
}

/**
 * Builds the iteration function for a scenario's steps; everything per request is resolved here, once. Each VU
 * gets one small state machine (VuFlow) that sends its requests through one reused Exchange by callbacks: no
 * promise and no object per request, and none per iteration when started by `start`.
 */
export function createRequestFlow(steps: CompiledRequest[], env: FlowEnv): RequestFlow {
  const prepared: Step[] = steps.map((req) => prepareStep(req, env));
  // By VU id (1-based within the scenario, dense): an array index, not a map lookup.
  const flows: (VuFlow | undefined)[] = [];
  const flowOf = (vu: Vu): VuFlow => {
    let flow = flows[vu.id];
    if (flow === undefined || flow.vu !== vu) flows[vu.id] = flow = new VuFlow(vu, prepared, env);
    return flow;
  };
  const iterate = (vu: Vu, rng: Rng, intendedStartMs: number | undefined): Promise<IterationOutcome> => flowOf(vu).start(rng, intendedStartMs);
  return Object.assign(iterate, {
    start(vu: Vu, rng: Rng, intendedStartMs: number | undefined, _iteration: number, ended: IterationEnded): void {
      flowOf(vu).startThen(rng, intendedStartMs, ended);
    },
  });
}

/** One VU's walk through the steps of an iteration, driven by its Exchange's completion callback. */
class VuFlow {
  private ex: Exchange;
  private readonly done: (ex: Exchange) => void;
  /** Per step: this VU's copy of the headers when some are rendered per request (else the shared constant list). */
  private readonly headers: string[][];
  private stepIndex = 0;
  private rng: Rng | null = null;
  private intended: number | undefined = undefined;
  private resolve: ((o: IterationOutcome) => void) | null = null;
  private ended: IterationEnded | null = null;
  private readonly resume = (): void => this.next();

  constructor(
    readonly vu: Vu,
    private readonly steps: Step[],
    private readonly env: FlowEnv,
  ) {
    this.done = (ex) => this.responded(ex);
    this.ex = new Exchange(env.exchange, null, this.done);
    this.headers = steps.map((s) => (s.dynamic.length > 0 ? s.headers.slice() : s.headers));
  }

  start(rng: Rng, intendedStartMs: number | undefined): Promise<IterationOutcome> {
    const outcome = new Promise<IterationOutcome>((r) => (this.resolve = r));
    this.begin(rng, intendedStartMs);
    return outcome;
  }

  /** start() without the promise: `ended` is called when the iteration ends, perhaps before this returns. */
  startThen(rng: Rng, intendedStartMs: number | undefined, ended: IterationEnded): void {
    this.ended = ended;
    this.begin(rng, intendedStartMs);
  }

  private begin(rng: Rng, intendedStartMs: number | undefined): void {
    this.rng = rng;
    this.intended = intendedStartMs;
    this.stepIndex = 0;
    this.env.cookies?.begin(this.vu);
    this.next();
  }

  private end(outcome: IterationOutcome): void {
    const resolve = this.resolve;
    const ended = this.ended;
    this.resolve = null;
    this.ended = null;
    this.rng = null;
    if (ended !== null) ended(this.vu, outcome);
    else resolve?.(outcome);
  }

  /** Sends the current step's request, or ends the iteration after the last. */
  private next(): void {
    const vu = this.vu;
    if (vu.interrupted) return this.end('aborted');
    if (this.stepIndex >= this.steps.length) return this.end('completed');
    const step = this.steps[this.stepIndex];
    const req = step.req;
    const vars = vu.vars;
    let headers = step.headers;
    let prechecked = step.prechecked;
    if (step.dynamic.length > 0) {
      headers = this.headers[this.stepIndex];
      // Only the rendered values can be unsendable (a field's Hangul or control character): when all are fine
      // the Exchange skips its whole-request check; when one is not, that check fails the request.
      for (const d of step.dynamic) {
        const value = d.render(vars);
        headers[d.at] = value;
        if (prechecked && headerValueProblem(headers[d.at - 1], value) !== undefined) prechecked = false;
      }
    }
    // A request runner gave up on (timeout, stop) still belongs to undici: the next one gets a new Exchange.
    if (!this.ex.reusable) this.ex = new Exchange(this.env.exchange, null, this.done);
    const ex = this.ex;
    ex.requestId = req.id;
    ex.dispatcher = step.dispatcher;
    ex.origin = req.origin;
    ex.method = req.method;
    ex.path = req.path(vars);
    const cookies = this.env.cookies;
    if (cookies !== undefined) headers = cookies.addTo(vu, req.origin, ex.path, headers);
    ex.headers = headers;
    ex.body = req.bodyBytes === undefined ? req.body?.(vars) : req.bodyBytes(vars);
    ex.timeoutMs = req.timeoutMs;
    ex.expect = req.expect;
    // Only the first request of an iteration can have waited for its turn (open model).
    ex.intendedStartMs = this.intended;
    this.intended = undefined;
    ex.keepBody = req.needsBody;
    ex.keepHeaders = step.keepHeaders;
    // Cookies need each response's Set-Cookie values only: a scan of the raw header names, no headers object.
    ex.keepSetCookie = cookies !== undefined;
    ex.prechecked = prechecked;
    vu.current = ex;
    ex.begin();
  }

  private responded(ex: Exchange): void {
    if (this.vu.current === ex) this.vu.current = null;
    const step = this.steps[this.stepIndex];
    // No response is not the expected status: the check fails (else `checks: rate>0.99` passes at 100 % refused).
    // A request the run itself aborted while stopping says nothing about the server: no check.
    if (ex.error === 'aborted') return this.end('aborted');
    const cookies = this.env.cookies;
    // Cookies a response sets are kept whatever its status (a 401 may still set a session).
    if (cookies !== undefined && ex.error === undefined) cookies.store(this.vu, ex.origin, ex.path, ex.setCookie);
    this.env.checks.record(step.statusCheckId, ex.error === undefined && ex.expected);
    if (ex.error !== undefined || !ex.expected) return this.end('failed');
    if (step.captures.length > 0 && !applyCaptures(step, ex, this.vu.vars, this.env.checks, cookies?.jar(this.vu))) return this.end('failed');
    this.stepIndex++;
    const think = step.req.think;
    if (think) {
      const { minMs, maxMs } = think;
      this.env.sleep(this.vu, minMs + (maxMs - minMs) * this.rng!.nextFloat()).then(this.resume);
      return;
    }
    this.next();
  }
}

function prepareStep(req: CompiledRequest, env: FlowEnv): Step {
  const headers = req.headers.flatMap((h) => [h.name, h.render.constant ?? '']);
  const dynamic = req.headers.flatMap((h, i) => (h.render.constant === undefined ? [{ at: 2 * i + 1, render: h.render }] : []));
  // Placeholders in a path are percent-encoded and its literal text was checked at load time; constant header
  // values (environment values included) are checked once here. Rendered header values need a check per request.
  const path = req.path.constant ?? '/';
  // With dynamic values, this holds for the constant part; each request then checks only its rendered values.
  const prechecked = requestProblem(req.method, path, headers) === undefined;
  return {
    // The status check first, so the summary lists a request's checks in the order they are made.
    statusCheckId: env.checks.id(`${req.name}: status is expected`),
    req,
    headers,
    dynamic,
    dispatcher: env.dispatcher(req.origin),
    keepHeaders: req.captures.some((c) => c.from === 'header'),
    prechecked,
    captures: req.captures.map((c) => ({
      slot: c.slot,
      from: c.from,
      segments: c.from === 'json' ? (parseJsonPath(c.path) ?? []) : [],
      header: c.from === 'json' ? '' : c.path,
      checkId: env.checks.id(`${req.name}: captured ${c.name}`),
      name: c.name,
    })),
  };
}

function applyCaptures(step: Step, ex: Exchange, vars: FieldValue[], checks: Checks, jar: CookieJar | undefined): boolean {
  let json: unknown;
  let parsed = false;
  let ok = true;
  for (const c of step.captures) {
    let value: unknown;
    if (c.from === 'cookie') {
      // The jar after this response: a cookie it set, or one an earlier response set that applies to this URL.
      value = jar?.get(ex.origin + ex.path, c.header);
    } else if (c.from === 'header') {
      const h = ex.responseHeaders[c.header];
      value = Array.isArray(h) ? h[0] : h;
    } else {
      if (!parsed) {
        parsed = true;
        try {
          json = ex.responseBody === undefined ? undefined : JSON.parse(ex.responseBody);
        } catch {
          json = undefined;
        }
      }
      value = selectJsonPath(json, c.segments);
    }
    const usable = typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean';
    checks.record(c.checkId, usable);
    // The JSON type is kept: a captured true or 42 goes into a JSON value position as true or 42.
    if (usable) vars[c.slot] = value as FieldValue;
    else ok = false;
  }
  return ok;
}
