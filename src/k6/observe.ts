// Watches one request on its way through undici for k6's response fields runner's Exchange does not keep: when
// the response headers came (timings.waiting / receiving) and the body's raw bytes (responseType 'binary').
// A handler in front of the Exchange, forwarding every callback unchanged; only k6 requests pay for it.
import type { Dispatcher } from 'undici';

export interface Observation {
  /** Clock time the response headers arrived; 0 when none did. */
  headersAtMs: number;
  /** The body's bytes, when asked for. */
  chunks: Buffer[] | null;
}

export function observingDispatcher(base: Dispatcher, now: () => number, seen: Observation): Dispatcher {
  return {
    dispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
      return base.dispatch(opts, typeof (handler as LegacyHandler).onHeaders === 'function' ? legacyProxy(handler as LegacyHandler, now, seen) : proxy(handler, now, seen));
    },
  } as Dispatcher;
}

/** undici's older callbacks (onConnect, onHeaders, onData, onComplete, onError), which runner's Exchange uses. */
interface LegacyHandler {
  onConnect?(abort: (err?: Error) => void, context?: unknown): void;
  onHeaders(statusCode: number, rawHeaders: (Buffer | string)[], resume: () => void, statusText?: string): boolean;
  onData?(chunk: Buffer): boolean;
  onComplete?(trailers: unknown): void;
  onError?(err: Error): void;
  onUpgrade?(statusCode: number, headers: unknown, socket: unknown): void;
  onResponseStarted?(): void;
  onBodySent?(chunk: unknown): void;
  onRequestSent?(): void;
}

/** A proxy in the handler's own style: undici picks the callbacks it calls by the methods a handler has. */
function legacyProxy(h: LegacyHandler, now: () => number, seen: Observation): Dispatcher.DispatchHandler {
  const p: LegacyHandler = {
    onConnect: (abort, context) => h.onConnect?.(abort, context),
    onHeaders: (status, raw, resume, text) => {
      if (seen.headersAtMs === 0) seen.headersAtMs = now();
      return h.onHeaders(status, raw, resume, text);
    },
    onData: (chunk) => {
      seen.chunks?.push(chunk);
      return h.onData?.(chunk) ?? true;
    },
    onComplete: (trailers) => h.onComplete?.(trailers),
    onError: (err) => h.onError?.(err),
  };
  if (h.onUpgrade) p.onUpgrade = (status, headers, socket) => h.onUpgrade!(status, headers, socket);
  return p as unknown as Dispatcher.DispatchHandler;
}

function proxy(h: Dispatcher.DispatchHandler, now: () => number, seen: Observation): Dispatcher.DispatchHandler {
  return {
    onRequestStart: (c, ctx) => h.onRequestStart?.(c, ctx),
    onRequestUpgrade: (c, status, headers, socket) => h.onRequestUpgrade?.(c, status, headers, socket),
    onResponseStart: (c, status, headers, message) => {
      if (seen.headersAtMs === 0) seen.headersAtMs = now();
      return h.onResponseStart?.(c, status, headers, message);
    },
    onResponseData: (c, chunk) => {
      seen.chunks?.push(chunk);
      return h.onResponseData?.(c, chunk);
    },
    onResponseEnd: (c, trailers) => h.onResponseEnd?.(c, trailers),
    onResponseError: (c, err) => h.onResponseError?.(c, err),
  };
}
