// Thresholds runner's own engine does not measure — on custom metrics, on k6's other built-in metrics, or with
// `{tag:value}` filters — evaluated on the k6 metric registry at the end of the run. Same rule as runner's:
// a threshold whose metric got no sample fails (k6 would let it pass).
import { compare } from '../metrics/thresholds/evaluate.ts';
import type { Operator } from '../metrics/thresholds/parse.ts';
import type { K6MetricType, MetricRegistry, MetricSink } from './k6-metrics.ts';
import type { K6Threshold } from './options.ts';

const EXPR = /^\s*(avg|min|max|med|count|rate|value|p\(\s*\d+(?:\.\d+)?\s*\))\s*(<=|>=|===|==|!=|<|>)\s*(-?\d+(?:\.\d+)?)\s*$/;

const AGGREGATIONS: Record<K6MetricType, RegExp> = {
  trend: /^(avg|min|max|med|p\(.*\))$/,
  rate: /^rate$/,
  counter: /^(count|rate)$/,
  gauge: /^value$/,
};

export interface CompiledK6Threshold {
  key: string;
  expression: string;
  sink: MetricSink;
  type: K6MetricType;
  aggregation: string;
  op: string;
  bound: number;
  abortOnFail: boolean;
  delayAbortEvalMs: number;
}

/** Compiles against the registry (after the init code defined the custom metrics); returns problems as text. */
export function compileK6Thresholds(list: readonly K6Threshold[], registry: MetricRegistry): { compiled: CompiledK6Threshold[]; problems: { message: string; hint: string }[] } {
  const compiled: CompiledK6Threshold[] = [];
  const problems: { message: string; hint: string }[] = [];
  for (const t of list) {
    const metric = registry.metrics.get(t.metric);
    if (!metric) {
      const custom = [...registry.metrics.values()].filter((m) => m.custom).map((m) => m.name);
      problems.push({ message: `threshold on '${t.key}': no metric '${t.metric}'`, hint: custom.length ? `custom metrics defined by the script: ${custom.join(', ')}` : 'define it in the init code: new Trend(...), new Counter(...), …' });
      continue;
    }
    const sink = Object.keys(t.tags).length === 0 ? metric.sink : registry.submetric(metric, t.tags).sink;
    for (const { expression, abortOnFail, delayAbortEvalMs } of t.expressions) {
      const c = compileK6Expression(expression, metric.type);
      if (!c) {
        problems.push({ message: `threshold '${t.key}': '${expression}' is not a valid expression for a ${metric.type}`, hint: metric.type === 'trend' ? "e.g. 'p(95)<500' or 'avg<200'" : metric.type === 'rate' ? "e.g. 'rate<0.01'" : metric.type === 'counter' ? "e.g. 'count>100' or 'rate>10'" : "e.g. 'value<100'" });
        continue;
      }
      compiled.push({ key: t.key, expression, sink, type: metric.type, ...c, abortOnFail, delayAbortEvalMs });
    }
  }
  return { compiled, problems };
}

/** One expression (`p(95)<500`) for a metric of `type`; undefined when it is not valid for that type. */
export function compileK6Expression(expression: string, type: K6MetricType): { aggregation: string; op: string; bound: number } | undefined {
  const m = EXPR.exec(expression);
  const aggregation = m?.[1].replace(/\s+/g, '');
  if (!m || !aggregation || !AGGREGATIONS[type].test(aggregation)) return undefined;
  return { aggregation, op: m[2], bound: Number(m[3]) };
}

/** The value of one threshold's aggregation, or null when its metric got no sample. */
export function thresholdValue(t: CompiledK6Threshold, durationMs: number): number | null {
  if (t.sink.count === 0) return null;
  if (t.type === 'trend') return t.sink.trendStat(t.aggregation) ?? null;
  const values = t.sink.values(durationMs, []);
  return values[t.aggregation] ?? null;
}

/** k6 spells equality `==` or `===` and inequality `!=` or `!==`; the comparison itself is runner's. */
export function passes(value: number, op: string, bound: number): boolean {
  const norm = op === '===' ? '==' : op === '!==' ? '!=' : op;
  return compare(value, norm as Operator, bound);
}
