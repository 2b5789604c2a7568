// Per-second buckets of a run: requests started and finished, errors, dropped iterations, and latency
// p50/p99 from one interval histogram that is summarized and reset as each second closes.
import type { TimeSeriesPoint } from '../result/types.ts';
import { createHistogram, recordUs, type Histogram } from './histogram.ts';

const BUCKET_MS = 1000;

export interface TimeSeries {
  /** Second 0 starts now; anything recorded before is forgotten. */
  begin(): void;
  /** A request was handed to the pool; `atMs`: the `now` clock's time, when the caller has just read it. */
  started(atMs?: number): void;
  /**
   * A request ended with a response (`latencyUs` from its intended start) or an error (`latencyUs` < 0: none);
   * `atMs` as for started().
   */
  finished(latencyUs: number, error: boolean, atMs?: number): void;
  dropped(): void;
  /** The buckets from the start to now; the last one may be partial. */
  points(): TimeSeriesPoint[];
}

/** Bucket t covers [t, t+1) s after begin() on the `now` clock (ms). Only the current second holds a histogram. */
export function createTimeSeries(now: () => number): TimeSeries {
  const points: TimeSeriesPoint[] = [];
  const interval: Histogram = createHistogram();
  let startMs = now();
  let current: TimeSeriesPoint = emptyPoint(0);
  points.push(current);

  /** Closes buckets up to the second of `atMs` (default: now); cheap when the second has not changed. */
  const bucket = (atMs = now()): TimeSeriesPoint => {
    const t = Math.floor((atMs - startMs) / BUCKET_MS);
    if (t === current.t || t < 0) return current;
    close(current, interval);
    while (current.t < t) {
      current = emptyPoint(current.t + 1);
      points.push(current);
    }
    return current;
  };

  return {
    begin() {
      startMs = now();
      interval.reset();
      points.length = 0;
      current = emptyPoint(0);
      points.push(current);
    },
    started(atMs) {
      bucket(atMs).started++;
    },
    finished(latencyUs, error, atMs) {
      const p = bucket(atMs);
      p.finished++;
      if (error) p.errors++;
      else recordUs(interval, latencyUs);
    },
    dropped() {
      bucket().dropped++;
    },
    points() {
      bucket();
      close(current, interval);
      return points.map((p) => ({ ...p }));
    },
  };
}

function emptyPoint(t: number): TimeSeriesPoint {
  return { t, started: 0, finished: 0, errors: 0, dropped: 0, p50: 0, p99: 0 };
}

/** Writes the interval's percentiles (ms, 3 decimals) into `p` and empties the interval. */
function close(p: TimeSeriesPoint, h: Histogram): void {
  if (h.totalCount === 0) return;
  p.p50 = Math.round(h.getValueAtPercentile(50)) / 1000;
  p.p99 = Math.round(h.getValueAtPercentile(99)) / 1000;
  h.reset();
}
