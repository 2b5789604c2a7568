// `runner compare --plot`: a terminal chart of latency by percentile on a log "nines" axis, one series per run.
import { decodeHistogram } from '../metrics/histogram.ts';
import { formatLatencyMs } from './format.ts';
import { ninesLabel, spectrumPoints, usefulNines } from './spectrum.ts';
import { escapeTerminalText } from '../terminal-text.ts';

const MARKS = ['●', '○', '◆', '◇', '▲', '△'];
const COLORS = ['\x1b[36m', '\x1b[35m', '\x1b[33m', '\x1b[32m', '\x1b[34m', '\x1b[31m'];
const RESET = '\x1b[39m';

export interface PlotSeries {
  label: string;
  /** Encoded HDR histogram of µs. */
  hdr: string;
}

/** The chart as text (no trailing newline); `width`/`height` are the plot area in characters. */
export function renderSpectrumPlot(series: readonly PlotSeries[], opts: { color: boolean; width?: number; height?: number }): string {
  const width = opts.width ?? 64;
  const height = opts.height ?? 16;
  const hs = series.map((s) => decodeHistogram(s.hdr));
  const maxCount = Math.max(0, ...hs.map((h) => h.totalCount));
  if (maxCount === 0) return 'latency by percentile: no data';
  const maxNines = Math.ceil(usefulNines(maxCount));
  const points = hs.map((h) => spectrumPoints(h, maxNines, width - 1));
  const maxMs = Math.max(...points.flat().map((p) => p[1]), 0.001);
  const grid: string[][] = Array.from({ length: height }, () => Array.from({ length: width }, () => ' '));
  points.forEach((pts, si) => {
    const mark = opts.color ? `${COLORS[si % COLORS.length]}${MARKS[si % MARKS.length]}${RESET}` : MARKS[si % MARKS.length];
    pts.forEach(([, ms], col) => {
      const row = height - 1 - Math.min(height - 1, Math.round((ms / maxMs) * (height - 1)));
      grid[row][col] = mark;
    });
  });
  const labelWidth = Math.max(formatLatencyMs(maxMs).length, 4);
  const lines = ['latency (ms) by percentile'];
  grid.forEach((cells, r) => {
    const value = r === 0 ? formatLatencyMs(maxMs) : r === height - 1 ? '0' : r === Math.floor((height - 1) / 2) ? formatLatencyMs(maxMs / 2) : '';
    lines.push(`${value.padStart(labelWidth)} ┤${cells.join('')}`);
  });
  lines.push(`${' '.repeat(labelWidth)} └${'─'.repeat(width)}`);
  // Tick labels at whole nines.
  const ticks = Array.from({ length: width + 12 }, () => ' ');
  for (let n = 0; n <= maxNines; n++) {
    const col = Math.round((n / maxNines) * (width - 1));
    const label = ninesLabel(n);
    const start = Math.min(col, width + 12 - label.length);
    for (let k = 0; k < label.length; k++) ticks[start + k] = label[k];
  }
  lines.push(`${' '.repeat(labelWidth + 2)}${ticks.join('').trimEnd()}`);
  lines.push(
    series
      .map((s, i) => {
        const mark = opts.color ? `${COLORS[i % COLORS.length]}${MARKS[i % MARKS.length]}${RESET}` : MARKS[i % MARKS.length];
        return `${mark} ${escapeTerminalText(s.label)}${hs[i].totalCount === 0 ? ' (no responses)' : ''}`;
      })
      .join('   '),
  );
  return lines.join('\n');
}
