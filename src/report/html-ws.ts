// The WebSocket block of the HTML report: one row per run with connections, messages and delivery, and the
// connect and delivery latency percentiles. Absent when no run used WebSockets.
import { formatLatencyMs, formatNumber } from './format.ts';
import { swatch, type ReportInput } from './html-tables.ts';
import { escapeHtml } from './svg-chart.ts';
import type { LatencySummary } from '../result/types.ts';

function counts(table: Record<string, number>): string {
  const keys = Object.keys(table).filter((k) => table[k] > 0);
  return keys.length === 0 ? '—' : keys.map((k) => `${escapeHtml(k)} ${formatNumber(table[k])}`).join(', ');
}

function percentiles(l: LatencySummary): string {
  return l.count === 0 ? '—' : `p50 ${formatLatencyMs(l.p50)} · p99 ${formatLatencyMs(l.p99)} · max ${formatLatencyMs(l.max)}`;
}

export function wsSection(inputs: readonly ReportInput[]): string {
  if (!inputs.some((x) => x.result.ws !== undefined)) return '';
  const rows = inputs.map(({ label, result }, i) => {
    const ws = result.ws;
    const name = `<td>${swatch(i)}${escapeHtml(label)}</td>`;
    if (ws === undefined) return `<tr>${name}<td colspan="8">no WebSockets</td></tr>`;
    const c = ws.connections;
    const d = ws.delivery;
    const bad = (n: number, text: string) => (n > 0 ? `<span class="bad">${text}</span>` : text);
    return `<tr>${name}<td>${formatNumber(c.opened)}</td><td>${bad(c.failed, `${formatNumber(c.failed)} (${counts(c.failures)})`)}</td><td>server: ${counts(c.closes.byServer)}<br>runner: ${counts(c.closes.byClient)}</td><td>${percentiles(c.connecting)}</td><td>${formatNumber(ws.messages.sent)} / ${formatNumber(ws.messages.received)}</td><td>${formatNumber(d.expected)} / ${formatNumber(d.delivered)}</td><td>${bad(d.lost, formatNumber(d.lost))} / ${bad(d.duplicated, formatNumber(d.duplicated))} / ${formatNumber(d.unexpected)}</td><td>${percentiles(d.latency)}</td></tr>`;
  });
  const head = ['run', 'opened', 'failed', 'closed by', 'connect ms', 'sent / received', 'expected / delivered', 'lost / duplicated / unexpected', 'delivery ms'];
  return `<h2 id="ws">WebSockets</h2><p class="note">Delivery latency is from a tracked message's send to each receipt by another member of its room; lost are expected receipts missing when the message's grace period (or the run) ended.</p><div class="scroll"><table><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}
