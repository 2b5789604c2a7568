// The tables of the HTML report: the runs, runner's self-check, thresholds ✓/✗, checks, the per-request
// summary and the statuses and errors. Every string from a result file is escaped.
import { formatBytes, formatDurationMs, formatLatencyMs, formatNumber, latencyStats } from './format.ts';
import { formatThresholdValue } from './render-thresholds.ts';
import type { RunResult } from '../result/types.ts';
import { escapeHtml } from './svg-chart.ts';

export interface ReportInput {
  /** Shown as the run's label (usually the file name). */
  label: string;
  result: RunResult;
}

export const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2'];

export const colorOf = (i: number): string => PALETTE[i % PALETTE.length];

export function swatch(i: number): string {
  return `<span class="swatch" style="background:${colorOf(i)}"></span>`;
}

/** `map[key]` when it is the map's own entry: a name like `constructor` must not find Object.prototype's. */
export function own<T>(map: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(map, key) ? map[key] : undefined;
}

function table(head: string[], rows: string[], cls = ''): string {
  return `<div class="scroll"><table${cls ? ` class="${cls}"` : ''}><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}

/** 'open', 'closed' or 'mixed', from the scenarios' models. */
export function runModel(r: RunResult): 'open' | 'closed' | 'mixed' {
  const models = new Set(Object.values(r.scenarios ?? {}).map((s) => s.model));
  return models.size === 1 ? ([...models][0] as 'open' | 'closed') : models.size === 0 ? 'closed' : 'mixed';
}

export function runFacts(inputs: readonly ReportInput[]): string {
  const rows = inputs.map(({ label, result: r }, i) => {
    const it = r.iterations;
    const executors = Object.entries(r.scenarios ?? {}).map(([name, s]) => `${name}: ${s.executor} (${s.model})`);
    return `<tr><td>${swatch(i)}${escapeHtml(label)}</td><td>${escapeHtml(r.scenario.name)}</td><td class="wrap">${escapeHtml(executors.join(', '))}</td><td class="wrap">${escapeHtml(r.target ?? '')}</td><td>${escapeHtml(r.startedAt.replace('T', ' '))}</td><td>${formatDurationMs(r.durationMs)}</td><td class="${r.outcome === 'completed' ? '' : 'bad'}">${escapeHtml(String(r.outcome))}</td><td>${formatNumber(it.completed)} / ${formatNumber(it.failed)} / <span class="${it.dropped > 0 ? 'bad' : ''}">${formatNumber(it.dropped)}</span></td><td>${formatBytes(r.totals.bytesSent)} / ${formatBytes(r.totals.bytesReceived)}</td><td>${escapeHtml(String(r.scenario.seed))}</td><td>${escapeHtml(r.runner)}</td></tr>`;
  });
  return table(['run', 'scenario', 'executors (model)', 'target', 'started', 'duration', 'outcome', 'iterations ok / failed / dropped', 'sent / received', 'seed', 'runner'], rows, 'facts');
}

/** runner's watch on itself: whether the numbers describe the server or runner. */
export function selfCheckTable(inputs: readonly ReportInput[]): string {
  const rows = inputs.map(({ label, result: r }, i) => {
    const s = r.selfCheck;
    if (!s) return `<tr><td>${swatch(i)}${escapeHtml(label)}</td><td colspan="7" class="note">no self-check in this file (written by an older runner)</td></tr>`;
    const ms = (v: number | null): string => (v === null ? '-' : `${formatLatencyMs(v)} ms`);
    const verdict = s.saturated ? `<span class="bad">✗ saturated: ${escapeHtml(s.reasons.join('; '))}</span>` : '<span class="good">✓ not saturated</span>';
    return `<tr><td>${swatch(i)}${escapeHtml(label)}</td><td class="wrap">${verdict}</td><td>${ms(s.eventLoopDelayP99Ms)} / ${ms(s.eventLoopDelayMaxMs)}</td><td>${formatNumber(s.cpuPercent, 0)}%</td><td>${formatNumber(s.eventLoopUtilization * 100, 0)}%</td><td>${ms(s.lateStartsP99Ms)} / ${ms(s.lateStartsMaxMs)}</td><td>${formatNumber(s.scheduledStarts)}</td><td class="${s.droppedIterations > 0 ? 'bad' : ''}">${formatNumber(s.droppedIterations)}</td></tr>`;
  });
  return table(['run', 'runner itself', 'event-loop delay p99 / max', 'CPU (one core)', 'event loop busy', 'late starts p99 / max', 'scheduled starts', 'dropped iterations'], rows);
}

export function thresholdsTable(inputs: readonly ReportInput[]): string {
  const rows: string[] = [];
  inputs.forEach(({ label, result }, i) => {
    for (const [key, list] of Object.entries(result.thresholds ?? {})) {
      for (const t of list) {
        rows.push(
          `<tr><td>${swatch(i)}${escapeHtml(label)}</td><td class="${t.ok ? 'good' : 'bad'}">${t.ok ? '✓' : '✗'}</td><td>${escapeHtml(key)}</td><td><code>${escapeHtml(t.expression)}</code></td><td>${escapeHtml(formatThresholdValue(key, t))}</td><td>${t.abortedRun ? '<span class="bad">stopped the run</span>' : ''}</td></tr>`,
        );
      }
    }
  });
  if (rows.length === 0) return '';
  return `<h2 id="thresholds">Thresholds</h2>${table(['run', '', 'metric', 'threshold', 'measured', ''], rows)}`;
}

export function checksTable(inputs: readonly ReportInput[]): string {
  const names = [...new Set(inputs.flatMap((x) => Object.keys(x.result.checks ?? {})))];
  if (names.length === 0) return '';
  const rows = names.map((n) => {
    const cells = inputs.map(({ result }) => {
      const c = own(result.checks ?? {}, n);
      if (!c) return '<td>-</td>';
      const total = c.passes + c.fails;
      const pct = total === 0 ? 100 : (c.passes / total) * 100;
      return `<td class="${c.fails > 0 ? 'bad' : 'good'}">${c.fails > 0 ? '✗' : '✓'} ${formatNumber(pct, 2)}% <small>(${formatNumber(c.passes)} ✓ / ${formatNumber(c.fails)} ✗)</small></td>`;
    });
    return `<tr><th>${escapeHtml(n)}</th>${cells.join('')}</tr>`;
  });
  return `<h2 id="checks">Checks</h2>${table(['check', ...inputs.map((x, i) => `${swatch(i)}${escapeHtml(x.label)}`)], rows)}`;
}

function errorTotal(t: RunResult['totals']): number {
  return Object.values(t.errors).reduce((s, n) => s + n, 0);
}

export function summaryTable(inputs: readonly ReportInput[]): string {
  const head = ['run', 'request', 'requests', 'req/s', 'errors', 'unexpected', ...latencyStats.map(([l]) => `${l} ms`), 'service p50 / p99 ms'];
  const rows: string[] = [];
  inputs.forEach(({ label, result }, i) => {
    const entries: [string, RunResult['requests'][string]][] = [...Object.entries(result.requests), ['total', result]];
    for (const [name, r] of entries) {
      const st = r.serviceTime;
      const cells = [
        `<td>${swatch(i)}${escapeHtml(label)}</td>`,
        `<td class="${name === 'total' ? 'total' : ''}">${escapeHtml(name)}</td>`,
        `<td>${formatNumber(r.totals.requests)}</td>`,
        `<td>${formatNumber(r.totals.rps, 1)}</td>`,
        `<td class="${errorTotal(r.totals) > 0 ? 'bad' : ''}">${formatNumber(errorTotal(r.totals))}</td>`,
        `<td class="${r.totals.unexpectedStatus > 0 ? 'bad' : ''}">${formatNumber(r.totals.unexpectedStatus)}</td>`,
        ...latencyStats.map(([, k]) => `<td>${r.latency.count === 0 ? '-' : formatLatencyMs(r.latency[k] as number)}</td>`),
        `<td>${!st || st.count === 0 ? '-' : `${formatLatencyMs(st.p50)} / ${formatLatencyMs(st.p99)}`}</td>`,
      ];
      rows.push(`<tr>${cells.join('')}</tr>`);
    }
  });
  return table(head, rows);
}

export function breakdownTable(inputs: readonly ReportInput[]): string {
  const keys: { label: string; get: (r: RunResult) => number; bad: boolean }[] = [];
  const statuses = [...new Set(inputs.flatMap((x) => Object.keys(x.result.totals.byStatus)))].sort((a, b) => Number(a) - Number(b));
  for (const s of statuses) keys.push({ label: `status ${s}`, get: (r) => own(r.totals.byStatus, s) ?? 0, bad: !s.startsWith('2') });
  const kinds = [...new Set(inputs.flatMap((x) => Object.keys(x.result.totals.errors)))];
  for (const k of kinds) keys.push({ label: `error: ${k}`, get: (r) => own(r.totals.errors, k) ?? 0, bad: true });
  keys.push({ label: 'unexpected status', get: (r) => r.totals.unexpectedStatus, bad: true });
  const body = keys.map((k) => {
    const cells = inputs.map((x) => {
      const n = k.get(x.result);
      const pct = x.result.totals.requests === 0 ? 0 : (n / x.result.totals.requests) * 100;
      return `<td class="${k.bad && n > 0 ? 'bad' : ''}">${formatNumber(n)} <small>(${pct.toFixed(2)}%)</small></td>`;
    });
    const message = inputs.map((x) => (k.label.startsWith('error: ') ? (x.result.errorMessages ? own(x.result.errorMessages, k.label.slice(7)) : undefined) : undefined)).find((m) => m !== undefined);
    return `<tr><th>${escapeHtml(k.label)}${message ? ` <small>${escapeHtml(message)}</small>` : ''}</th>${cells.join('')}</tr>`;
  });
  return table(['', ...inputs.map((x, i) => `${swatch(i)}${escapeHtml(x.label)}`)], body);
}
