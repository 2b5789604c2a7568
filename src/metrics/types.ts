// The contract between the HTTP layer (which measures) and the collector (which counts).
import type { ErrorKind } from '../errors.ts';

/**
 * Where each finished request is recorded. Called on the hot path: no allocation inside.
 * `atMs`, when given, is the run clock's time the caller has just read (it already times the request): a sink
 * that needs the time uses it instead of reading the clock again (~50 ns a read, twice per request).
 */
export interface MetricsSink {
  /** A request was handed to the pool (for the per-second series). */
  started(requestId: number, atMs?: number): void;
  /**
   * A response arrived in full (any status).
   * @param requestId index into the run's request names
   * @param latencyUs from the iteration's intended start of this request (open model) or the send (closed), µs
   * @param serviceUs from the hand-off to the socket pool to the end of the body, µs
   * @param expected whether the status is one the request expects
   */
  response(
    requestId: number,
    status: number,
    latencyUs: number,
    serviceUs: number,
    bytesSent: number,
    bytesReceived: number,
    expected: boolean,
    atMs?: number,
  ): void;
  /** The request got no complete response. */
  error(requestId: number, kind: ErrorKind, bytesSent: number, bytesReceived: number): void;
  /**
   * A request id was added during the run (code scenarios name their requests at run time), before its first
   * sample. A sink that shows names must take them from here too, not only from the plan's list.
   */
  named?(requestId: number, name: string): void;
}
