// The one result of a run made by several worker threads: counts summed, histograms added (so percentiles are
// the true percentiles of all requests), rates over the run's own duration, per-second buckets added by second.
import { decodeHistogram, mergeHistograms, summarizeLatency } from '../metrics/histogram.ts';
import { mergeWsSections } from '../report/merge-ws.ts';
import type { LatencySummary, RequestResult, RunResult, ScenarioResult, SelfCheckResult, TimeSeriesPoint, Totals } from '../result/types.ts';

function sumRecord(list: readonly (Record<string, number> | undefined)[]): Record<string, number> {
  const out: Record<string, number> = Object.create(null);
  for (const r of list) for (const [k, v] of Object.entries(r ?? {})) out[k] = (out[k] ?? 0) + v;
  return out;
}

function mergeLatency(list: readonly LatencySummary[]): LatencySummary {
  return summarizeLatency(mergeHistograms(list.map((l) => decodeHistogram(l.hdr))));
}

function mergeTotals(list: readonly Totals[], durationMs: number): Totals {
  const sum = (key: 'requests' | 'unexpectedStatus' | 'bytesSent' | 'bytesReceived') => list.reduce((s, t) => s + t[key], 0);
  const requests = sum('requests');
  const totals: Totals = {
    requests,
    byStatus: sumRecord(list.map((t) => t.byStatus)),
    errors: sumRecord(list.map((t) => t.errors)),
    unexpectedStatus: sum('unexpectedStatus'),
    bytesSent: sum('bytesSent'),
    bytesReceived: sum('bytesReceived'),
    // Over the run's own span, never the sum of the workers' rates.
    rps: durationMs > 0 ? Math.round((requests / (durationMs / 1000)) * 1000) / 1000 : 0,
  };
  if (list.some((t) => t.dropped !== undefined)) totals.dropped = list.reduce((s, t) => s + (t.dropped ?? 0), 0);
  return totals;
}

function mergeRequest(list: readonly RequestResult[], durationMs: number): RequestResult {
  return { totals: mergeTotals(list.map((r) => r.totals), durationMs), latency: mergeLatency(list.map((r) => r.latency)), serviceTime: mergeLatency(list.map((r) => r.serviceTime)) };
}

function byKey<T>(parts: readonly Record<string, T>[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const p of parts) for (const [k, v] of Object.entries(p)) out.set(k, [...(out.get(k) ?? []), v]);
  return out;
}

function mergeIterations(list: readonly RunResult['iterations'][]): RunResult['iterations'] {
  const out = { started: 0, completed: 0, failed: 0, dropped: 0, aborted: 0 };
  for (const it of list) for (const k of Object.keys(out) as (keyof typeof out)[]) out[k] += it[k];
  return out;
}

/**
 * Seconds are added by their offset from each worker's start (the workers start within milliseconds of each
 * other). Per-second p50/p99 cannot be added: the larger of the workers' is kept, an upper bound.
 */
function mergeTimeSeries(parts: readonly TimeSeriesPoint[][]): TimeSeriesPoint[] {
  const out: TimeSeriesPoint[] = [];
  for (const series of parts) {
    for (const p of series) {
      const q = (out[p.t] ??= { t: p.t, started: 0, finished: 0, errors: 0, dropped: 0, p50: 0, p99: 0 });
      q.started += p.started;
      q.finished += p.finished;
      q.errors += p.errors;
      q.dropped += p.dropped;
      q.p50 = Math.max(q.p50, p.p50);
      q.p99 = Math.max(q.p99, p.p99);
    }
  }
  return out.filter((p) => p !== undefined);
}

/** Each worker's event-loop figures (the worst one counts), the process CPU (every worker measures the same process). */
function mergeSelfCheck(parts: readonly (SelfCheckResult | undefined)[]): SelfCheckResult | undefined {
  const list = parts.filter((s): s is SelfCheckResult => s !== undefined);
  if (list.length === 0) return undefined;
  const max = (f: (s: SelfCheckResult) => number | null) => {
    const values = list.map(f).filter((v): v is number => v !== null);
    return values.length === 0 ? null : Math.max(...values);
  };
  return {
    eventLoopDelayP99Ms: max((s) => s.eventLoopDelayP99Ms) ?? 0,
    eventLoopDelayMaxMs: max((s) => s.eventLoopDelayMaxMs) ?? 0,
    cpuPercent: max((s) => s.cpuPercent) ?? 0,
    eventLoopUtilization: max((s) => s.eventLoopUtilization) ?? 0,
    lateStartsP99Ms: max((s) => s.lateStartsP99Ms),
    lateStartsMaxMs: max((s) => s.lateStartsMaxMs),
    scheduledStarts: list.reduce((n, s) => n + s.scheduledStarts, 0),
    droppedIterations: list.reduce((n, s) => n + s.droppedIterations, 0),
    saturated: list.some((s) => s.saturated),
    reasons: list.flatMap((s, i) => s.reasons.map((r) => `worker ${i + 1}: ${r}`)),
  };
}

