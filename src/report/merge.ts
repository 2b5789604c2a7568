// `runner merge`'s second job: one RunResult from the results of the segments of one run. Counts are summed,
// histograms added bucket by bucket (so merged percentiles are the percentiles of all the samples), rates are
// recomputed over the true overall span, and the per-second series is aligned by absolute second.
import { decodeHistogram, createHistogram, summarizeLatency, type Histogram } from '../metrics/histogram.ts';
import { addHistogram } from '../metrics/histogram-walk.ts';
import type { LatencySummary, RequestResult, RunResult, ScenarioResult, SelfCheckResult, TimeSeriesPoint, Totals } from '../result/types.ts';
import { mergeWsSections } from './merge-ws.ts';
import { mergeK6Sections } from '../k6/merge-k6.ts';
import { buildRunResult } from './result.ts';
import type { MergeCoverage, MergeInput } from './merge-check.ts';

/** A histogram that cannot be decoded is named with its file and place, as a user-facing problem. */
export type DecodeProblem = (file: string, where: string, err: unknown) => never;

const rate = (n: number, ms: number): number => (ms > 0 ? Math.round((n / (ms / 1000)) * 1000) / 1000 : 0);

function addInto(sum: Record<string, number>, add: Record<string, number>): void {
  for (const [k, n] of Object.entries(add)) sum[k] = (sum[k] ?? 0) + n;
}

class Merger {
  constructor(private readonly fail: DecodeProblem) {}

  histogram(parts: { file: string; where: string; hdr: string | undefined }[]): Histogram {
    const sum = createHistogram();
    for (const p of parts) {
      if (p.hdr === undefined) continue;
      try {
        addHistogram(sum, decodeHistogram(p.hdr));
      } catch (err) {
        this.fail(p.file, p.where, err);
      }
    }
    return sum;
  }

  latency(list: { file: string; where: string; l: LatencySummary | undefined }[]): LatencySummary {
    return summarizeLatency(this.histogram(list.map((x) => ({ file: x.file, where: x.where, hdr: x.l?.hdr }))));
  }

  /** The sum of RequestResults (one per file; absent where a file lacks it); rps over `spanMs`. */
  request(list: { file: string; where: string; r: RequestResult }[], spanMs: number): RequestResult {
    const totals: Totals = { requests: 0, byStatus: {}, errors: {}, unexpectedStatus: 0, bytesSent: 0, bytesReceived: 0, rps: 0 };
    let dropped: number | undefined;
    for (const { r } of list) {
      totals.requests += r.totals.requests;
      addInto(totals.byStatus, r.totals.byStatus);
      addInto(totals.errors, r.totals.errors);
      totals.unexpectedStatus += r.totals.unexpectedStatus;
      totals.bytesSent += r.totals.bytesSent;
      totals.bytesReceived += r.totals.bytesReceived;
      if (r.totals.dropped !== undefined) dropped = (dropped ?? 0) + r.totals.dropped;
    }
    totals.byStatus = Object.fromEntries(Object.entries(totals.byStatus).sort(([a], [b]) => Number(a) - Number(b)));
    totals.rps = rate(totals.requests, spanMs);
    if (dropped !== undefined) totals.dropped = dropped;
    return {
      totals,
      latency: this.latency(list.map((x) => ({ file: x.file, where: `${x.where}.latency.hdr`, l: x.r.latency }))),
      // Files written before serviceTime existed have none: their latency is the closest measure.
      serviceTime: this.latency(list.map((x) => ({ file: x.file, where: `${x.where}.serviceTime.hdr`, l: x.r.serviceTime ?? x.r.latency }))),
    };
  }
}

/** Each name's entries across files, in first-seen order. */
function byName<T>(inputs: readonly MergeInput[], of: (r: RunResult) => Record<string, T> | undefined): Map<string, { file: string; value: T }[]> {
  const out = new Map<string, { file: string; value: T }[]>();
  for (const i of inputs) {
    for (const [name, value] of Object.entries(of(i.result) ?? {})) {
      let list = out.get(name);
      if (!list) out.set(name, (list = []));
      list.push({ file: i.file, value });
    }
  }
  return out;
}

