// Evaluates compiled thresholds against a run's numbers: the final RunResult, or live numbers during the run.
import type { LatencySummary, RequestResult, RunResult, ThresholdOutcome } from '../../result/types.ts';
import { decodeHistogram } from '../histogram.ts';
import type { CompiledThreshold, Operator } from './parse.ts';

/** What thresholds read: a RunResult has all of it; the live watcher builds the same shape mid-run. */
export type ThresholdData = Pick<RunResult, 'durationMs' | 'totals' | 'latency' | 'requests' | 'checks' | 'iterations'> & Partial<Pick<RunResult, 'ws'>>;

/** One threshold's verdict. `value` is in the metric's unit (ms, 0..1, count, per second); null: no samples. */
export interface ThresholdVerdict {
  threshold: CompiledThreshold;
  value: number | null;
  ok: boolean;
}

/** Whether `value` satisfies `op bound` (a threshold's comparison). */
export function compare(value: number, op: Operator, bound: number): boolean {
  switch (op) {
    case '<':
      return value < bound;
    case '<=':
      return value <= bound;
    case '>':
      return value > bound;
    case '>=':
      return value >= bound;
    case '==':
      return value === bound;
    case '!=':
      return value !== bound;
  }
}

function round(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}

/** Percentile in ms from the summary's histogram; decoded histograms are cached per evaluation. */
function percentileMs(l: LatencySummary, percentile: number, cache: Map<string, ReturnType<typeof decodeHistogram>>): number {
  let h = cache.get(l.hdr);
  if (!h) {
    h = decodeHistogram(l.hdr);
    cache.set(l.hdr, h);
  }
  return h.getValueAtPercentile(percentile) / 1000;
}

/** A trend threshold's value from a latency summary, in ms; null without samples. */
function trend(l: LatencySummary | undefined, a: CompiledThreshold['aggregation'], cache: Map<string, ReturnType<typeof decodeHistogram>>): number | null {
  if (!l || l.count === 0) return null;
  if (a.kind === 'percentile') return round(percentileMs(l, a.percentile, cache), 3);
  if (a.kind === 'avg') return l.mean;
  if (a.kind === 'min') return l.min;
  if (a.kind === 'max') return l.max;
  return l.p50;
}

function measure(t: CompiledThreshold, data: ThresholdData, cache: Map<string, ReturnType<typeof decodeHistogram>>): number | null {
  const part: Pick<RequestResult, 'totals' | 'latency'> | undefined = t.requestName === undefined ? data : data.requests[t.requestName];
  const seconds = data.durationMs / 1000;
  const perSecond = (n: number): number => (seconds > 0 ? round(n / seconds, 3) : 0);
  const a = t.aggregation;
  switch (t.metric) {
    case 'http_req_duration':
      return trend(part?.latency, a, cache);
    case 'http_req_failed': {
      const totals = part?.totals;
      if (!totals || totals.requests === 0) return null;
      const errors = Object.values(totals.errors).reduce((s, n) => s + n, 0);
      return round((errors + totals.unexpectedStatus) / totals.requests, 6);
    }
    case 'http_reqs': {
      const n = part?.totals.requests ?? 0;
      return a.kind === 'count' ? n : perSecond(n);
    }
    case 'checks': {
      let passes = 0;
      let fails = 0;
      for (const c of Object.values(data.checks)) {
        passes += c.passes;
        fails += c.fails;
      }
      return passes + fails === 0 ? null : round(passes / (passes + fails), 6);
    }
    case 'iterations': {
      const n = data.iterations.completed + data.iterations.failed;
      return a.kind === 'count' ? n : perSecond(n);
    }
    case 'dropped_iterations': {
      const n = data.iterations.dropped;
      return a.kind === 'count' ? n : perSecond(n);
    }
    // A run without WebSockets has none of these: the trends have no samples, the counters count 0.
    case 'ws_connecting':
      return trend(data.ws?.connections.connecting, a, cache);
    case 'ws_delivery_latency':
      return trend(data.ws?.delivery.latency, a, cache);
    case 'ws_sessions':
    case 'ws_msgs_sent':
    case 'ws_msgs_received':
    case 'ws_msgs_lost': {
      const ws = data.ws;
      const n = ws === undefined ? 0 : t.metric === 'ws_sessions' ? ws.connections.opened : t.metric === 'ws_msgs_sent' ? ws.messages.sent : t.metric === 'ws_msgs_received' ? ws.messages.received : ws.delivery.lost;
      return a.kind === 'count' ? n : perSecond(n);
    }
  }
}

