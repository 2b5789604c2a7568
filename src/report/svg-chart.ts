// Charts as inline SVG strings (no script, no fetch): axes, ticks, lines with gaps, bars, markers, a shaded
// partial span, and a legend. The SVG scales to its container's width (viewBox), so a chart fills the page.

export interface ChartSeries {
  label: string;
  color: string;
  /** [x, y]; y null means no data there: a line breaks (a gap), never drops to 0. */
  points: [number, number | null][];
  dashed?: boolean;
  /** Series with the same group toggle together from the legend (one group per run). */
  group: number;
  /** 'line' (default); 'area': a line filled down to 0; 'bars': one bar per point; 'markers': a triangle per non-zero point. */
  kind?: 'line' | 'area' | 'bars' | 'markers';
  /** Thinner line (secondary series such as service time). */
  thin?: boolean;
}

export interface ChartSpec {
  title: string;
  /** One line under the title: what is drawn, in words. */
  caption?: string;
  xLabel: string;
  yLabel: string;
  series: ChartSeries[];
  /** Fixed x ticks (value, label); default: round numbers over the data. */
  xTicks?: { value: number; label: string }[];
  /** Left end of the x axis; default 0 (or the smallest x when below 0). */
  xFrom?: number;
  /** Right end of the x axis at least (the run's duration); default: the data. */
  xTo?: number;
  /** Formats a default x tick. */
  xFormat?: (v: number) => string;
  /** A span of x where the data is partial (the last, unfinished second): shaded and labelled. */
  partial?: { from: number; to: number; label: string };
  /** viewBox size; the chart is drawn at the container's width. Default 1200 × 300. */
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

export function formatTick(n: number): string {
  if (Math.abs(n) >= 10_000) return `${Math.round(n / 1000)}k`;
  return Number.isInteger(n) ? String(n) : String(Math.round(n * 1000) / 1000);
}

const f1 = (n: number): string => n.toFixed(1);

/** One chart: `<figure class="chart">` holding an `<svg>`; empty series stay in the legend, marked "no data". */
export function renderChart(spec: ChartSpec): string {
  const width = spec.width ?? 1200;
  const height = spec.height ?? 300;
  const m = { left: 64, right: 16, top: 12, bottom: 42 };
  const pw = width - m.left - m.right;
  const ph = height - m.top - m.bottom;
  // Loops, not Math.max(...points): spreading a long series overflows the call stack.
  let xMin = Infinity;
  let xMax = -Infinity;
  let yMax = 0;
  for (const s of spec.series) {
    for (const [x, y] of s.points) {
      if (x < xMin) xMin = x;
      if (x > xMax) xMax = x;
      if (y !== null && y > yMax) yMax = y;
    }
  }
  if (spec.partial && spec.partial.to > xMax) xMax = spec.partial.to;
  if (spec.xTo !== undefined && spec.xTo > xMax) xMax = spec.xTo;
  if (!Number.isFinite(xMin)) [xMin, xMax] = [0, 1];
  xMin = spec.xFrom ?? Math.min(0, xMin);
  const xTicks = spec.xTicks ?? niceTicks(xMax, 10).map((v) => ({ value: v, label: (spec.xFormat ?? formatTick)(v) }));
  const xEnd = Math.max(xMax, ...xTicks.map((t) => t.value)) || 1;
  const yTicks = niceTicks(yMax);
  const yEnd = yTicks[yTicks.length - 1] || 1;
  const sx = (x: number): number => m.left + ((x - xMin) / (xEnd - xMin || 1)) * pw;
  const sy = (y: number): number => m.top + ph - (y / yEnd) * ph;
  const barW = Math.max(1, Math.min(12, (pw / Math.max(1, (xEnd - xMin) || 1)) * 0.8));
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(spec.title)}">`);
  for (const t of yTicks) {
    const y = f1(sy(t));
    parts.push(`<line class="grid" x1="${m.left}" x2="${m.left + pw}" y1="${y}" y2="${y}"/><text class="tick" x="${m.left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${formatTick(t)}</text>`);
  }
  for (const t of xTicks) {
    const x = f1(sx(t.value));
    parts.push(`<line class="grid" x1="${x}" x2="${x}" y1="${m.top}" y2="${m.top + ph}"/><text class="tick" x="${x}" y="${m.top + ph + 16}" text-anchor="middle">${escapeHtml(t.label)}</text>`);
  }
  if (spec.partial) {
    const x0 = sx(spec.partial.from);
    const x1 = sx(spec.partial.to);
    parts.push(`<rect class="partial" x="${f1(x0)}" y="${m.top}" width="${f1(Math.max(2, x1 - x0))}" height="${ph}"><title>${escapeHtml(spec.partial.label)}</title></rect>`);
    parts.push(`<text class="partial-label" x="${f1(x1 - 4)}" y="${m.top + 12}" text-anchor="end">${escapeHtml(spec.partial.label)}</text>`);
  }
  parts.push(`<rect class="frame" x="${m.left}" y="${m.top}" width="${pw}" height="${ph}"/>`);
  parts.push(`<text class="axis" x="${m.left + pw / 2}" y="${height - 6}" text-anchor="middle">${escapeHtml(spec.xLabel)}</text>`);
  parts.push(`<text class="axis" transform="translate(14 ${m.top + ph / 2}) rotate(-90)" text-anchor="middle">${escapeHtml(spec.yLabel)}</text>`);
  for (const s of spec.series) {
    const mark = seriesMarks(s, sx, sy, m.top + ph, barW);
    if (mark) parts.push(mark);
  }
  parts.push('</svg>');
  const legend = spec.series
    .map((s) => {
      const empty = !s.points.some(([, y]) => y !== null);
      const swatch = s.kind === 'markers' ? `<span class="marker" style="color:${s.color}">▲</span>` : `<span class="swatch${s.dashed ? ' dashed' : ''}" style="background:${s.color}"></span>`;
      return `<button type="button" class="legend-item" data-group="${s.group}">${swatch}${escapeHtml(s.label)}${empty ? ' <small>(no data)</small>' : ''}</button>`;
    })
    .join('');
  const caption = spec.caption ? `<div class="caption">${escapeHtml(spec.caption)}</div>` : '';
  return `<figure class="chart"><figcaption>${escapeHtml(spec.title)}</figcaption>${caption}${parts.join('')}<div class="legend">${legend}</div></figure>`;
}

