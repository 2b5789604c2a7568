// One HTTP request through the shared pool: timed, deadline-bound, body counted and dropped unless a
// capture needs it. The object is its own undici handler and its own result, and is reused: a YAML VU sends
// every request through one Exchange (no allocation per request beyond the body bytes), a code request makes one.
//
// undici's legacy handler callbacks (onConnect, onHeaders, onData, onComplete, onError), not the new-style ones:
// undici 7's Client speaks the legacy interface and wraps a new-style handler in an UnwrapHandler and an
// UnwrapController per request, parsing the headers into an object on the way. Measured on nginx, 64
// connections: ~15 % less client CPU per request with legacy callbacks (README "Benchmarks").
import type { Dispatcher } from 'undici';
import { util as undiciUtil } from './undici.ts';
import type { ErrorKind } from '../errors.ts';
import type { HttpSample } from '../metrics/sample.ts';
import type { MetricsSink } from '../metrics/types.ts';
import { classifyError, RUNNER_ABORTED, RUNNER_BAD_REDIRECT, RUNNER_CONNECT_TIMEOUT, RUNNER_INVALID_REQUEST, RUNNER_RESENT, RUNNER_TIMEOUT, RunnerRequestError } from './classify.ts';
import type { InFlight, Tracked } from './in-flight.ts';
import type { RefusableDispatchOptions } from './pool.ts';
import { requestProblem } from './request-check.ts';

/** What a request needs from the run; one per run, shared by every exchange. */
export interface ExchangeContext {
  metrics: MetricsSink;
  /** The run's one sample record, filled for each finished request and passed to `metrics.record`. */
  sample: HttpSample;
  inFlight: InFlight;
  /** Milliseconds on a monotonic clock (performance.now()). */
  now: () => number;
  /**
   * Whether a socket to the origin was connected at some moment since `sinceMs`: tells a connect timeout (never
   * connected while the request waited) from a request queued behind busy sockets.
   */
  connectedSince: (origin: string, sinceMs: number) => boolean;
  /** A socket to the origin is alive now; called before runner destroys one by aborting a request sent on it. */
  markAlive?: (origin: string) => void;
  /** runner is about to destroy a socket to the origin because a request written to it timed out. */
  markTimedOut?: (origin: string) => void;
  /** Whether markTimedOut was called for the origin at or after `sinceMs`. */
  timedOutSince?: (origin: string, sinceMs: number) => boolean;
  maxBodyBytes: number;
  /**
   * `http.pipelining` > 1: requests are dispatched with `blocking: false`, else undici waits for each response's
   * headers before writing the next request on the socket and never pipelines (client-h1.js `busy`).
   */
  pipelining?: boolean;
  /**
   * HTTP/2 offered: every request may share a session with others. undici holds a request it does not call
   * idempotent (POST, PATCH) until its h2 session is idle (client-h2.js busy), which would serialise them.
   */
  multiplexed?: boolean;
  /** Told each failure's class and message (the run keeps the first message of each class for the summary). */
  firstError?: (kind: ErrorKind, message: string) => void;
}

export interface ExchangeRequest {
  requestId: number;
  dispatcher: Dispatcher;
  origin: string;
  method: string;
  path: string;
  /** Flat [name, value, name, value, …]. */
  headers: string[];
  /** Text (encoded as UTF-8 here), or bytes sent as they are (a k6 script's binary body). */
  body?: string | Uint8Array;
  timeoutMs: number;
  /** Status → 1 when expected. */
  expect: Uint8Array;
  /** Latency is measured from here when given (open model: the intended start). */
  intendedStartMs?: number;
  keepBody: boolean;
  keepHeaders: boolean;
  /** Keep only the Set-Cookie values (`setCookie`), for a cookie jar. */
  keepSetCookie?: boolean;
  /**
   * Method, path and headers already known to be sendable (checked at load time, nothing rendered since):
   * skips the per-request check that keeps a request undici would refuse out of the pool.
   */
  prechecked?: boolean;
}

/**
 * Methods RFC 9110 calls idempotent: undici pipelines only requests marked idempotent (its default is GET and
 * HEAD only) and holds a POST or PATCH until the socket is idle, as RFC 9112 §9.3.2 asks of clients.
 */
const idempotentMethods = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'TRACE']);

const NO_HEADERS: Record<string, string | string[] | undefined> = {};

/** undici's legacy abort: destroys the socket the request is on (or drops it from the queue). */
type AbortFn = (reason?: Error) => void;

export class Exchange implements Tracked, ExchangeRequest {
  // Tracked links, owned by InFlight.
  deadlineMs = 0;
  prev: Tracked | null = null;
  next: Tracked | null = null;
  list: Tracked['list'] = null;

