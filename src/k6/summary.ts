// The end-of-test data of a k6 script: k6's summary shape (what handleSummary(data) receives: root_group,
// options, state, metrics with their values and thresholds) and the `k6` section of runner's result file.
import { createHash } from 'node:crypto';
import type { K6MetricSamples, RunResult } from '../result/types.ts';
import type { K6MetricType, MetricSink } from './k6-metrics.ts';
import type { K6Run, GroupNode } from './vu-state.ts';

export const DEFAULT_TREND_STATS = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)'];

interface K6Group {
  name: string;
  path: string;
  id: string;
  groups: K6Group[];
  checks: { name: string; path: string; id: string; passes: number; fails: number }[];
}

const md5 = (s: string): string => createHash('md5').update(s).digest('hex');

function groupOf(run: K6Run, node: GroupNode): K6Group {
  return {
    name: node.name,
    path: node.path,
    id: md5(node.path),
    groups: node.children.map((p) => groupOf(run, run.groups.get(p)!)),
    checks: [...node.checks].map(([name, c]) => ({ name, path: `${node.path}::${name}`, id: md5(`${node.path}::${name}`), passes: c.passes, fails: c.fails })),
  };
}

export interface SummaryMetric {
  type: string;
  contains: 'time' | 'default' | 'data';
  values: Record<string, number>;
  thresholds?: Record<string, { ok: boolean }>;
}

/** Every metric with samples, sub-metrics under their `name{tag:value}` keys. */
export function summaryMetrics(run: K6Run, result: RunResult, maxVus: number): Record<string, SummaryMetric> {
  const trendStats: string[] = Array.isArray(run.options.summaryTrendStats) ? run.options.summaryTrendStats : DEFAULT_TREND_STATS;
  const out: Record<string, SummaryMetric> = {};
  for (const m of run.registry.metrics.values()) {
    const contains = m.isTime ? 'time' : m.name === 'data_sent' || m.name === 'data_received' ? 'data' : 'default';
    if (m.sink.count > 0) out[m.name] = { type: m.type, contains, values: m.sink.values(result.durationMs, trendStats) };
    for (const sub of m.subs) if (sub.sink.count > 0 || m.custom) out[sub.key] = { type: m.type, contains, values: sub.sink.values(result.durationMs, trendStats) };
  }
  out.vus = { type: 'gauge', contains: 'default', values: { value: 0, min: 0, max: maxVus } };
  out.vus_max = { type: 'gauge', contains: 'default', values: { value: maxVus, min: maxVus, max: maxVus } };
  if (result.iterations.dropped > 0) out.dropped_iterations = { type: 'counter', contains: 'default', values: { count: result.iterations.dropped, rate: result.iterations.dropped / (result.durationMs / 1000) } };
  for (const [key, list] of Object.entries(result.thresholds ?? {})) {
    const entry = out[key];
    if (!entry) continue;
    entry.thresholds = {};
    for (const t of list) entry.thresholds[t.expression] = { ok: t.ok };
  }
  return out;
}

/** handleSummary's argument. */
export function summaryData(run: K6Run, result: RunResult, maxVus: number) {
  const root = run.groups.get('') ?? { name: '', path: '', checks: new Map(), requests: new Map(), children: [] };
  return {
    root_group: groupOf(run, root),
    options: {
      summaryTrendStats: Array.isArray(run.options.summaryTrendStats) ? run.options.summaryTrendStats : DEFAULT_TREND_STATS,
      summaryTimeUnit: typeof run.options.summaryTimeUnit === 'string' ? run.options.summaryTimeUnit : '',
      noColor: true,
    },
    state: { isStdOutTTY: false, isStdErrTTY: false, testRunDurationMs: result.durationMs },
    metrics: summaryMetrics(run, result, maxVus),
    setup_data: run.setupDataJson === undefined ? undefined : JSON.parse(run.setupDataJson),
  };
}

/**
 * The result file's `k6` section: custom metrics and sub-metrics, and the group tree with checks and requests;
 * with the samples of those and of `thresholds`' metrics, so that `runner merge` can add segments' sections.
 */
export function resultSection(run: K6Run, result: RunResult, thresholds: readonly { key: string; type: K6MetricType; sink: MetricSink }[] = []): NonNullable<RunResult['k6']> {
  const metrics: NonNullable<RunResult['k6']>['metrics'] = {};
  const samples: Record<string, K6MetricSamples> = {};
  for (const m of run.registry.metrics.values()) {
    const contains = m.isTime ? 'time' : 'default';
    if (m.custom) {
      metrics[m.name] = { type: m.type, contains, values: m.sink.values(result.durationMs, DEFAULT_TREND_STATS) };
      samples[m.name] = { type: m.type, ...m.sink.snapshot() };
    }
    for (const sub of m.subs) {
      metrics[sub.key] = { type: m.type, contains, values: sub.sink.values(result.durationMs, DEFAULT_TREND_STATS) };
      samples[sub.key] = { type: m.type, ...sub.sink.snapshot() };
    }
  }
  for (const t of thresholds) samples[t.key] ??= { type: t.type, ...t.sink.snapshot() };
  const groups = [...run.groups.values()].map((g) => ({
    path: g.path,
    name: g.name,
    checks: Object.fromEntries(g.checks),
    requests: Object.fromEntries(g.requests),
  }));
  return { metrics, groups, samples };
}