/** Puts `value` under `name` without letting a name like `__proto__` set the prototype. */
function put<T>(into: Record<string, T>, name: string, value: T): void {
  Object.defineProperty(into, name, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * One result from the results of a run's segments (checked by checkMergeInputs). The merged run starts at the
 * earliest start and lasts until the latest end; each file's seconds are placed by its own start. `spanMs`, when
 * given, is the run's measured duration (--workers: the main thread's), which every rate is taken over instead.
 */
export function mergeResults(inputs: readonly MergeInput[], coverage: MergeCoverage, runner: string, fail: DecodeProblem, spanMsGiven?: number): RunResult {
  const m = new Merger(fail);
  const starts = inputs.map((i) => Date.parse(i.result.startedAt));
  const origin = Math.min(...starts);
  const endMs = Math.max(...inputs.map((i, k) => starts[k] + i.result.durationMs));
  const spanMs = spanMsGiven ?? endMs - origin;
  const all = inputs.map((i) => ({ file: i.file, where: '', r: i.result as RequestResult }));
  const total = m.request(all, spanMs);

  const requests: Record<string, RequestResult> = {};
  for (const [name, list] of byName(inputs, (r) => r.requests)) put(requests, name, m.request(list.map((x) => ({ file: x.file, where: `requests[${JSON.stringify(name)}]`, r: x.value })), spanMs));

  const scenarios: Record<string, ScenarioResult> = {};
  for (const [name, list] of byName(inputs, (r) => r.scenarios)) {
    const r = m.request(list.map((x) => ({ file: x.file, where: `scenarios[${JSON.stringify(name)}]`, r: x.value })), spanMs);
    const iterations = sumIterations(list.map((x) => x.value.iterations));
    put(scenarios, name, { executor: list[0].value.executor, model: list[0].value.model, ...r, totals: { ...r.totals, dropped: iterations.dropped }, iterations });
  }

  const checks: RunResult['checks'] = {};
  for (const [name, list] of byName(inputs, (r) => r.checks)) put(checks, name, { passes: list.reduce((s, x) => s + x.value.passes, 0), fails: list.reduce((s, x) => s + x.value.fails, 0) });

  const errors = new Map<string, { message: string; count: number; location?: string }>();
  for (const i of inputs) {
    for (const e of i.result.iterationErrors ?? []) {
      const key = `${e.message}\u0000${e.location ?? ''}`;
      const seen = errors.get(key);
      if (seen) seen.count += e.count;
      else errors.set(key, { ...e });
    }
  }
  const errorMessages: Record<string, string> = {};
  for (const i of inputs) for (const [k, v] of Object.entries(i.result.errorMessages ?? {})) if (!(k in errorMessages)) put(errorMessages, k, v);

  const warnings = [...new Set(inputs.flatMap((i) => i.result.warnings))];
  warnings.push(...(coverage.unchecked ?? []));
  if (coverage.missing.length > 0) warnings.unshift(`partial merge (--allow-partial): no result for segment ${coverage.missing.join(', ')}; the totals cover only ${coverage.segments.join(', ')}`);
  const ws = mergeWsSections(
    inputs.map((i, k) => ({ file: i.file, ws: i.result.ws, offsetS: Math.floor((starts[k] - origin) / 1000) })),
    (parts) => m.histogram(parts),
  );
  // Each process tracks its own connections: a room split across segments sees the others' copies as unexpected.
  if (ws !== undefined && inputs.length > 1) warnings.push('WebSocket delivery is tracked within each segment: keep each room inside one segment, or its copies from other segments count as unexpected');

  const first = inputs[0].result;
  const { segment: _s, segmentIndex: _i, ...identity } = first.scenario;
  const result = buildRunResult({
    runner,
    scenario: identity,
    target: first.target,
    startedAt: new Date(origin),
    durationMs: Math.round(spanMs),
    outcome: worstOutcome(inputs.map((i) => i.result.outcome)),
    iterations: sumIterations(inputs.map((i) => i.result.iterations)),
    metrics: { total, byName: requests },
    checks,
    iterationErrors: [...errors.values()].sort((a, b) => b.count - a.count),
    errorMessages,
    warnings,
    scenarios,
    timeSeries: mergeTimeSeries(inputs, starts, origin, m),
    selfCheck: mergeSelfChecks(inputs.map((i) => i.result.selfCheck)),
  });
  const protocols: Record<string, number> = {};
  for (const i of inputs) addInto(protocols, i.result.protocols ?? {});
  if (Object.keys(protocols).length > 0) result.protocols = protocols;
  if (ws !== undefined) result.ws = ws;
  // A k6 script's own metrics and groups, added from the samples each file keeps.
  const k6 = mergeK6Sections(inputs.map((i) => ({ file: i.file, section: i.result.k6 })), result.durationMs);
  if (k6.section) result.k6 = k6.section;
  result.warnings.push(...k6.warnings);
  result.merged = { files: inputs.length, segments: coverage.segments, partial: coverage.missing.length > 0, ...(coverage.missing.length > 0 ? { missing: coverage.missing } : {}) };
  return result;
}

function sumIterations(list: readonly RunResult['iterations'][]): RunResult['iterations'] {
  const out = { started: 0, completed: 0, failed: 0, dropped: 0, aborted: 0 };
  for (const it of list) for (const k of Object.keys(out) as (keyof typeof out)[]) out[k] += it[k];
  return out;
}

/** The merged run ended as its worst part did: aborted over interrupted over completed. */
function worstOutcome(list: readonly RunResult['outcome'][]): RunResult['outcome'] {
  return list.includes('aborted') ? 'aborted' : list.includes('interrupted') ? 'interrupted' : 'completed';
}

/**
 * Second t of a file is absolute second floor(start/1000) + t; the merged series counts from the earliest
 * start. Percentiles come from the seconds' histograms added; a version-1 file has none, then its p50/p99 are
 * taken as the largest of the files' (and say so in nothing finer: such files predate per-second histograms).
 */
function mergeTimeSeries(inputs: readonly MergeInput[], starts: readonly number[], origin: number, m: Merger): TimeSeriesPoint[] {
  const base = Math.floor(origin / 1000);
  const bySecond = new Map<number, { file: string; p: TimeSeriesPoint }[]>();
  inputs.forEach((i, k) => {
    const offset = Math.floor(starts[k] / 1000) - base;
    for (const p of i.result.timeSeries) {
      const t = p.t + offset;
      let list = bySecond.get(t);
      if (!list) bySecond.set(t, (list = []));
      list.push({ file: i.file, p });
    }
  });
  const last = Math.max(-1, ...bySecond.keys());
  const out: TimeSeriesPoint[] = [];
  for (let t = 0; t <= last; t++) {
    const list = bySecond.get(t) ?? [];
    const sum = (of: (p: TimeSeriesPoint) => number | undefined): number => list.reduce((s, x) => s + (of(x.p) ?? 0), 0);
    const where = `timeSeries[t=${t}]`;
    const latency = m.histogram(list.map((x) => ({ file: x.file, where: `${where}.hdr`, hdr: x.p.hdr })));
    const service = m.histogram(list.map((x) => ({ file: x.file, where: `${where}.serviceHdr`, hdr: x.p.serviceHdr ?? x.p.hdr })));
    const exact = list.every((x) => x.p.hdr !== undefined || x.p.finished === x.p.errors);
    const pct = (h: Histogram, q: number, old: (p: TimeSeriesPoint) => number | undefined): number =>
      exact ? (h.totalCount === 0 ? 0 : Math.round(h.getValueAtPercentile(q)) / 1000) : Math.max(0, ...list.map((x) => old(x.p) ?? 0));
    const point: TimeSeriesPoint = {
      t,
      started: sum((p) => p.started),
      finished: sum((p) => p.finished),
      errors: sum((p) => p.errors),
      dropped: sum((p) => p.dropped),
      p50: pct(latency, 50, (p) => p.p50),
      p99: pct(latency, 99, (p) => p.p99),
      serviceP50: pct(service, 50, (p) => p.serviceP50),
      serviceP99: pct(service, 99, (p) => p.serviceP99),
      iterations: sum((p) => p.iterations),
      vus: sum((p) => p.vus),
      checksPassed: sum((p) => p.checksPassed),
      checksFailed: sum((p) => p.checksFailed),
    };
    if (latency.totalCount > 0) point.hdr = summarizeLatency(latency).hdr;
    if (service.totalCount > 0 && list.some((x) => x.p.serviceHdr !== undefined)) point.serviceHdr = summarizeLatency(service).hdr;
    out.push(point);
  }
  return out;
}

/** Each process watched itself: the merged check keeps the worst of each figure, and says so in its reasons. */
function mergeSelfChecks(list: readonly (SelfCheckResult | undefined)[]): SelfCheckResult | undefined {
  const present = list.filter((s): s is SelfCheckResult => s !== undefined);
  if (present.length === 0) return undefined;
  const max = (of: (s: SelfCheckResult) => number | null): number | null => {
    const values = present.map(of).filter((v): v is number => v !== null);
    return values.length === 0 ? null : Math.max(...values);
  };
  return {
    ...present[0],
    eventLoopDelayP99Ms: max((s) => s.eventLoopDelayP99Ms) ?? 0,
    eventLoopDelayMaxMs: max((s) => s.eventLoopDelayMaxMs) ?? 0,
    cpuPercent: max((s) => s.cpuPercent) ?? 0,
    eventLoopUtilization: max((s) => s.eventLoopUtilization ?? 0) ?? 0,
    lateStartsP99Ms: max((s) => s.lateStartsP99Ms),
    lateStartsMaxMs: max((s) => s.lateStartsMaxMs),
    scheduledStarts: present.reduce((n, s) => n + s.scheduledStarts, 0),
    droppedIterations: present.reduce((n, s) => n + (s.droppedIterations ?? 0), 0),
    saturated: present.some((s) => s.saturated),
    reasons: [...new Set(present.flatMap((s) => s.reasons))],
  };
}
