// One MetricsSink that forwards every sample to several: the collector first, then exporters and live views.
import type { ErrorKind } from '../errors.ts';
import type { MetricsSink } from './types.ts';

class TeeSink implements MetricsSink {
  private readonly sinks: readonly MetricsSink[];
  constructor(sinks: readonly MetricsSink[]) {
    this.sinks = sinks;
  }

  started(requestId: number, atMs?: number): void {
    const s = this.sinks;
    for (let i = 0; i < s.length; i++) s[i].started(requestId, atMs);
  }

  response(requestId: number, status: number, latencyUs: number, serviceUs: number, bytesSent: number, bytesReceived: number, expected: boolean, atMs?: number): void {
    const s = this.sinks;
    for (let i = 0; i < s.length; i++) s[i].response(requestId, status, latencyUs, serviceUs, bytesSent, bytesReceived, expected, atMs);
  }

  error(requestId: number, kind: ErrorKind, bytesSent: number, bytesReceived: number): void {
    const s = this.sinks;
    for (let i = 0; i < s.length; i++) s[i].error(requestId, kind, bytesSent, bytesReceived);
  }

  named(requestId: number, name: string): void {
    for (const s of this.sinks) s.named?.(requestId, name);
  }
}

/** `first` alone when there is nothing to add (no indirection on the hot path), else a tee in order. */
export function teeSinks(first: MetricsSink, more: readonly MetricsSink[]): MetricsSink {
  return more.length === 0 ? first : new TeeSink([first, ...more]);
}
