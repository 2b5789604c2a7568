// Runs one iteration of a request list (YAML or declarative TS): draw fields, send each request in
// order, apply captures, pause for think time. The iteration stops at the first request that fails.
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
  /** `http.cookies` on: each VU's jar (absent when off). */
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

/** Builds the iteration function for a scenario's steps; everything per request is resolved here, once. */
export function createRequestFlow(steps: CompiledRequest[], env: FlowEnv) {
  const prepared: Step[] = steps.map((req) => prepareStep(req, env));

  return async function iterate(vu: Vu, rng: Rng, intendedStartMs: number | undefined): Promise<IterationOutcome> {
    const vars = vu.vars;
    let intended = intendedStartMs;
    const cookies = env.cookies;
    cookies?.begin(vu);
    // An index, not for…of: an array iterator that lives across an await is a heap object per iteration.
    for (let i = 0; i < prepared.length; i++) {
      const step = prepared[i];
      if (vu.interrupted) return 'aborted';
      const req = step.req;
      let headers = step.headers;
      let prechecked = step.prechecked;
      if (step.dynamic.length > 0) {
        headers = headers.slice();
        // Only the rendered values can be unsendable (a field's Hangul or control character): when all are fine
        // the Exchange skips its whole-request check; when one is not, that check fails the request.
        for (const d of step.dynamic) {
          const value = d.render(vars);
          headers[d.at] = value;
          if (prechecked && headerValueProblem(headers[d.at - 1], value) !== undefined) prechecked = false;
        }
      }
      const path = req.path(vars);
      if (cookies !== undefined) headers = cookies.addTo(vu, req.origin + path, headers);
      const ex = new Exchange(env.exchange, {
        requestId: req.id,
        dispatcher: step.dispatcher,
        origin: req.origin,
        method: req.method,
        path,
        headers,
        body: req.bodyBytes === undefined ? req.body?.(vars) : req.bodyBytes(vars),
        timeoutMs: req.timeoutMs,
        expect: req.expect,
        // Only the first request of an iteration can have waited for its turn (open model).
        intendedStartMs: intended,
        keepBody: req.needsBody,
        keepHeaders: step.keepHeaders,
        prechecked,
      });
      intended = undefined;
      vu.current = ex;
      await ex.send();
      vu.current = null;
      // No response is not the expected status: the check fails (else `checks: rate>0.99` passes at 100 % refused).
      // A request the run itself aborted while stopping says nothing about the server: no check.
      if (ex.error === 'aborted') return 'aborted';
      // Cookies a response sets are kept whatever its status (a 401 may still set a session).
      if (cookies !== undefined && ex.error === undefined) cookies.store(vu, req.origin + path, ex.responseHeaders);
      env.checks.record(step.statusCheckId, ex.error === undefined && ex.expected);
      if (ex.error !== undefined) return 'failed';
      if (!ex.expected) return 'failed';
      if (step.captures.length > 0 && !applyCaptures(step, ex, vars, env.checks, cookies?.jar(vu), req.origin + path)) return 'failed';
      if (req.think) {
        const { minMs, maxMs } = req.think;
        await env.sleep(vu, minMs + (maxMs - minMs) * rng.nextFloat());
      }
    }
    return vu.interrupted ? 'aborted' : 'completed';
  };
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
    // Cookies need every response's Set-Cookie: undici has built the headers object anyway, keeping it is free.
    keepHeaders: env.cookies !== undefined || req.captures.some((c) => c.from === 'header'),
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

function applyCaptures(step: Step, ex: Exchange, vars: FieldValue[], checks: Checks, jar: CookieJar | undefined, url: string): boolean {
  let json: unknown;
  let parsed = false;
  let ok = true;
  for (const c of step.captures) {
    let value: unknown;
    if (c.from === 'cookie') {
      // The jar after this response: a cookie it set, or one an earlier response set that applies to this URL.
      value = jar?.get(url, c.header);
    } else if (c.from === 'header') {
      const h = ex.responseHeaders[c.header];
      value = Array.isArray(h) ? h[0] : h;
    } else {
      if (!parsed) {
        parsed = true;
        try {
          json = ex.body === undefined ? undefined : JSON.parse(ex.body);
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
