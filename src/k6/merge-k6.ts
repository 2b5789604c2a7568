// `runner merge` of a k6 script's segments: their `k6` sections added from the samples each file keeps (counts,
// sums, min/max, a gauge's last value by time, trend HdrHistograms), and the script's own thresholds (custom
// metrics, `{tag:value}` filters, k6's other metrics) judged again on the sum, as runner's are.
import type { K6ResultSection, RunResult, ThresholdOutcome } from '../result/types.ts';
import { MetricSink } from './k6-metrics.ts';
import { DEFAULT_TREND_STATS } from './summary.ts';
import { compileK6Expression, passes } from './thresholds.ts';

export interface K6SectionInput {
  file: string;
  section: K6ResultSection | undefined;
}

/** The merged section (undefined when no file has one) and what could not be merged, as warnings. */
export function mergeK6Sections(inputs: readonly K6SectionInput[], durationMs: number): { section?: K6ResultSection; warnings: string[] } {
  const present = inputs.filter((i): i is { file: string; section: K6ResultSection } => i.section !== undefined);
  if (present.length === 0) return { warnings: [] };
  const warnings: string[] = [];
  const old = present.filter((i) => i.section.samples === undefined).map((i) => i.file);
  if (old.length > 0) warnings.push(`k6 metrics: ${old.join(', ')} keep no samples (written by an older runner): the merged k6 metrics and k6 thresholds leave them out`);
  const sinks = new Map<string, MetricSink>();
  for (const { section } of present) {
    for (const [key, s] of Object.entries(section.samples ?? {})) {
      let sink = sinks.get(key);
      if (!sink) sinks.set(key, (sink = new MetricSink(s.type)));
      sink.absorb(s);
    }
  }
  const metrics: K6ResultSection['metrics'] = {};
  for (const { section } of present) {
    for (const [key, m] of Object.entries(section.metrics)) {
      if (key in metrics) continue;
      const sink = sinks.get(key);
      if (sink) metrics[key] = { type: m.type, contains: m.contains, values: sink.values(durationMs, DEFAULT_TREND_STATS) };
    }
  }
  const groups = new Map<string, K6ResultSection['groups'][number]>();
  for (const { section } of present) {
    for (const g of section.groups) {
      let sum = groups.get(g.path);
      if (!sum) groups.set(g.path, (sum = { path: g.path, name: g.name, checks: {}, requests: {} }));
      for (const [name, c] of Object.entries(g.checks)) {
        const had = sum.checks[name] ?? { passes: 0, fails: 0 };
        sum.checks[name] = { passes: had.passes + c.passes, fails: had.fails + c.fails };
      }
      for (const [name, n] of Object.entries(g.requests)) sum.requests[name] = (sum.requests[name] ?? 0) + n;
    }
  }
  const samples: NonNullable<K6ResultSection['samples']> = {};
  for (const [key, sink] of sinks) samples[key] = { type: sink.type, ...sink.snapshot() };
  return { section: { metrics, groups: [...groups.values()], samples }, warnings };
}

/**
 * Judges the thresholds on metrics the merged k6 section keeps samples of (the script's own, judged by its k6
 * registry during the run); returns their verdicts by key and the keys it judged. No samples: fails, as in a run.
 */
export function judgeK6Thresholds(merged: RunResult, specs: readonly { metric: string; expression: string; abortOnFail: boolean }[]): { outcomes: Record<string, ThresholdOutcome[]>; judged: Set<string> } {
  const outcomes: Record<string, ThresholdOutcome[]> = {};
  const judged = new Set<string>();
  const samples = merged.k6?.samples ?? {};
  for (const spec of specs) {
    const s = samples[spec.metric];
    if (s === undefined) continue;
    judged.add(spec.metric);
    const sink = new MetricSink(s.type);
    sink.absorb(s);
    const c = compileK6Expression(spec.expression, s.type);
    let value: number | null = null;
    if (c && sink.count > 0) value = (s.type === 'trend' ? sink.trendStat(c.aggregation) : sink.values(merged.durationMs, [])[c.aggregation]) ?? null;
    const entry: ThresholdOutcome = { expression: spec.expression, ok: c !== undefined && value !== null && passes(value, c.op, c.bound), value: value === null ? null : Math.round(value * 1000) / 1000 };
    if (spec.abortOnFail) entry.abortOnFail = true;
    (outcomes[spec.metric] ??= []).push(entry);
  }
  return { outcomes, judged };
}
