// `ctx.http` of code scenarios: requests through the run's shared pools and the same Exchange and metrics as
// request lists. Metric ids are registered by name on first use; per request there is a Map lookup.
import type { Dispatcher } from 'undici';
import type { ErrorKind } from '../errors.ts';
import { RUNNER_INVALID_REQUEST, RunnerRequestError } from '../http/classify.ts';
import { Exchange, type ExchangeContext } from '../http/exchange.ts';
import { createExpectTable } from '../plan/expect.ts';
import { parseDuration } from '../scenario/duration.ts';
import type { Vu } from '../scheduler/vu.ts';
import type { RenderFn } from '../template/types.ts';
import type { Http, HttpResponse, RequestBody, RequestOptions } from './context.ts';
import type { VuCookies } from './cookies.ts';

/** What every code request needs from the run. */
export interface CodeHttpEnv {
  exchange: ExchangeContext;
  dispatcher(origin: string): Dispatcher;
  /** The metric id of a request name within a scenario (`scope`; '' for setup/teardown), registered on first use. */
  requestId(name: string, scope: string): number;
  /** Base URL for paths; undefined when the scenario has none. */
  target?: string;
  timeoutMs: number;
  /** The scenario's `headers`, rendered with the iteration's fields. */
  headers: { name: string; render: RenderFn }[];
  /** `http.cookies` on: each VU's jar (absent when off). */
  cookies?: VuCookies;
}

/** Thrown into scenario code when its VU is stopped: ends the iteration as aborted, not failed. */
export class IterationAborted extends Error {
  constructor() {
    super('the run is stopping');
    this.name = 'IterationAborted';
  }
}

/** Where the k6 layer (src/k6) finds `sendExchange` on a code scenario's `http`: kept off the public type. */
export const SEND_EXCHANGE = Symbol('runner.sendExchange');

export interface RawExchangeRequest {
  /** The metrics name. */
  name: string;
  method: string;
  /** Absolute http(s) URL. */
  url: string;
  /** Flat [name, value, …]. */
  headers: string[];
  body?: string | Uint8Array;
  timeoutMs: number;
  expect: Uint8Array;
  keepBody: boolean;
  /** Wraps the origin's dispatcher for this one request (the k6 layer observes response timing and raw bytes). */
  wrapDispatcher?: (d: Dispatcher) => Dispatcher;
}

export interface RawExchangeResult {
  exchange: Exchange;
  /** From the hand-off to the pool to the end of the body (or the error). */
  durationMs: number;
}

/** Per-VU request state the flow updates between iterations. */
export interface HttpVuState {
  vu: Vu;
  /** The scenario this VU runs ('' for setup/teardown): its requests are counted in that scenario's table. */
  scope: string;
  /** The open model's intended start, used by the first request of an iteration only. */
  intendedStartMs: number | undefined;
}

const DEFAULT_EXPECT = createExpectTable(undefined);
const EMPTY_HEADERS: Readonly<Record<string, string | string[] | undefined>> = Object.freeze({});

class CodeResponse implements HttpResponse {
  constructor(
    readonly name: string,
    readonly status: number,
    readonly headers: Readonly<Record<string, string | string[] | undefined>>,
    readonly body: string,
    readonly ok: boolean,
    readonly durationMs: number,
    readonly error?: ErrorKind,
    readonly errorMessage?: string,
  ) {}

  json<T = any>(): T {
    try {
      return JSON.parse(this.body) as T;
    } catch (err) {
      const what = this.status === 0 ? `got no response (${this.error})` : `status ${this.status}, body is not JSON: ${(err as Error).message}`;
      throw new SyntaxError(`${this.name}: ${what}`);
    }
  }
}

/** Where a request goes; `problem` says why it cannot be sent (then it fails as invalid_request, never thrown). */
interface ResolvedUrl {
  origin: string;
  path: string;
  problem?: string;
}

/** Why an origin (`scheme://host[:port]`) cannot be sent to, or undefined; the URL itself is not quoted (it may hold a secret). */
function originProblem(origin: string): string | undefined {
  try {
    new URL(origin);
    return undefined;
  } catch {
    return 'invalid URL: the host or port part is not a valid URL (see the request name)';
  }
}