  // The request: set by the caller before begin() (load() copies an ExchangeRequest).
  requestId = 0;
  dispatcher: Dispatcher = null as unknown as Dispatcher;
  origin = '';
  method = 'GET';
  path = '/';
  headers: string[] = [];
  body: string | Uint8Array | undefined = undefined;
  timeoutMs = 0;
  expect: Uint8Array = new Uint8Array(0);
  intendedStartMs: number | undefined = undefined;
  keepBody = false;
  keepHeaders = false;
  /** Keep the response's Set-Cookie values (cookie jars) without parsing every header into an object. */
  keepSetCookie = false;
  prechecked: boolean | undefined = undefined;

  // The outcome, valid once done.
  /** HTTP status, 0 when the request failed. */
  status = 0;
  /** Why it failed; undefined on a complete response. */
  error: ErrorKind | undefined = undefined;
  errorMessage = '';
  expected = false;
  responseHeaders = NO_HEADERS;
  /** The response's Set-Cookie values when keepSetCookie was asked and it sent any. */
  setCookie: string[] | undefined = undefined;
  /** The response body as text when keepBody was asked and it fit within the cap. */
  responseBody: string | undefined = undefined;
  bodyOverflow = false;
  bytesSent = 0;
  bytesReceived = 0;
  /**
   * Whether this object may carry another request: undici delivered its last callback (a complete response or
   * its error). After runner gave up on a request (timeout, stop, refusal) undici may still call back for it
   * later, so such an exchange is left to that request and the caller makes a new one.
   */
  reusable = true;
  /** undici refused this request before sending it; read by the pool's Client so it does not stall (pool.ts). */
  refused = false;

  private abortFn: AbortFn | null = null;
  private settled = true;
  private started = false;
  /** Redirect hop of the last start (0: the request itself). */
  private hop = 0;
  private startMs = 0;
  private chunks: Buffer[] | null = null;
  private chunkBytes = 0;
  /** The dispatch options, one object per exchange, refilled per request. */
  private readonly options: RefusableDispatchOptions;
  private resolve: ((ex: Exchange) => void) | null = null;

  constructor(
    private readonly ctx: ExchangeContext,
    /** The request to send, or none: the caller sets the fields before begin(). */
    req?: ExchangeRequest | null,
    /** Called once per request when it has a response or an error; may be called from within begin(). */
    private readonly onDone: ((ex: Exchange) => void) | null = null,
  ) {
    this.options = { origin: '', path: '/', method: 'GET', headers: this.headers, body: null, refusal: this };
    if (ctx.pipelining === true) {
      this.options.blocking = false;
      this.options.idempotent = false;
    }
    if (req) this.load(req);
  }

  /** Copies a request's fields in (code requests; YAML flows set the fields directly). */
  load(req: ExchangeRequest): this {
    this.requestId = req.requestId;
    this.dispatcher = req.dispatcher;
    this.origin = req.origin;
    this.method = req.method;
    this.path = req.path;
    this.headers = req.headers;
    this.body = req.body;
    this.timeoutMs = req.timeoutMs;
    this.expect = req.expect;
    this.intendedStartMs = req.intendedStartMs;
    this.keepBody = req.keepBody;
    this.keepHeaders = req.keepHeaders;
    this.keepSetCookie = req.keepSetCookie === true;
    this.prechecked = req.prechecked;
    return this;
  }

  /** Sends the request; resolves (never rejects) when it has a response or an error. */
  send(): Promise<Exchange> {
    const done = new Promise<Exchange>((r) => (this.resolve = r));
    this.begin();
    return done;
  }

