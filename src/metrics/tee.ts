// One MetricsSink that forwards every sample to several: the collector first, then exporters and live views.
// A sink after the first that throws (a full disk under an exporter, a bug) is dropped and its error kept:
// an exception thrown into the HTTP layer's response handler would leave that request, and its iteration,
// unsettled for good (the run hangs), and it would cost every other output its samples.
import type { Sample } from './sample.ts';
import type { MetricsSink } from './types.ts';

/** A sink the tee dropped, and why. */
export interface DroppedSink {
  index: number;
  error: unknown;
}

class TeeSink implements MetricsSink {
  private readonly sinks: MetricsSink[];
  readonly dropped: DroppedSink[] = [];
  constructor(sinks: readonly MetricsSink[]) {
    this.sinks = [...sinks];
  }

  started(requestId: number, atMs?: number): void {
    const s = this.sinks;
    s[0].started(requestId, atMs);
    for (let i = 1; i < s.length; i++) {
      try {
        s[i].started(requestId, atMs);
      } catch (err) {
        this.drop(i, err);
      }
    }
  }

  record(sample: Sample): void {
    const s = this.sinks;
    s[0].record(sample);
    for (let i = 1; i < s.length; i++) {
      try {
        s[i].record(sample);
      } catch (err) {
        this.drop(i, err);
      }
    }
  }

  named(requestId: number, name: string): void {
    const s = this.sinks;
    for (let i = 0; i < s.length; i++) {
      try {
        s[i].named?.(requestId, name);
      } catch (err) {
        if (i === 0) throw err;
        this.drop(i, err);
      }
    }
  }

  /** Replaces sink `i` by one that does nothing (indexes stay as given); its error is kept once. */
  private drop(i: number, error: unknown): void {
    this.sinks[i] = NOTHING;
    this.dropped.push({ index: i - 1, error });
  }
}

const NOTHING: MetricsSink = { started() {}, record() {} };

/** The tee and what it dropped; `dropped[].index` is the position in `more`. */
export interface Tee {
  sink: MetricsSink;
  dropped(): readonly DroppedSink[];
}

/** `first` alone when there is nothing to add (no indirection on the hot path), else a tee in order. */
export function createTee(first: MetricsSink, more: readonly MetricsSink[]): Tee {
  if (more.length === 0) return { sink: first, dropped: () => [] };
  const tee = new TeeSink([first, ...more]);
  return { sink: tee, dropped: () => tee.dropped };
}
