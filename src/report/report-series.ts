// The per-second series of a result file, read for charts: rates per second, latency percentiles with gaps
// (a second without responses has no latency, not 0 ms), the partial last second scaled to its length and
// marked, and long runs cut to at most MAX_CHART_POINTS points so an hour's report stays small.
import type { RunResult } from '../result/types.ts';

/** Points a time chart draws at most: a chart is ~1200 px wide, and more points only add bytes. */
export const MAX_CHART_POINTS = 600;

/** A partial bucket shorter than this (s) is left out: a few ms of data make a rate of noise. */
const MIN_PARTIAL_S = 0.1;

/** Per-request numbers of one second (from result files that carry them). */
export interface RequestSecond {
  reqPerSec: number;
  errPerSec: number;
  p50: number | null;
  p99: number | null;
}

/** One displayed point: `t` seconds since the start; rates per second; latencies in ms (null: no responses). */
export interface SeriesPoint {
  t: number;
  /** Seconds this point covers (1; more once downsampled; less for the partial last second). */
  span: number;
  finished: number;
  errors: number;
  started: number;
  dropped: number;
  p50: number | null;
  p99: number | null;
  serviceP50: number | null;
  serviceP99: number | null;
  vus: number | null;
  iterationsStarted: number | null;
  checksPassed: number | null;
  checksFailed: number | null;
  requests: Record<string, RequestSecond> | null;
}