const severity: Record<RunResult['outcome'], number> = { completed: 0, interrupted: 1, aborted: 2 };

/** The workers' results as one; `identity` and `startedAt` are the run's own (not a worker's segment). */
export function mergeWorkerResults(parts: readonly RunResult[], run: Pick<RunResult, 'runner' | 'scenario' | 'startedAt' | 'target'>, durationMs: number): RunResult {
  const total = mergeRequest(parts, durationMs);
  const iterations = mergeIterations(parts.map((p) => p.iterations));
  const errors = new Map<string, { message: string; count: number; location?: string }>();
  for (const p of parts) {
    for (const e of p.iterationErrors ?? []) {
      const key = `${e.message}\u0000${e.location ?? ''}`;
      const seen = errors.get(key);
      if (seen) seen.count += e.count;
      else errors.set(key, { ...e });
    }
  }
  const checks: RunResult['checks'] = Object.create(null);
  for (const [name, list] of byKey(parts.map((p) => p.checks))) checks[name] = { passes: list.reduce((n, c) => n + c.passes, 0), fails: list.reduce((n, c) => n + c.fails, 0) };
  const requests: RunResult['requests'] = Object.create(null);
  for (const [name, list] of byKey(parts.map((p) => p.requests))) requests[name] = mergeRequest(list, durationMs);
  const scenarios: RunResult['scenarios'] = Object.create(null);
  for (const [name, list] of byKey(parts.map((p) => p.scenarios))) {
    const merged = mergeRequest(list, durationMs);
    const its = mergeIterations(list.map((s) => s.iterations));
    scenarios[name] = { executor: list[0].executor, model: list[0].model, ...merged, totals: { ...merged.totals, dropped: its.dropped }, iterations: its } satisfies ScenarioResult;
  }
  const errorMessages: Record<string, string> = {};
  for (const p of parts) for (const [k, v] of Object.entries(p.errorMessages ?? {})) errorMessages[k] ??= v;
  const result: RunResult = {
    version: 1,
    runner: run.runner,
    scenario: run.scenario,
    startedAt: run.startedAt,
    durationMs,
    outcome: parts.reduce<RunResult['outcome']>((o, p) => (severity[p.outcome] > severity[o] ? p.outcome : o), 'completed'),
    totals: { ...total.totals, dropped: iterations.dropped },
    latency: total.latency,
    serviceTime: total.serviceTime,
    iterations,
    requests,
    checks,
    iterationErrors: [...errors.values()].sort((a, b) => b.count - a.count),
    warnings: [...new Set(parts.flatMap((p) => p.warnings))],
    scenarios,
    timeSeries: mergeTimeSeries(parts.map((p) => p.timeSeries)),
  };
  const selfCheck = mergeSelfCheck(parts.map((p) => p.selfCheck));
  if (selfCheck) result.selfCheck = selfCheck;
  const protocols = sumRecord(parts.map((p) => p.protocols));
  if (Object.keys(protocols).length > 0) result.protocols = protocols;
  if (Object.keys(errorMessages).length > 0) result.errorMessages = errorMessages;
  // Workers start together: their WebSocket seconds line up as they are. Each tracks its own connections.
  const ws = mergeWsSections(parts.map((p, i) => ({ file: `worker ${i + 1}`, ws: p.ws, offsetS: 0 })), (list) =>
    mergeHistograms(list.flatMap((x) => (x.hdr === undefined ? [] : [decodeHistogram(x.hdr)]))),
  );
  if (ws !== undefined) {
    result.ws = ws;
    if (parts.length > 1) result.warnings.push('WebSocket delivery is tracked within each worker: a room whose members run in different workers counts their copies as unexpected (and expects fewer)');
  }
  return run.target === undefined ? result : { ...result, target: run.target };
}