/** The URL resolver for one target, built once; each absolute origin is checked once. */
function createUrlResolver(target: string | undefined) {
  const base = target === undefined ? undefined : new URL(target);
  const baseOrigin = base?.origin;
  const prefix = base ? base.pathname.replace(/\/$/, '') : '';
  const checked = new Map<string, string | undefined>();
  return (url: string): ResolvedUrl => {
    if (url.startsWith('/')) {
      if (baseOrigin === undefined) throw new TypeError(`http: '${url}' is a path but the scenario has no target (set 'target' or pass --target)`);
      return { origin: baseOrigin, path: prefix + url };
    }
    const scheme = url.startsWith('http://') ? 7 : url.startsWith('https://') ? 8 : 0;
    if (scheme === 0) {
      const written = /^[a-z][a-z0-9+.-]*:/i.exec(url)?.[0];
      const why = written === undefined ? "neither a path starting with '/' nor an http(s) URL" : `scheme '${written}' is not http: or https:`;
      return { origin: '', path: '/', problem: `invalid URL: ${why}` };
    }
    // The origin ends at the path, or at a query or fragment with no path before it (http://host?x → /?x).
    let end = scheme;
    while (end < url.length && url[end] !== '/' && url[end] !== '?' && url[end] !== '#') end++;
    const origin = url.slice(0, end);
    let problem = checked.get(origin);
    if (!checked.has(origin)) checked.set(origin, (problem = originProblem(origin)));
    const rest = url.slice(end);
    return { origin, path: rest[0] === '/' ? rest : '/' + rest, problem };
  };
}

/** Stands in for the pool of a URL that cannot be sent: the Exchange fails the request as invalid_request. */
function refusingDispatcher(problem: string): Dispatcher {
  return {
    dispatch() {
      throw new RunnerRequestError(RUNNER_INVALID_REQUEST, problem);
    },
  } as unknown as Dispatcher;
}

/** The origin's pool; an origin undici refuses (an odd URL new URL() accepts) is a refusal, not a throw. */
function dispatcherFor(env: CodeHttpEnv, url: ResolvedUrl): Dispatcher {
  if (url.problem !== undefined) return refusingDispatcher(url.problem);
  try {
    return env.dispatcher(url.origin);
  } catch (err) {
    return refusingDispatcher(`invalid URL: ${(err as Error).message}`);
  }
}

/** FormData as multipart/form-data bytes and the content-type that names its boundary. */
async function encodeFormData(form: FormData): Promise<{ bytes: Uint8Array; contentType: string }> {
  const encoded = new Response(form);
  return { bytes: new Uint8Array(await encoded.arrayBuffer()), contentType: encoded.headers.get('content-type') ?? 'multipart/form-data' };
}

function hasName(flat: string[], end: number, name: string): boolean {
  for (let i = 0; i < end; i += 2) if (flat[i] === name) return true;
  return false;
}

