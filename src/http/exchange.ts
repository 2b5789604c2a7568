// One HTTP request through the shared pool: timed, deadline-bound, body counted and dropped unless a
// capture needs it. The object is its own undici handler (new-style callbacks) and its own result.
import type { Dispatcher } from 'undici';
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
  /** Text, or bytes (a k6 script's binary body). */
  body?: string | Uint8Array;
  timeoutMs: number;
  /** Status → 1 when expected. */
  expect: Uint8Array;
  /** Latency is measured from here when given (open model: the intended start). */
  intendedStartMs?: number;
  keepBody: boolean;
  keepHeaders: boolean;
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

export class Exchange implements Dispatcher.DispatchHandler, Tracked {
  // Tracked links, owned by InFlight.
  deadlineMs = 0;
  prev: Tracked | null = null;
  next: Tracked | null = null;
  list: Tracked['list'] = null;

  /** HTTP status, 0 when the request failed. */
  status = 0;
  /** Why it failed; undefined on a complete response. */
  error: ErrorKind | undefined = undefined;
  errorMessage = '';
  expected = false;
  responseHeaders = NO_HEADERS;
  /** The body as text when keepBody was asked and it fit within the cap. */
  body: string | undefined = undefined;
  bodyOverflow = false;
  bytesSent = 0;
  bytesReceived = 0;

  private controller: Dispatcher.DispatchController | null = null;
  private settled = false;
  private started = false;
  /** Redirect hop of the last start (0: the request itself). */
  private hop = 0;
  private startMs = 0;
  private chunks: Buffer[] | null = null;
  private chunkBytes = 0;
  private resolve: ((ex: Exchange) => void) | null = null;
  /** undici refused this request before sending it; read by the pool's Client so it does not stall (pool.ts). */
  refused = false;

  constructor(
    private readonly ctx: ExchangeContext,
    private readonly req: ExchangeRequest,
  ) {}

  /** Sends the request; resolves (never rejects) when it has a response or an error. */
  send(): Promise<Exchange> {
    const req = this.req;
    // Encoded here rather than by undici (which calls Buffer.from on a string body anyway): the byte count then
    // comes free, where Buffer.byteLength would scan the freshly rendered (unflattened) string a second time.
    const body = req.body === undefined ? null : Buffer.from(req.body);
    this.bytesSent = estimateRequestBytes(req, body === null ? -1 : body.length);
    if (req.keepBody) this.chunks = [];
    const done = new Promise<Exchange>((r) => (this.resolve = r));
    this.startMs = this.ctx.now();
    this.ctx.metrics.started(req.requestId, this.startMs);
    this.ctx.inFlight.add(this, req.timeoutMs, this.startMs);
    // undici refuses such a request and then stalls the Pool slot it was handed (see request-check.ts): fail it here.
    const problem = req.prechecked === true ? undefined : requestProblem(req.method, req.path, req.headers);
    if (problem !== undefined) {
      this.fail(new RunnerRequestError(RUNNER_INVALID_REQUEST, problem));
      return done;
    }
    try {
      const options: RefusableDispatchOptions =
        this.ctx.pipelining === true
          ? { origin: req.origin, path: req.path, method: req.method as Dispatcher.HttpMethod, headers: req.headers, body, blocking: false, idempotent: this.ctx.multiplexed === true || idempotentMethods.has(req.method), refusal: this }
          : { origin: req.origin, path: req.path, method: req.method as Dispatcher.HttpMethod, headers: req.headers, body, refusal: this };
      req.dispatcher.dispatch(options, this);
    } catch (err) {
      this.fail(err);
    }
    return done;
  }

  onRequestStart(controller: Dispatcher.DispatchController, context?: { history?: readonly unknown[] }): void {
    this.controller = controller;
    // The redirect interceptor starts each hop with a longer history; the same hop starting again is undici
    // re-writing a pipelined request whose socket closed before its response. A silent retry: the server gets
    // it twice and runner counts it once. It fails as 'closed' instead, and is not written again.
    const hop = context?.history?.length ?? 0;
    if (this.started && hop === this.hop && !this.settled) {
      this.giveUp(new RunnerRequestError(RUNNER_RESENT, 'the connection closed before the response (pipelined); not sent again'));
      return;
    }
    this.hop = hop;
    this.started = true;
    // Timed out or aborted while queued for a socket: do not send it at all.
    if (this.settled) controller.abort(new RunnerRequestError(RUNNER_ABORTED, 'request given up before it was sent'));
  }

  onResponseStart(_c: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>): void {
    if (this.settled) return;
    this.status = statusCode;
    if (this.req.keepHeaders) this.responseHeaders = headers;
    // Status line + header lines: an estimate of the bytes on the wire, without the raw buffers.
    let bytes = 17;
    for (const name in headers) {
      const v = headers[name];
      bytes += name.length + 4 + (typeof v === 'string' ? v.length : Array.isArray(v) ? v.join(', ').length : 0);
    }
    this.bytesReceived += bytes + 2;
  }

  onResponseData(_c: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.settled) return;
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
  }

  onResponseEnd(): void {
    if (this.settled) return;
    this.settled = true;
    this.ctx.inFlight.remove(this);
    const endMs = this.ctx.now();
    if (this.chunks !== null) this.body = Buffer.concat(this.chunks, this.chunkBytes).toString('utf8');
    this.chunks = null;
    this.expected = this.status < this.req.expect.length && this.req.expect[this.status] === 1;
    const latencyStart = this.req.intendedStartMs ?? this.startMs;
    this.record(Math.round((endMs - latencyStart) * 1000), Math.round((endMs - this.startMs) * 1000), endMs, null);
    this.finish();
  }

  onResponseError(_c: Dispatcher.DispatchController, err: Error): void {
    // Refused by undici before it started (a check request-check.ts does not mirror): during dispatch(), or later
    // when the Pool takes it from its queue. The request never left runner.
    const code = (err as { code?: unknown }).code;
    if (!this.started && (code === 'UND_ERR_INVALID_ARG' || code === 'UND_ERR_NOT_SUPPORTED')) {
      this.refused = true;
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
    const neverConnected = !this.started && !this.ctx.connectedSince(this.req.origin, this.startMs);
    const code = neverConnected ? RUNNER_CONNECT_TIMEOUT : RUNNER_TIMEOUT;
    this.giveUp(new RunnerRequestError(code, `no response within ${this.req.timeoutMs} ms`));
  }

  /** Called by InFlight on a hard stop. */
  abort(): void {
    this.giveUp(new RunnerRequestError(RUNNER_ABORTED, 'aborted by the run stopping'));
  }

  private giveUp(err: RunnerRequestError): void {
    if (this.settled) return;
    // The abort below destroys the socket this request was written to: requests queued behind it must still
    // know that a socket was alive.
    if (this.started) this.ctx.markAlive?.(this.req.origin);
    this.fail(err);
    // An abort destroys the socket: the pool reconnects for the next request.
    this.controller?.abort(err);
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
    s.requestId = this.req.requestId;
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
    this.resolve = null;
    resolve?.(this);
  }
}

/** Request line + headers + body, as composed here (undici adds host and content-length); bodyBytes −1: no body. */
function estimateRequestBytes(req: ExchangeRequest, bodyBytes: number): number {
  let bytes = req.method.length + req.path.length + 12;
  for (let i = 0; i < req.headers.length; i += 2) bytes += req.headers[i].length + req.headers[i + 1].length + 4;
  bytes += req.origin.length + 8; // host header
  if (bodyBytes >= 0) bytes += bodyBytes + 18 + String(bodyBytes).length; // content-length header + body
  return bytes + 2;
}