  /** Sends the request set in the fields; onDone (and send's promise) follow once, when it is settled. */
  begin(): void {
    if (!this.settled) throw new Error('Exchange.begin: the previous request has not ended');
    this.settled = false;
    this.started = false;
    this.hop = 0;
    this.abortFn = null;
    this.status = 0;
    this.error = undefined;
    this.errorMessage = '';
    this.expected = false;
    this.responseHeaders = NO_HEADERS;
    this.setCookie = undefined;
    this.responseBody = undefined;
    this.bodyOverflow = false;
    this.bytesReceived = 0;
    this.chunkBytes = 0;
    this.chunks = this.keepBody ? [] : null;
    // Encoded here rather than by undici (which calls Buffer.from on a string body anyway): the byte count then
    // comes free, where Buffer.byteLength would scan the freshly rendered (unflattened) string a second time.
    const raw = this.body;
    const body = raw === undefined ? null : typeof raw === 'string' ? Buffer.from(raw) : Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    this.bytesSent = estimateRequestBytes(this, body === null ? -1 : body.length);
    this.startMs = this.ctx.now();
    this.ctx.metrics.started(this.requestId, this.startMs);
    this.ctx.inFlight.add(this, this.timeoutMs, this.startMs);
    // undici refuses such a request and then stalls the Pool slot it was handed (see request-check.ts): fail it here.
    const problem = this.prechecked === true ? undefined : requestProblem(this.method, this.path, this.headers);
    if (problem !== undefined) {
      this.fail(new RunnerRequestError(RUNNER_INVALID_REQUEST, problem));
      return;
    }
    const o = this.options;
    o.origin = this.origin;
    o.path = this.path;
    o.method = this.method as Dispatcher.HttpMethod;
    o.headers = this.headers;
    o.body = body;
    if (this.ctx.pipelining === true) o.idempotent = this.ctx.multiplexed === true || idempotentMethods.has(this.method);
    try {
      this.dispatcher.dispatch(o, this as unknown as Dispatcher.DispatchHandler);
    } catch (err) {
      this.reusable = false;
      this.fail(err);
    }
  }

  onConnect(abort: AbortFn, context?: { history?: readonly unknown[] }): void {
    this.abortFn = abort;
    // The redirect interceptor starts each hop with a longer history; the same hop starting again is undici
    // re-writing a pipelined request whose socket closed before its response. A silent retry: the server gets
    // it twice and runner counts it once. It fails as 'closed' instead, and is not written again.
    const hop = context?.history?.length ?? 0;
    if (this.started && hop === this.hop && !this.settled) {
      // Whose close was it? runner destroys a socket when a request pipelined on it times out: the requests behind
      // that one got no answer on that socket either, so they are timeouts too, not a server's close.
      this.giveUp(
        this.ctx.timedOutSince?.(this.origin, this.startMs) === true
          ? new RunnerRequestError(RUNNER_TIMEOUT, `no response: a request pipelined before it on its connection got none within ${this.timeoutMs} ms`)
          : new RunnerRequestError(RUNNER_RESENT, 'the connection closed before the response (pipelined); not sent again'),
      );
      return;
    }
    this.hop = hop;
    this.started = true;
    // Timed out or aborted while queued for a socket: do not send it at all.
    if (this.settled) abort(new RunnerRequestError(RUNNER_ABORTED, 'request given up before it was sent'));
  }

