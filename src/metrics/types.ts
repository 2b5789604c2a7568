// The contract between the layers that measure (HTTP, later WebSocket) and the sinks that count and export.
import type { Sample } from './sample.ts';

/**
 * Where each finished request is recorded. Called on the hot path: no allocation inside.
 * `atMs`, when given, is the run clock's time the caller has just read (it already times the request): a sink
 * that needs the time uses it instead of reading the clock again (~50 ns a read, twice per request).
 */
export interface MetricsSink {
  /** A request was handed to the pool (for the per-second series). */
  started(requestId: number, atMs?: number): void;
  /** A request ended, with a response or an error. `sample` is reused by the caller: read it now, never keep it. */
  record(sample: Sample): void;
  /**
   * A request id was added during the run (code scenarios name their requests at run time), before its first
   * sample. A sink that shows names must take them from here too, not only from the plan's list.
   */
  named?(requestId: number, name: string): void;
}
