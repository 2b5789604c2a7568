// Renders a Comparison as text: one block per request name and the total, candidates against the base.
import type { BudgetBreach } from './budget.ts';
import type { CompareStat, Comparison, CompareRow, StatChange } from './compare.ts';
import { formatLatencyMs, formatNumber } from './format.ts';
import { escapeTerminalText as safe } from '../terminal-text.ts';

const RED = '\x1b[31m';
const GREEN = '\x1b[32m';
const BOLD = '\x1b[1m';
const RESET = '\x1b[0m';

export const labels: Record<CompareStat, string> = {
  count: 'requests',
  rps: 'req/s',
  errors: 'error rate',
  mean: 'mean ms',
  p50: 'p50 ms',
  p90: 'p90 ms',
  p95: 'p95 ms',
  p99: 'p99 ms',
  p999: 'p99.9 ms',
  max: 'max ms',
};

/** '-': the run lacks this request; '—': a latency of a run with no responses. */
export function formatValue(stat: CompareStat, v: number | null, hasRequest: boolean): string {
  if (v === null) return hasRequest ? '—' : '-';
  if (stat === 'count') return formatNumber(v);
  if (stat === 'rps') return formatNumber(v, 1);
  if (stat === 'errors') return `${v.toFixed(2)}%`;
  return formatLatencyMs(v);
}

function formatDelta(stat: CompareStat, c: StatChange): string {
  if (c.delta === null) return '';
  const sign = c.delta > 0 ? '+' : c.delta < 0 ? '-' : '±';
  const abs = Math.abs(c.delta);
  if (stat === 'errors') return `${sign}${abs.toFixed(2)}pp`;
  if (stat === 'count') return `${sign}${formatNumber(abs)}`;
  if (stat === 'rps') return `${sign}${formatNumber(abs, 1)}`;
  return `${sign}${formatLatencyMs(abs)}`;
}

export function formatPct(c: StatChange): string {
  if (c.pct === null) return '';
  return `${c.pct > 0 ? '+' : c.pct < 0 ? '-' : '±'}${Math.abs(c.pct).toFixed(1)}%`;
}

/** -1 worse, 1 better, 0 neutral: from the verdict where there is one; rps by a 5 % move. */
export function direction(stat: CompareStat, c: StatChange): number {
  if (c.verdict !== undefined) return c.verdict === 'slower' ? -1 : c.verdict === 'faster' ? 1 : 0;
  if (stat === 'rps' && c.pct !== null && Math.abs(c.pct) >= 5) return c.pct < 0 ? -1 : 1;
  return 0;
}

export function verdictText(stat: CompareStat, c: StatChange): string {
  if (c.verdict === undefined) return '';
  if (c.verdict === 'same') return '~';
  if (stat === 'errors') return c.verdict === 'slower' ? 'more errors' : 'fewer errors';
  return c.verdict;
}

function table(rows: string[][], rightFrom = 1): string[] {
  const widths = rows[0].map((_, col) => Math.max(...rows.map((r) => stripAnsi(r[col]).length)));
  return rows.map((r) =>
    r
      .map((cell, col) => {
        const pad = widths[col] - stripAnsi(cell).length;
        return col < rightFrom ? cell + ' '.repeat(pad) : ' '.repeat(pad) + cell;
      })
      .join('  ')
      .trimEnd(),
  );
}

function stripAnsi(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/\x1b\[[0-9;]*m/g, '');
}

function renderRow(row: CompareRow, runs: number, paint: (code: string, t: string) => string): string[] {
  const verdicts = row.verdicts
    .map((v, i) => {
      const text = runs > 2 ? `run ${i + 2}: ${v}` : v;
      return v === 'regression' ? paint(RED, text) : v === 'improvement' ? paint(GREEN, text) : text;
    })
    .join(', ');
  const header = ['', 'base', ...row.changes.flatMap((_, i) => [runs > 2 ? `run ${i + 2}` : 'candidate', 'Δ', 'Δ%', 'verdict'])];
  const lines: string[][] = [header];
  const stats = Object.keys(labels) as CompareStat[];
  const has = (run: number): boolean => row.values.count[run] !== null;
  for (const stat of stats) {
    const cells = [`  ${labels[stat]}`, formatValue(stat, row.values[stat][0], has(0))];
    row.changes.forEach((c, i) => {
      const value = formatValue(stat, row.values[stat][i + 1], has(i + 1));
      if (!c) {
        cells.push(value, '', '', '');
        return;
      }
      const d = direction(stat, c[stat]);
      const color = (t: string): string => (d < 0 ? paint(RED, t) : d > 0 ? paint(GREEN, t) : t);
      cells.push(value, color(formatDelta(stat, c[stat])), color(formatPct(c[stat])), color(verdictText(stat, c[stat])));
    });
    lines.push(cells);
  }
  const silent = row.values.p50.map((v, i) => (v === null && has(i) ? (i === 0 ? 'base' : runs > 2 ? `run ${i + 1}` : 'candidate') : '')).filter((x) => x !== '');
  const note = silent.length > 0 ? `  (no responses: ${silent.join(', ')}; no latency)` : '';
  return [paint(BOLD, `${safe(row.name)}: ${verdicts}${note}`), ...table(lines)];
}

export interface RenderCompareOptions {
  color: boolean;
  breaches?: BudgetBreach[];
  withinNoise?: BudgetBreach[];
}

/** The comparison as text, ending without a newline. */
export function renderComparison(c: Comparison, opts: RenderCompareOptions): string {
  const paint = (code: string, t: string): string => (opts.color ? `${code}${t}${RESET}` : t);
  const out: string[] = [];
  c.runs.forEach((r, i) => out.push(`${i === 0 ? 'base' : c.runs.length > 2 ? `run ${i + 1}` : 'candidate'}: ${safe(r.file)}  (${safe(r.scenario)}, ${safe(r.startedAt)}, ${safe(r.outcome)})`));
  for (const w of c.warnings) out.push(paint(RED, `warning: ${safe(w)}`));
  // With one request name its row equals the total: show the total only.
  const rows = c.rows.length === 2 ? [{ ...c.rows[1], name: `total (${c.rows[0].name})` }] : c.rows;
  for (const row of rows) out.push('', ...renderRow(row, c.runs.length, paint));
  out.push('', 'verdict: a bootstrap of each statistic from the two histograms (99 % interval, ≥ 1 % change); "~" = within noise');
  for (const b of opts.withinNoise ?? []) {
    out.push(`budget ${safe(b.budget.text)}: run ${b.run + 1} observed ${(b.observed ?? 0).toFixed(2)}${b.budget.unit}, but within noise: not failed`);
  }
  for (const b of opts.breaches ?? []) {
    const file = safe(c.runs[b.run].file);
    if (b.observed === null) {
      out.push(paint(RED, `budget exceeded: ${safe(b.budget.text)} (no latency to check: the base or ${file} got no responses)`));
    } else {
      out.push(paint(RED, `budget exceeded: ${safe(b.budget.text)} (${file}: ${b.observed > 0 ? '+' : ''}${b.observed.toFixed(2)}${b.budget.unit})`));
    }
  }
  return out.join('\n');
}
