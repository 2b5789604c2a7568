// Parses k6 threshold expressions and metric keys into checked, compiled thresholds (pure; no I/O).
//
// Grammar (whitespace allowed between tokens):
//   key         = metric [ "{" "name" ":" requestName "}" ]
//   metric      = "http_req_duration" | "http_req_failed" | "http_reqs" | "checks" | "iterations" | "dropped_iterations"
//               | "ws_connecting" | "ws_sessions" | "ws_msgs_sent" | "ws_msgs_received" | "ws_delivery_latency" | "ws_msgs_lost"
//   expression  = aggregation operator number
//   aggregation = "avg" | "min" | "max" | "med" | "p(" number ")" | "count" | "rate"
//   operator    = "<" | "<=" | ">" | ">=" | "==" | "===" | "!="
//   number      = [ "-" ] digits [ "." digits ]
// Which aggregations a metric takes depends on its kind, as in k6: trend (`avg min max med p(N)`, in ms),
// rate (`rate`, 0..1), counter (`count rate`, rate per second).
import { didYouMean, UserError, type Diagnostic } from '../../errors.ts';
import type { Plan } from '../../plan/types.ts';
import type { ThresholdSpec } from '../../scenario/model.ts';

export type MetricKind = 'trend' | 'rate' | 'counter';

/** The metrics runner measures, with k6's names and kinds. */
export const thresholdMetrics = {
  http_req_duration: 'trend',
  http_req_failed: 'rate',
  http_reqs: 'counter',
  checks: 'rate',
  iterations: 'counter',
  dropped_iterations: 'counter',
  // WebSocket steps (src/ws/): k6's names where k6 has the metric, plus delivery latency and loss.
  ws_connecting: 'trend',
  ws_sessions: 'counter',
  ws_msgs_sent: 'counter',
  ws_msgs_received: 'counter',
  ws_delivery_latency: 'trend',
  ws_msgs_lost: 'counter',
} as const satisfies Record<string, MetricKind>;
export type ThresholdMetric = keyof typeof thresholdMetrics;

/** k6 metrics runner does not measure; named in the error so a k6 user knows why. */
const unmeasured = [
  'iteration_duration',
  'http_req_blocked',
  'http_req_connecting',
  'http_req_tls_handshaking',
  'http_req_sending',
  'http_req_waiting',
  'http_req_receiving',
  'data_sent',
  'data_received',
  'vus',
  'vus_max',
];

const aggregationsByKind: Record<MetricKind, readonly string[]> = {
  trend: ['avg', 'min', 'max', 'med', 'p(N)'],
  rate: ['rate'],
  counter: ['count', 'rate'],
};

export type Aggregation =
  | { kind: 'avg' | 'min' | 'max' | 'med' | 'count' | 'rate' }
  | { kind: 'percentile'; percentile: number };

export type Operator = '<' | '<=' | '>' | '>=' | '==' | '!=';

export interface ParsedExpression {
  aggregation: Aggregation;
  operator: Operator;
  value: number;
}

export interface ParsedKey {
  metric: ThresholdMetric;
  /** The `{name:X}` filter: one request name; undefined for the whole run. */
  requestName?: string;
  /**
   * True when `requestName` is not among the plan's names but a code scenario may name a request so at run
   * time: checked at the end instead (a name no request used fails, with a warning).
   */
  nameAtRunTime?: boolean;
}

export interface ThresholdNameOptions {
  /** Code scenarios name requests at run time: accept a `{name:X}` the plan does not list. */
  namesAtRunTime?: boolean;
}

/** One threshold ready to evaluate. */
export interface CompiledThreshold extends ParsedKey, ParsedExpression {
  /** The metric key as written (`http_req_duration{name:signup}`). */
  key: string;
  /** The expression as written (`p(99)<500`). */
  expression: string;
  abortOnFail: boolean;
  /** Run time before an abortOnFail threshold may stop the run. */
  delayAbortEvalMs: number;
}

const EXPRESSION = /^\s*(avg|min|max|med|count|rate|p\(\s*(\d+(?:\.\d+)?)\s*\))\s*(<=|>=|===|==|!=|<|>)\s*(-?\d+(?:\.\d+)?)\s*$/;
const KEY = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:\{\s*([^:{}]+?)\s*:\s*([^{}]*?)\s*\})?\s*$/;