export interface RunSeries {
  points: SeriesPoint[];
  /** The last point covers less than a whole second: [from, to) in seconds, and how long it was. */
  partial?: { from: number; to: number };
  /** Which optional series the file carries. */
  has: { service: boolean; vus: boolean; iterations: boolean; checks: boolean; requests: boolean };
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/** The first of `keys` that `o` holds as a number. */
function pick(o: Record<string, unknown>, ...keys: string[]): number | null {
  for (const k of keys) {
    const v = num(o[k]);
    if (v !== null) return v;
  }
  return null;
}

/**
 * The result's per-second series when present and well-formed, else undefined. Counts become rates over the
 * bucket's length; the last bucket's length is what the run had left of that second.
 */
export function readRunSeries(result: RunResult): RunSeries | undefined {
  const raw = (result as unknown as { timeSeries?: unknown }).timeSeries;
  if (!Array.isArray(raw) || raw.length === 0) return undefined;
  const durationS = typeof result.durationMs === 'number' && result.durationMs > 0 ? result.durationMs / 1000 : Infinity;
  const has = { service: false, vus: false, iterations: false, checks: false, requests: false };
  const points: SeriesPoint[] = [];
  let partial: RunSeries['partial'];
  for (let i = 0; i < raw.length; i++) {
    const e = raw[i];
    if (typeof e !== 'object' || e === null) return undefined;
    const o = e as Record<string, unknown>;
    const t = num(o.t);
    if (t === null) return undefined;
    let span = 1;
    if (i === raw.length - 1 && durationS - t < 1) {
      span = Math.round((durationS - t) * 1000) / 1000;
      if (span < MIN_PARTIAL_S) break;
      partial = { from: t, to: t + span };
    }
    const finished = num(o.finished) ?? 0;
    const errors = num(o.errors) ?? 0;
    const responded = finished - errors > 0;
    const p: SeriesPoint = {
      t,
      span,
      finished: finished / span,
      errors: errors / span,
      started: (num(o.started) ?? 0) / span,
      dropped: (num(o.dropped) ?? 0) / span,
      p50: responded ? num(o.p50) : null,
      p99: responded ? num(o.p99) : null,
      serviceP50: responded ? pick(o, 'serviceP50') : null,
      serviceP99: responded ? pick(o, 'serviceP99') : null,
      vus: pick(o, 'vus', 'activeVus'),
      iterationsStarted: perSecond(pick(o, 'iterations', 'iterationsStarted'), span),
      checksPassed: perSecond(pick(o, 'checksPassed'), span),
      checksFailed: perSecond(pick(o, 'checksFailed'), span),
      requests: readRequests(o.requests, span),
    };
    has.service ||= p.serviceP50 !== null;
    has.vus ||= p.vus !== null;
    has.iterations ||= p.iterationsStarted !== null;
    has.checks ||= p.checksPassed !== null;
    has.requests ||= p.requests !== null;
    points.push(p);
  }
  if (points.length === 0) return undefined;
  return { points: points.length > MAX_CHART_POINTS ? downsample(points, Math.ceil(points.length / MAX_CHART_POINTS)) : points, partial, has };
}

function perSecond(v: number | null, span: number): number | null {
  return v === null ? null : v / span;
}

function readRequests(v: unknown, span: number): Record<string, RequestSecond> | null {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return null;
  const out: Record<string, RequestSecond> = Object.create(null);
  for (const [name, e] of Object.entries(v as Record<string, unknown>)) {
    if (typeof e !== 'object' || e === null) continue;
    const o = e as Record<string, unknown>;
    const finished = num(o.finished) ?? 0;
    const errors = num(o.errors) ?? 0;
    const responded = finished - errors > 0;
    out[name] = { reqPerSec: finished / span, errPerSec: errors / span, p50: responded ? num(o.p50) : null, p99: responded ? num(o.p99) : null };
  }
  return out;
}

/**
 * `size` points become one: rates averaged over the seconds, p50 averaged over the seconds that had
 * responses, p99 the worst of them (a spike must survive the cut), gaps kept where no second had responses.
 */
function downsample(points: readonly SeriesPoint[], size: number): SeriesPoint[] {
  const out: SeriesPoint[] = [];
  for (let i = 0; i < points.length; i += size) {
    const g = points.slice(i, i + size);
    const span = g.reduce((s, p) => s + p.span, 0);
    const rate = (get: (p: SeriesPoint) => number): number => g.reduce((s, p) => s + get(p) * p.span, 0) / span;
    const optRate = (get: (p: SeriesPoint) => number | null): number | null => (g.every((p) => get(p) === null) ? null : rate((p) => get(p) ?? 0));
    const mean = (get: (p: SeriesPoint) => number | null): number | null => {
      const v = g.map(get).filter((x): x is number => x !== null);
      return v.length === 0 ? null : v.reduce((s, x) => s + x, 0) / v.length;
    };
    const worst = (get: (p: SeriesPoint) => number | null): number | null => g.reduce<number | null>((w, p) => (get(p) === null ? w : Math.max(w ?? 0, get(p) as number)), null);
    let requests: Record<string, RequestSecond> | null = null;
    if (g.some((p) => p.requests)) {
      requests = Object.create(null) as Record<string, RequestSecond>;
      const names = new Set(g.flatMap((p) => Object.keys(p.requests ?? {})));
      for (const n of names) {
        const r = (p: SeriesPoint): RequestSecond | undefined => (p.requests && Object.hasOwn(p.requests, n) ? p.requests[n] : undefined);
        requests[n] = {
          reqPerSec: rate((p) => r(p)?.reqPerSec ?? 0),
          errPerSec: rate((p) => r(p)?.errPerSec ?? 0),
          p50: mean((p) => r(p)?.p50 ?? null),
          p99: worst((p) => r(p)?.p99 ?? null),
        };
      }
    }
    out.push({
      t: g[0].t,
      span,
      finished: rate((p) => p.finished),
      errors: rate((p) => p.errors),
      started: rate((p) => p.started),
      dropped: rate((p) => p.dropped),
      p50: mean((p) => p.p50),
      p99: worst((p) => p.p99),
      serviceP50: mean((p) => p.serviceP50),
      serviceP99: worst((p) => p.serviceP99),
      vus: mean((p) => p.vus),
      iterationsStarted: optRate((p) => p.iterationsStarted),
      checksPassed: optRate((p) => p.checksPassed),
      checksFailed: optRate((p) => p.checksFailed),
      requests,
    });
  }
  return out;
}
