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
      const h = handler;
      const proxy: Dispatcher.DispatchHandler = {
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
      return base.dispatch(opts, proxy);
    },
  } as Dispatcher;
}
