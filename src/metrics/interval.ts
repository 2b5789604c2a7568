// Interval histograms for live views and interval logs: a MetricsSink that records into the current interval,
// swapped for a fresh one on each tick (double-buffered, so a tick allocates nothing).
import { createGrowingHistogram, createHistogram, recordUs } from './histogram.ts';
import type { Histogram } from './histogram.ts';
import type { Sample } from './sample.ts';
import type { MetricsSink } from './types.ts';

/** One interval's data; the histograms stay valid until the next `take()`. */
export interface IntervalSnapshot {
  /**
   * Latency (µs) by request id when created with `perRequest`, else one histogram for all ids. Sparse: an id
   * with no sample yet may have no entry (forEach skips it).
   */
  histograms: readonly Histogram[];
  /** Requests finished in the interval (responses + errors). */
  requests: number;
  /** Requests with no response in the interval. */
  errors: number;
}

export interface IntervalRecorder extends MetricsSink {
  /** Ends the current interval and starts the next; the returned snapshot is reused two takes later. */
  take(): IntervalSnapshot;
  /** Responses since the start by status class: index 1 = 1xx … 5xx, 0 = anything else. */
  readonly statusClasses: Float64Array;
  /** Requests with no response since the start. */
  readonly errorsTotal: () => number;
}

interface Buffer {
  histograms: Histogram[];
  /** [requests, errors] of the interval. */
  counts: Float64Array;
}

function createBuffer(n: number): Buffer {
  return { histograms: Array.from({ length: n }, createHistogram), counts: new Float64Array(2) };
}

class Recorder implements IntervalRecorder {
  readonly statusClasses = new Float64Array(6);
  private errors = 0;
  private current: Buffer;
  private spare: Buffer;
  private readonly perRequest: boolean;

  constructor(requestCount: number, perRequest: boolean) {
    this.perRequest = perRequest;
    const n = perRequest ? requestCount : 1;
    this.current = createBuffer(n);
    this.spare = createBuffer(n);
  }

  /** Starts are not this sink's business: it records ends. */
  started(): void {}

  record(s: Sample): void {
    if (s.kind !== 'http') return;
    const b = this.current;
    b.counts[0]++;
    if (s.error !== null) {
      b.counts[1]++;
      this.errors++;
      return;
    }
    const i = this.perRequest ? s.requestId : 0;
    // Ids registered at run time (code scenarios) get their histogram on first use.
    recordUs(b.histograms[i] ?? (b.histograms[i] = createGrowingHistogram()), s.latencyUs);
    const cls = (s.status / 100) | 0;
    this.statusClasses[cls >= 1 && cls <= 5 ? cls : 0]++;
  }

  errorsTotal = (): number => this.errors;

  take(): IntervalSnapshot {
    const done = this.current;
    const next = this.spare;
    // A per-request histogram unused for a whole interval is dropped (~90 KB each): memory follows the names
    // in use now, not every name the run ever saw (code scenarios can name thousands).
    const hs = next.histograms;
    for (let i = 0; i < hs.length; i++) {
      const h = hs[i];
      if (h === undefined) continue;
      if (this.perRequest && h.totalCount === 0) delete hs[i];
      else h.reset();
    }
    next.counts.fill(0);
    this.current = next;
    this.spare = done;
    return { histograms: done.histograms, requests: done.counts[0], errors: done.counts[1] };
  }
}

/**
 * A recorder for `requestCount` request ids. `perRequest: false` keeps one histogram for all ids (live
 * progress: one extra record per sample); true keeps one per id (interval logs tagged by request name).
 */
export function createIntervalRecorder(requestCount: number, perRequest: boolean): IntervalRecorder {
  return new Recorder(requestCount, perRequest);
}