  onHeaders(statusCode: number, rawHeaders: (Buffer | string)[], _resume: () => void, statusText?: string): boolean {
    if (this.settled) return true;
    this.status = statusCode;
    if (this.keepHeaders) this.responseHeaders = undiciUtil.parseHeaders(rawHeaders as Buffer[]) as Record<string, string | string[] | undefined>;
    if (this.keepSetCookie) this.setCookie = setCookieOf(rawHeaders);
    // Status line + header lines: the bytes on the wire, give or take the reason phrase undici may not pass.
    let bytes = 15 + (statusText === undefined ? 2 : statusText.length);
    for (let i = 0; i < rawHeaders.length; i += 2) bytes += rawHeaders[i].length + 4 + (rawHeaders[i + 1]?.length ?? 0);
    this.bytesReceived += bytes + 2;
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.settled) return true;
    this.bytesReceived += chunk.length;
    if (this.chunks !== null) {
      if (this.chunkBytes + chunk.length > this.ctx.maxBodyBytes) {
        this.bodyOverflow = true;
        this.chunks = null;
      } else {
        this.chunks.push(chunk);
        this.chunkBytes += chunk.length;
      }
    }
    return true;
  }

  onComplete(): void {
    if (this.settled) return;
    this.settled = true;
    this.ctx.inFlight.remove(this);
    const endMs = this.ctx.now();
    if (this.chunks !== null) this.responseBody = Buffer.concat(this.chunks, this.chunkBytes).toString('utf8');
    this.chunks = null;
    this.expected = this.status < this.expect.length && this.expect[this.status] === 1;
    const latencyStart = this.intendedStartMs ?? this.startMs;
    this.record(Math.round((endMs - latencyStart) * 1000), Math.round((endMs - this.startMs) * 1000), endMs, null);
    this.finish();
  }

  onError(err: Error): void {
    // Refused by undici before it started (a check request-check.ts does not mirror): during dispatch(), or later
    // when the Pool takes it from its queue. The request never left runner.
    const code = (err as { code?: unknown }).code;
    if (!this.started && (code === 'UND_ERR_INVALID_ARG' || code === 'UND_ERR_NOT_SUPPORTED')) {
      // The pool's Client reads `refused` after this returns: the flag must outlive the request.
      this.refused = true;
      this.reusable = false;
      this.fail(new RunnerRequestError(RUNNER_INVALID_REQUEST, `undici refused the request: ${err.message}`));
      return;
    }
    // undici checks a request's own arguments before it starts; an invalid argument after the start can only
    // come from following a redirect (a loop back to a visited URL, a Location the pool cannot reach).
    if (this.started && code === 'UND_ERR_INVALID_ARG') {
      this.fail(new RunnerRequestError(RUNNER_BAD_REDIRECT, err.message));
      return;
    }
    this.fail(err);
  }

  /** Called by InFlight when the deadline passes. */
  expire(): void {
    // Not yet written to a socket, and no socket to the origin lived while it waited: the connect never completed.
    // (Reading only "connected now" called a request queued behind busy sockets a connect timeout whenever the
    // requests ahead of it expired in the same sweep and their aborts had just destroyed those sockets.)
    const neverConnected = !this.started && !this.ctx.connectedSince(this.origin, this.startMs);
    const code = neverConnected ? RUNNER_CONNECT_TIMEOUT : RUNNER_TIMEOUT;
    this.giveUp(new RunnerRequestError(code, `no response within ${this.timeoutMs} ms`));
  }

  /** Called by InFlight on a hard stop. */
  abort(): void {
    this.giveUp(new RunnerRequestError(RUNNER_ABORTED, 'aborted by the run stopping'));
  }

  private giveUp(err: RunnerRequestError): void {
    if (this.settled) return;
    // undici still owns the request (queued, or its abort below is delivered later): this object stays with it.
    this.reusable = false;
    // The abort below destroys the socket this request was written to: requests queued behind it must still
    // know that a socket was alive.
    if (this.started) {
      this.ctx.markAlive?.(this.origin);
      if (err.code === RUNNER_TIMEOUT) this.ctx.markTimedOut?.(this.origin);
    }
    const abort = this.abortFn;
    this.fail(err);
    // An abort destroys the socket: the pool reconnects for the next request.
    abort?.(err);
  }

  private fail(err: unknown): void {
    if (this.settled) return;
    this.settled = true;
    this.ctx.inFlight.remove(this);
    this.status = 0;
    this.chunks = null;
    // Never handed to a socket (refused, connect timeout, invalid, given up while queued): nothing was sent.
    if (!this.started) this.bytesSent = 0;
    this.error = classifyError(err);
    this.errorMessage = err instanceof Error ? err.message : String(err);
    this.ctx.firstError?.(this.error, this.errorMessage);
    this.record(0, 0, this.ctx.now(), this.error);
    this.finish();
  }

  /** Fills the run's one sample record and hands it to the sinks (they read it during the call). */
  private record(latencyUs: number, serviceUs: number, atMs: number, error: ErrorKind | null): void {
    const s = this.ctx.sample;
    s.requestId = this.requestId;
    s.status = this.status;
    s.latencyUs = latencyUs;
    s.serviceUs = serviceUs;
    s.bytesSent = this.bytesSent;
    s.bytesReceived = this.bytesReceived;
    s.expected = this.expected;
    s.atMs = atMs;
    s.error = error;
    this.ctx.metrics.record(s);
  }

  private finish(): void {
    const resolve = this.resolve;
    if (resolve !== null) {
      this.resolve = null;
      resolve(this);
    }
    this.onDone?.(this);
  }
}

/** Request line + headers + body, as composed here (undici adds host and content-length); bodyBytes −1: no body. */
function estimateRequestBytes(req: Exchange, bodyBytes: number): number {
  let bytes = req.method.length + req.path.length + 12;
  const headers = req.headers;
  for (let i = 0; i < headers.length; i += 2) bytes += headers[i].length + headers[i + 1].length + 4;
  bytes += req.origin.length + 8; // host header
  if (bodyBytes >= 0) bytes += bodyBytes + 18 + digits(bodyBytes); // content-length header + body
  return bytes + 2;
}

/** Decimal digits of a whole number ≥ 0 (String(n).length without the string). */
function digits(n: number): number {
  let d = 1;
  for (let x = n; x >= 10; x = Math.floor(x / 10)) d++;
  return d;
}

/** The Set-Cookie values among raw header lines; only a 10-byte name starting with s/S is decoded to compare. */
function setCookieOf(rawHeaders: (Buffer | string)[]): string[] | undefined {
  let out: string[] | undefined;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i];
    if (name.length !== 10) continue;
    const first = typeof name === 'string' ? name.charCodeAt(0) : name[0];
    if ((first | 0x20) !== 0x73 || name.toString().toLowerCase() !== 'set-cookie') continue;
    (out ??= []).push(rawHeaders[i + 1].toString());
  }
  return out;
}
