// The result file's per-second series, built from the closed seconds (seconds.ts): counts, latency and
// service-time percentiles, and each second's histograms encoded like `latency.hdr`, so that results of
// several processes can be merged exactly, second by second.
import type { RequestSecond, TimeSeriesPoint } from '../result/types.ts';
import { encodeHistogram } from './histogram.ts';
import { valuesAtPercentiles } from './percentiles.ts';
import { errorsIn, requestsIn } from './request-counts.ts';
import type { SecondView } from './seconds.ts';

export interface TimeSeries {
  /** Takes one closed second (a SecondListener). */
  add(second: SecondView): void;
  /** The seconds from the start to the last one handed out. */
  points(): TimeSeriesPoint[];
}

/** Request ids whose per-second numbers the series keeps (ids 0..N-1): bounds the file (~60 bytes each a second). */
export const MAX_SERIES_REQUESTS = 10;

/** `nameOf(id)`: the request name of an id, for the per-request numbers; without it there are none. */
export function createTimeSeries(nameOf?: (id: number) => string | undefined): TimeSeries {
  const points: TimeSeriesPoint[] = [];
  return {
    add(v) {
      const responses = v.latency.totalCount;
      const p: TimeSeriesPoint = {
        t: v.t,
        started: v.started,
        finished: v.requests,
        errors: v.errors,
        dropped: v.dropped,
        p50: percentileMs(v, 'latency', 50),
        p99: percentileMs(v, 'latency', 99),
        serviceP50: 0,
        serviceP99: 0,
        iterations: v.iterationsStarted,
        vus: v.activeVus,
        checksPassed: v.checksPassed,
        checksFailed: v.checksFailed,
      };
      // The same histogram when nothing differs (closed model): its percentiles are not walked twice.
      p.serviceP50 = v.serviceDiffers ? percentileMs(v, 'serviceTime', 50) : p.p50;
      p.serviceP99 = v.serviceDiffers ? percentileMs(v, 'serviceTime', 99) : p.p99;
      // Encoded only when there is something in it (~0.5 ms each); the service time only when it differs.
      if (responses > 0) p.hdr = encodeHistogram(v.latency);
      if (responses > 0 && v.serviceDiffers) p.serviceHdr = encodeHistogram(v.serviceTime);
      if (nameOf) {
        const requests: Record<string, RequestSecond> = {};
        for (const id of v.ids) {
          const c = v.countsOf(id);
          const name = id < MAX_SERIES_REQUESTS ? nameOf(id) : undefined;
          if (c === undefined || name === undefined) continue;
          const [p50, p99] = valuesAtPercentiles([c.same, c.latency], [50, 99]) ?? [0, 0];
          // defineProperty: a request named `__proto__` would otherwise set the prototype and vanish.
          Object.defineProperty(requests, name, { value: { finished: requestsIn(c), errors: errorsIn(c), p50: p50 / 1000, p99: p99 / 1000 }, enumerable: true, writable: true, configurable: true });
        }
        if (Object.keys(requests).length > 0) p.requests = requests;
      }
      points.push(p);
    },
    points() {
      return points.map((p) => ({ ...p }));
    },
  };
}

/** A percentile of the second in ms (3 decimals); 0 when nothing ended in it. */
function percentileMs(v: SecondView, which: 'latency' | 'serviceTime', percentile: number): number {
  const h = v[which];
  return h.totalCount === 0 ? 0 : Math.round(h.getValueAtPercentile(percentile)) / 1000;
}