/** Parses `p(99)<500`; returns a message on error. */
export function parseExpression(text: string): ParsedExpression | { error: string } {
  const m = EXPRESSION.exec(text);
  if (!m) {
    return { error: `threshold '${text}' is not an expression like 'p(99)<500', 'avg<200', 'rate<0.01' or 'count>100'` };
  }
  let aggregation: Aggregation;
  if (m[2] !== undefined) {
    const percentile = Number(m[2]);
    if (!(percentile >= 0 && percentile <= 100)) return { error: `threshold '${text}': the percentile must be from 0 to 100, got ${m[2]}` };
    aggregation = { kind: 'percentile', percentile };
  } else aggregation = { kind: m[1] as 'avg' };
  const operator = (m[3] === '===' ? '==' : m[3]) as Operator;
  return { aggregation, operator, value: Number(m[4]) };
}

/** Parses `http_req_duration{name:signup}`; returns a message on error. */
export function parseKey(text: string, requestNames: readonly string[], opts: ThresholdNameOptions = {}): ParsedKey | { error: string; hint?: string } {
  const m = KEY.exec(text);
  if (!m) return { error: `threshold metric '${text}' is not a metric name like 'http_req_duration' or 'http_req_duration{name:signup}'` };
  const metric = m[1];
  if (!(metric in thresholdMetrics)) {
    const known = Object.keys(thresholdMetrics);
    if (unmeasured.includes(metric)) {
      return { error: `threshold metric '${metric}' is not measured by runner`, hint: `thresholds can use: ${known.join(', ')}` };
    }
    const guess = didYouMean(metric, known);
    return { error: `unknown threshold metric '${metric}'`, hint: guess ?? `thresholds can use: ${known.join(', ')}` };
  }
  if (m[2] === undefined) return { metric: metric as ThresholdMetric };
  if (m[2] !== 'name') return { error: `threshold metric '${text}': runner filters only by request name, e.g. '${metric}{name:signup}'` };
  if (metric === 'checks' || metric === 'iterations' || metric === 'dropped_iterations' || metric.startsWith('ws_')) {
    return { error: `threshold metric '${text}': '${metric}' has no per-request values; drop the {name:…} filter` };
  }
  const requestName = m[3];
  if (!requestNames.includes(requestName)) {
    if (opts.namesAtRunTime && requestName !== '') return { metric: metric as ThresholdMetric, requestName, nameAtRunTime: true };
    const guess = didYouMean(requestName, requestNames);
    return { error: `threshold metric '${text}': no request is named '${requestName}'`, hint: guess ?? `request names: ${requestNames.join(', ')}` };
  }
  return { metric: metric as ThresholdMetric, requestName };
}

function aggregationName(a: Aggregation): string {
  return a.kind === 'percentile' ? 'p(N)' : a.kind;
}

/**
 * Checks and compiles every threshold of a scenario; throws one UserError listing all problems, each at the
 * expression's file:line:col. Call right after the plan is compiled, before the first request.
 */
export function compileThresholds(specs: readonly ThresholdSpec[], requestNames: readonly string[], opts: ThresholdNameOptions = {}): CompiledThreshold[] {
  const problems: Diagnostic[] = [];
  const out: CompiledThreshold[] = [];
  for (const spec of specs) {
    const key = parseKey(spec.metric, requestNames, opts);
    if ('error' in key) {
      problems.push({ message: key.error, location: spec.location, hint: key.hint });
      continue;
    }
    const expr = parseExpression(spec.expression);
    if ('error' in expr) {
      problems.push({ message: expr.error, location: spec.location, hint: "k6 syntax: 'p(95)<300', 'avg<200', 'rate<0.01', 'count>0'" });
      continue;
    }
    const kind = thresholdMetrics[key.metric];
    const allowed = aggregationsByKind[kind];
    if (!allowed.includes(aggregationName(expr.aggregation))) {
      problems.push({
        message: `threshold '${spec.expression}' on ${spec.metric}: '${aggregationName(expr.aggregation)}' does not apply to a ${kind} metric`,
        location: spec.location,
        hint: `${key.metric} takes: ${allowed.join(', ')}`,
      });
      continue;
    }
    out.push({ ...key, ...expr, key: spec.metric, expression: spec.expression, abortOnFail: spec.abortOnFail, delayAbortEvalMs: spec.delayAbortEvalMs });
  }
  if (problems.length > 0) throw new UserError(problems);
  return out;
}

/**
 * The plan's thresholds, compiled: a `{name:X}` must name one of the plan's requests, unless a scenario is code
 * (its request names are known only at run time; such a name is checked at the end of the run).
 */
export function compilePlanThresholds(plan: Pick<Plan, 'thresholds' | 'requestNames' | 'scenarios'>): CompiledThreshold[] {
  return compileThresholds(plan.thresholds, plan.requestNames, { namesAtRunTime: plan.scenarios.some((s) => s.iteration !== undefined) });
}
