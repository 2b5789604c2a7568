// The one record a finished request is reported as: what the HTTP layer measured, handed to every sink.
import type { ErrorKind } from '../errors.ts';

/**
 * One finished HTTP request (a full response or a failure). The caller fills ONE object per run and passes it
 * to `MetricsSink.record` for every request: a sink reads it during the call and must not keep it (copy what
 * it needs). `kind` tells the variants apart: other protocols (WebSocket) add their own record to `Sample`.
 */
export interface HttpSample {
  kind: 'http';
  /** Index into the run's request names (0-based). */
  requestId: number;
  /** HTTP status of the response; 0 when `error` is set. */
  status: number;
  /** From the iteration's intended start (open model) or the send (closed) to the end of the body, µs; 0 on error. */
  latencyUs: number;
  /** From the hand-off to the socket pool to the end of the body, µs; 0 on error. */
  serviceUs: number;
  bytesSent: number;
  bytesReceived: number;
  /** The status is one the request expects (false on error). */
  expected: boolean;
  /** When it ended, on the run's monotonic clock (ms). */
  atMs: number;
  /** null: a complete response arrived; else why none did. */
  error: ErrorKind | null;
}

/** Every record a sink may get; switch on `kind`. */
export type Sample = HttpSample;

/** A blank record for a caller to fill and reuse. */
export function createHttpSample(): HttpSample {
  return { kind: 'http', requestId: 0, status: 0, latencyUs: 0, serviceUs: 0, bytesSent: 0, bytesReceived: 0, expected: false, atMs: 0, error: null };
}
