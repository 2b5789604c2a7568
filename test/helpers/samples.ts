// Feeding sinks by hand in tests: one call per sample, in the order the old positional API took its values.
import type { ErrorKind } from '../../src/errors.ts';
import { createHttpSample } from '../../src/metrics/sample.ts';
import type { MetricsSink } from '../../src/metrics/types.ts';

/** A response: as the HTTP layer records one (a fresh record each call; the layer itself reuses one). */
export function respond(sink: MetricsSink, requestId: number, status: number, latencyUs: number, serviceUs: number, bytesSent: number, bytesReceived: number, expected: boolean, atMs = 0): void {
  sink.record({ ...createHttpSample(), requestId, status, latencyUs, serviceUs, bytesSent, bytesReceived, expected, atMs });
}

/** A request with no complete response. */
export function fail(sink: MetricsSink, requestId: number, kind: ErrorKind, bytesSent: number, bytesReceived: number, atMs = 0): void {
  sink.record({ ...createHttpSample(), requestId, bytesSent, bytesReceived, atMs, error: kind });
}
