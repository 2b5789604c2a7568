// The thresholds block of the end summary: each expression ✓/✗ with the value it was measured at.
import type { RunResult, ThresholdOutcome } from '../result/types.ts';
import { formatLatencyMs, formatNumber } from './format.ts';
import { escapeTerminalText } from '../terminal-text.ts';

const GREEN = '\x1b[32m';
const RED = '\x1b[31m';
const RESET = '\x1b[39m';

/** The measured value in the metric's unit: ms for durations, % for rates, a count or per second for counters. */
export function formatThresholdValue(metricKey: string, t: ThresholdOutcome): string {
  if (t.value === null) return 'no data';
  const metric = metricKey.replace(/\{.*$/, '');
  const aggregation = t.expression.replace(/\s*(<=|>=|===|==|!=|<|>).*$/, '').trim();
  if (metric === 'http_req_duration') return `${aggregation}=${formatLatencyMs(t.value)}ms`;
  // k6 scripts: k6's other time metrics, and custom trends and gauges (their unit is the script's).
  if (/^(http_req_|iteration_duration$|group_duration$)/.test(metric) && metric !== 'http_req_failed' && metric !== 'http_reqs') return `${aggregation}=${formatLatencyMs(t.value)}ms`;
  if (/^(avg|min|max|med|value|p\()/.test(aggregation)) return `${aggregation}=${formatNumber(t.value, 3)}`;
  if (metric === 'http_req_failed' || metric === 'checks') return `rate=${formatNumber(t.value * 100, 2)}%`;
  return aggregation === 'rate' ? `rate=${formatNumber(t.value, 1)}/s` : `count=${formatNumber(t.value)}`;
}

/** Lines of the block; empty when the result has no thresholds. */
export function renderThresholds(result: Pick<RunResult, 'thresholds'>, color: boolean): string[] {
  const entries = Object.entries(result.thresholds ?? {});
  if (entries.length === 0) return [];
  const paint = (c: string, t: string): string => (color ? `${c}${t}${RESET}` : t);
  // Keys and expressions name requests from the scenario or a result file: escaped before they are measured and padded.
  const rows = entries.flatMap(([key, list]) => list.map((t) => ({ key: escapeTerminalText(key), t: { ...t, expression: escapeTerminalText(t.expression) } })));
  const keyWidth = Math.max(...rows.map((r) => r.key.length));
  const exprWidth = Math.max(...rows.map((r) => r.t.expression.length));
  const out = ['thresholds:'];
  for (const { key, t } of rows) {
    const mark = t.ok ? paint(GREEN, '✓') : paint(RED, '✗');
    const note = t.abortedRun ? '  (stopped the run: abortOnFail)' : '';
    out.push(`  ${mark} ${key.padEnd(keyWidth)}  ${t.expression.padEnd(exprWidth)}  ${formatThresholdValue(key, t)}${note}`);
  }
  const failed = rows.filter((r) => !r.t.ok).length;
  out.push(failed === 0 ? paint(GREEN, `  all ${rows.length} thresholds passed`) : paint(RED, `  ${failed} of ${rows.length} thresholds failed`));
  return out;
}