export function createHttp(env: CodeHttpEnv, state: HttpVuState): Http {
  const resolveUrl = createUrlResolver(env.target);
  const expects = new Map<string, Uint8Array>();
  const expectOf = (expect: RequestOptions['expect']): Uint8Array => {
    if (expect === undefined) return DEFAULT_EXPECT;
    const list = typeof expect === 'number' ? [expect] : expect;
    const key = list.join(',');
    let table = expects.get(key);
    if (!table) {
      table = createExpectTable(list);
      expects.set(key, table);
    }
    return table;
  };

  async function request(method: string, url: string, body?: RequestBody, opts?: RequestOptions): Promise<HttpResponse> {
    const vu = state.vu;
    if (vu.interrupted) throw new IterationAborted();
    const upper = method.toUpperCase();
    const resolved = resolveUrl(url);
    const { origin, path } = resolved;
    const q = url.indexOf('?');
    const name = opts?.name ?? `${upper} ${q === -1 ? url : url.slice(0, q)}`;
    const headers: string[] = [];
    let hasContentType = false;
    const own = opts?.headers;
    if (own) {
      for (const key in own) {
        const lower = key.toLowerCase();
        if (lower === 'content-type') hasContentType = true;
        headers.push(lower, String(own[key]));
      }
    }
    const ownCount = headers.length;
    for (const h of env.headers) {
      if (ownCount > 0 && hasName(headers, ownCount, h.name)) continue;
      if (h.name === 'content-type') hasContentType = true;
      headers.push(h.name, h.render(vu.vars));
    }
    let text: string | Uint8Array | undefined;
    if (typeof body === 'string') text = body;
    else if (body instanceof URLSearchParams) {
      text = body.toString();
      if (!hasContentType) headers.push('content-type', 'application/x-www-form-urlencoded');
    } else if (body instanceof FormData) {
      // undici's own multipart encoder (the one fetch uses): the boundary goes into the content-type it returns.
      const encoded = await encodeFormData(body);
      text = encoded.bytes;
      if (hasContentType) throw new TypeError('http: a FormData body sets its own content-type (with the boundary): remove the content-type header');
      headers.push('content-type', encoded.contentType);
    } else if (body !== undefined) {
      text = JSON.stringify(body);
      if (!hasContentType) headers.push('content-type', 'application/json');
    }
    const timeoutMs = opts?.timeout === undefined ? env.timeoutMs : typeof opts.timeout === 'number' ? opts.timeout : parseDuration(opts.timeout);
    if (timeoutMs === undefined || !(timeoutMs > 0)) throw new TypeError(`http: timeout ${JSON.stringify(opts?.timeout)} is not a positive duration like '5s' or a number of ms`);
    const cookies = resolved.problem === undefined ? env.cookies : undefined;
    const ex = new Exchange(env.exchange, {
      requestId: env.requestId(name, state.scope),
      dispatcher: dispatcherFor(env, resolved),
      origin,
      method: upper,
      path,
      headers: cookies === undefined ? headers : cookies.addTo(vu, origin, path, headers),
      body: text,
      timeoutMs,
      expect: expectOf(opts?.expect),
      intendedStartMs: state.intendedStartMs,
      keepBody: opts?.discardBody !== true,
      keepHeaders: true,
    });
    const durationMs = await sendOnVu(ex, vu);
    if (cookies !== undefined && ex.error === undefined) cookies.store(vu, origin, path, ex.responseHeaders['set-cookie']);
    return new CodeResponse(name, ex.status, ex.error ? EMPTY_HEADERS : ex.responseHeaders, ex.responseBody ?? '', ex.expected, durationMs, ex.error, ex.error ? ex.errorMessage : undefined);
  }

  /** One request exactly as given (absolute URL, flat headers): the k6 layer builds its own requests. */
  async function sendExchange(r: RawExchangeRequest): Promise<RawExchangeResult> {
    const vu = state.vu;
    if (vu.interrupted) throw new IterationAborted();
    const resolved = resolveUrl(r.url);
    const dispatcher = dispatcherFor(env, resolved);
    const ex = new Exchange(env.exchange, {
      requestId: env.requestId(r.name, state.scope),
      dispatcher: r.wrapDispatcher ? r.wrapDispatcher(dispatcher) : dispatcher,
      origin: resolved.origin,
      method: r.method,
      path: resolved.path,
      headers: r.headers,
      body: r.body,
      timeoutMs: r.timeoutMs,
      expect: r.expect,
      intendedStartMs: state.intendedStartMs,
      keepBody: r.keepBody,
      keepHeaders: true,
    });
    return { exchange: ex, durationMs: await sendOnVu(ex, vu) };
  }

  /**
   * Sends `ex` as the VU's current request (a stop interrupts it) and returns how long it took, ms. The intended
   * start applies to this request only. A request the stop aborted ends the iteration.
   */
  async function sendOnVu(ex: Exchange, vu: Vu): Promise<number> {
    state.intendedStartMs = undefined;
    const startMs = env.exchange.now();
    vu.current = ex;
    await ex.send();
    if (vu.current === ex) vu.current = null;
    if (ex.error === 'aborted' && vu.interrupted) throw new IterationAborted();
    return env.exchange.now() - startMs;
  }

  const http: Http & { [SEND_EXCHANGE]: typeof sendExchange } = {
    [SEND_EXCHANGE]: sendExchange,
    request,
    get: (url, opts) => request('GET', url, undefined, opts),
    delete: (url, opts) => request('DELETE', url, undefined, opts),
    post: (url, body, opts) => request('POST', url, body, opts),
    put: (url, body, opts) => request('PUT', url, body, opts),
    patch: (url, body, opts) => request('PATCH', url, body, opts),
  };
  return http;
}
