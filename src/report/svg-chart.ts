// Line charts as inline SVG strings (no script, no fetch): axes, ticks, one polyline per series, a legend.

export interface ChartSeries {
  label: string;
  color: string;
  points: [number, number][];
  dashed?: boolean;
  /** Series with the same group toggle together from the legend. */
  group: number;
}

export interface ChartSpec {
  title: string;
  xLabel: string;
  yLabel: string;
  series: ChartSeries[];
  /** Fixed x ticks (value, label); default: nice numbers over the data. */
  xTicks?: { value: number; label: string }[];
  width?: number;
  height?: number;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** About `count` round tick values covering [0, max]. */
export function niceTicks(max: number, count = 5): number[] {
  if (!(max > 0)) return [0];
  const raw = max / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = 0; v <= max + step * 1e-9; v += step) out.push(Math.round(v * 1e6) / 1e6);
  if (out[out.length - 1] < max) out.push(Math.round((out[out.length - 1] + step) * 1e6) / 1e6);
  return out;
}

function fmt(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Math.round(n * 1000) / 1000);
}

/** One chart: `<figure>` with an `<svg>`; empty series are left out of the plot but kept in the legend. */
export function renderLineChart(spec: ChartSpec): string {
  const width = spec.width ?? 760;
  const height = spec.height ?? 320;
  const m = { left: 64, right: 16, top: 16, bottom: 44 };
  const pw = width - m.left - m.right;
  const ph = height - m.top - m.bottom;
  // Loops, not Math.max(...points): spreading a long series (a day of seconds) overflows the call stack.
  let dataXMax = 1e-9;
  let dataYMax = 1e-9;
  for (const s of spec.series) {
    for (const [x, y] of s.points) {
      if (x > dataXMax) dataXMax = x;
      if (y > dataYMax) dataYMax = y;
    }
  }
  const xMax = spec.xTicks ? Math.max(...spec.xTicks.map((t) => t.value)) : dataXMax;
  const yTicks = niceTicks(dataYMax);
  const yMax = yTicks[yTicks.length - 1] || 1;
  const xTicks = spec.xTicks ?? niceTicks(xMax, 8).map((v) => ({ value: v, label: fmt(v) }));
  const xEnd = Math.max(xMax, ...xTicks.map((t) => t.value)) || 1;
  const sx = (x: number): number => m.left + (x / xEnd) * pw;
  const sy = (y: number): number => m.top + ph - (y / yMax) * ph;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(spec.title)}">`);
  for (const t of yTicks) {
    const y = sy(t).toFixed(1);
    parts.push(`<line class="grid" x1="${m.left}" x2="${m.left + pw}" y1="${y}" y2="${y}"/><text class="tick" x="${m.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${fmt(t)}</text>`);
  }
  for (const t of xTicks) {
    const x = sx(t.value).toFixed(1);
    parts.push(`<line class="grid" x1="${x}" x2="${x}" y1="${m.top}" y2="${m.top + ph}"/><text class="tick" x="${x}" y="${m.top + ph + 16}" text-anchor="middle">${escapeHtml(t.label)}</text>`);
  }
  parts.push(`<rect class="frame" x="${m.left}" y="${m.top}" width="${pw}" height="${ph}"/>`);
  parts.push(`<text class="axis" x="${m.left + pw / 2}" y="${height - 6}" text-anchor="middle">${escapeHtml(spec.xLabel)}</text>`);
  parts.push(`<text class="axis" transform="translate(14 ${m.top + ph / 2}) rotate(-90)" text-anchor="middle">${escapeHtml(spec.yLabel)}</text>`);
  for (const s of spec.series) {
    if (s.points.length === 0) continue;
    const d = s.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${sx(p[0]).toFixed(1)} ${sy(p[1]).toFixed(1)}`).join('');
    parts.push(
      `<path class="series" data-group="${s.group}" d="${d}" fill="none" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}><title>${escapeHtml(s.label)}</title></path>`,
    );
  }
  parts.push('</svg>');
  const legend = spec.series
    .map(
      (s) =>
        `<button type="button" class="legend-item" data-group="${s.group}"><span class="swatch" style="background:${s.color}${s.dashed ? ';opacity:.6' : ''}"></span>${escapeHtml(s.label)}</button>`,
    )
    .join('');
  return `<figure class="chart"><figcaption>${escapeHtml(spec.title)}</figcaption>${parts.join('')}<div class="legend">${legend}</div></figure>`;
}