/** True for a `{name:X}` accepted for a code scenario that no request of this data used (yet). */
function nameUnseen(t: CompiledThreshold, data: ThresholdData): boolean {
  return t.nameAtRunTime === true && t.requestName !== undefined && !Object.hasOwn(data.requests, t.requestName);
}

/**
 * Evaluates every threshold. `final` (the end of the run): a threshold whose metric has no samples (no response
 * for a duration, no request for http_req_failed, no check for checks, a `{name:X}` with no data) fails with
 * value null: a threshold that measured nothing proved nothing, and a run must not pass on it. k6 instead skips
 * such thresholds (they pass); we fail them so a dead target or a mistyped name cannot pass CI. Counters
 * (http_reqs, iterations, dropped_iterations) always have a value: a count of 0 is a measurement. Mid-run
 * (the abortOnFail watch) a threshold with no data yet is skipped, never aborts the run.
 */
export function evaluateThresholds(thresholds: readonly CompiledThreshold[], data: ThresholdData, final = false): ThresholdVerdict[] {
  const cache = new Map<string, ReturnType<typeof decodeHistogram>>();
  return thresholds.map((threshold) => {
    const value = nameUnseen(threshold, data) ? null : measure(threshold, data, cache);
    return { threshold, value, ok: value === null ? !final : compare(value, threshold.operator, threshold.value) };
  });
}

/**
 * One warning per threshold that failed for want of data at the end of the run: for a `{name:X}` no request
 * was named, what the run did name instead; otherwise that the metric had no samples.
 */
export function noDataWarnings(thresholds: readonly CompiledThreshold[], data: ThresholdData): string[] {
  const seen = Object.keys(data.requests);
  const shown = seen.length > 10 ? `${seen.slice(0, 10).join(', ')}, … (${seen.length})` : seen.join(', ') || 'none';
  return evaluateThresholds(thresholds, data, true)
    .filter((v) => v.value === null)
    .map(({ threshold: t }) =>
      nameUnseen(t, data)
        ? `threshold ${t.key}: no request was named '${t.requestName}', so it failed; request names: ${shown}`
        : `threshold ${t.key} ${t.expression}: no data (the metric has no samples), so it failed`,
    );
}

/**
 * The result file's `thresholds` object: metric key → one entry per expression. `abortedBy` is the live verdict
 * that stopped the run: its entry keeps that failure and value, since the run's end came from it.
 */
export function thresholdsToJson(verdicts: readonly ThresholdVerdict[], abortedBy?: ThresholdVerdict): Record<string, ThresholdOutcome[]> {
  const out: Record<string, ThresholdOutcome[]> = {};
  for (const v of verdicts) {
    const stopped = abortedBy?.threshold === v.threshold;
    const entry: ThresholdOutcome = stopped
      ? { expression: v.threshold.expression, ok: false, value: abortedBy.value }
      : { expression: v.threshold.expression, ok: v.ok, value: v.value };
    if (v.threshold.abortOnFail) entry.abortOnFail = true;
    if (stopped) entry.abortedRun = true;
    (out[v.threshold.key] ??= []).push(entry);
  }
  return out;
}

/** True when any threshold in the result file failed. */
export function thresholdsFailed(thresholds: RunResult['thresholds']): boolean {
  return Object.values(thresholds ?? {}).some((list) => list.some((t) => !t.ok));
}