/** The drawn marks of one series, or '' when it has no data. Every mark has class "series" and the run's group. */
function seriesMarks(s: ChartSeries, sx: (x: number) => number, sy: (y: number) => number, baseY: number, barW: number): string {
  const title = `<title>${escapeHtml(s.label)}</title>`;
  const attrs = `class="series" data-group="${s.group}"`;
  if (s.kind === 'bars' || s.kind === 'markers') {
    const shapes: string[] = [];
    for (const [x, y] of s.points) {
      if (y === null || y <= 0) continue;
      const cx = sx(x);
      if (s.kind === 'bars') shapes.push(`M${f1(cx - barW / 2)} ${f1(baseY)}V${f1(sy(y))}h${f1(barW)}V${f1(baseY)}Z`);
      else shapes.push(`M${f1(cx)} ${f1(baseY - 9)}l5 9h-10Z`);
    }
    if (shapes.length === 0) return '';
    return `<path ${attrs} d="${shapes.join('')}" fill="${s.color}" fill-opacity="${s.kind === 'bars' ? 0.55 : 0.9}" stroke="none">${title}</path>`;
  }
  // A line broken at every null: each run of points is its own subpath; a lone point is drawn as a dot.
  let d = '';
  let area = '';
  let run: [number, number][] = [];
  const flush = (): void => {
    if (run.length === 0) return;
    if (run.length === 1) d += `M${f1(run[0][0])} ${f1(run[0][1])}h0.01`;
    else d += run.map((p, i) => `${i === 0 ? 'M' : 'L'}${f1(p[0])} ${f1(p[1])}`).join('');
    if (s.kind === 'area' && run.length > 1) area += `M${f1(run[0][0])} ${f1(baseY)}` + run.map((p) => `L${f1(p[0])} ${f1(p[1])}`).join('') + `L${f1(run[run.length - 1][0])} ${f1(baseY)}Z`;
    run = [];
  };
  for (const [x, y] of s.points) {
    if (y === null) flush();
    else run.push([sx(x), sy(y)]);
  }
  flush();
  if (d === '') return '';
  const fill = area ? `<path class="area" data-group="${s.group}" d="${area}" fill="${s.color}" fill-opacity="0.12" stroke="none"/>` : '';
  return `${fill}<path ${attrs} d="${d}" fill="none" stroke="${s.color}" stroke-width="${s.thin ? 1.25 : 2}" stroke-linejoin="round" stroke-linecap="round"${s.dashed ? ' stroke-dasharray="6 4"' : ''}>${title}</path>`;
}
