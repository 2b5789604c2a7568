// The WebSocket block of the summary: connections (failures and closes by class), messages, delivery accounting.
import type { LatencySummary, RunResult } from '../result/types.ts';
import { formatLatencyMs, formatNumber, latencyStats } from './format.ts';
import { escapeTerminalText as safe } from '../terminal-text.ts';

function counts(table: Record<string, number>): string {
  const keys = Object.keys(table).filter((k) => table[k] > 0);
  return keys.length === 0 ? 'none' : keys.map((k) => `${safe(k)} ${formatNumber(table[k])}`).join(', ');
}

function latencyLine(title: string, l: LatencySummary): string {
  if (l.count === 0) return `${title}: no samples`;
  return `${title}: count ${formatNumber(l.count)}  ${latencyStats.map(([name, key]) => `${name} ${formatLatencyMs(l[key] as number)}`).join('  ')}`;
}

/** Lines of the ws block; none when the run used no WebSocket. `paint` marks bad news (failures, loss). */
export function renderWs(result: RunResult, paint: (line: string) => string): string[] {
  const ws = result.ws;
  if (ws === undefined) return [];
  const c = ws.connections;
  const d = ws.delivery;
  const m = ws.messages;
  const out = [''];
  const failed = `ws connections: opened ${formatNumber(c.opened)}  failed ${formatNumber(c.failed)}  peak open ${formatNumber(c.peakOpen)}`;
  out.push(c.failed > 0 ? paint(failed) : failed);
  if (c.failed > 0) out.push(paint(`  failures: ${counts(c.failures)}`));
  out.push(`  closed by server: ${counts(c.closes.byServer)}  by runner: ${counts(c.closes.byClient)}`);
  out.push(`  ${latencyLine('connecting (ms)', c.connecting)}`);
  const seconds = Math.max(1, m.perSecond.sent.length, m.perSecond.received.length);
  const peak = (series: number[]) => formatNumber(series.reduce((a, b) => Math.max(a, b), 0));
  out.push(`ws messages: sent ${formatNumber(m.sent)} (peak ${peak(m.perSecond.sent)}/s)  received ${formatNumber(m.received)} (peak ${peak(m.perSecond.received)}/s)  over ${seconds} s`);
  if (d.tracked > 0) {
    const line = `ws delivery: tracked ${formatNumber(d.tracked)}  expected ${formatNumber(d.expected)}  delivered ${formatNumber(d.delivered)}  lost ${formatNumber(d.lost)}  duplicated ${formatNumber(d.duplicated)}  unexpected ${formatNumber(d.unexpected)}`;
    out.push(d.lost > 0 || d.duplicated > 0 ? paint(line) : line);
    out.push(`  ${latencyLine('delivery latency (ms)', d.latency)}`);
  }
  return out;
}
