// The k6 block of the end summary: a k6 script's custom metrics and tag-filtered sub-metrics, one line each,
// with k6's aggregation names (runner's own table above already shows requests, checks and thresholds).
import type { K6ResultSection } from '../result/types.ts';
import { escapeTerminalText } from '../terminal-text.ts';

function format(n: number): string {
  if (Number.isInteger(n)) return String(n);
  return Math.abs(n) >= 100 ? n.toFixed(1) : n.toFixed(3).replace(/\.?0+$/, '');
}

/** Lines (newline-terminated) or '' when the script has no such metric. */
export function renderK6Metrics(section: K6ResultSection): string {
  const entries = Object.entries(section.metrics);
  if (entries.length === 0) return '';
  const width = Math.max(...entries.map(([name]) => escapeTerminalText(name).length));
  const lines = ['', 'k6 metrics (custom and tag-filtered):'];
  for (const [name, m] of entries) {
    const values = Object.entries(m.values).map(([k, v]) => `${k}=${format(v)}${m.contains === 'time' && k !== 'count' ? 'ms' : ''}`);
    lines.push(`  ${escapeTerminalText(name).padEnd(width)}  ${m.type.padEnd(7)}  ${values.join(' ')}`);
  }
  return lines.join('\n') + '\n';
}
