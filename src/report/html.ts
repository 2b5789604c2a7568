// `runner report`: one self-contained HTML page (inline CSS, inline SVG, a few lines of inline script; no network)
// for one or more result files: summary tables, status/error breakdown, thresholds, latency by percentile, and
// latency/throughput over time when the results carry a per-second `timeSeries`.
import { decodeHistogram } from '../metrics/histogram.ts';
import { formatBytes, formatDurationMs, formatLatencyMs, formatNumber, latencyStats } from './format.ts';
import { formatThresholdValue } from './render-thresholds.ts';
import type { RunResult } from '../result/types.ts';
import { ninesLabel, spectrumPoints, usefulNines } from './spectrum.ts';
import { escapeHtml, renderLineChart, type ChartSeries } from './svg-chart.ts';

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2'];

export interface ReportInput {
  /** Shown as the run's label (usually the file name). */
  label: string;
  result: RunResult;
}

/** One second of a run, as issue 5's `timeSeries` entries; times in seconds, latencies in ms. */
interface SeriesPoint {
  t: number;
  finished: number;
  errors: number;
  p50: number | null;
  p99: number | null;
}

/** A chart is ~760 px wide: more points than this only add bytes (a day is 86,400 seconds). */
export const MAX_CHART_POINTS = 1500;

/**
 * The result's per-second series (`t` in seconds since the start) when present and well-formed, else undefined.
 * A second without responses has no latency (null: a gap), not 0 ms. Long runs are cut into at most
 * MAX_CHART_POINTS buckets: throughput and errors averaged per second, p50 averaged, p99 the bucket's worst.
 */
export function readTimeSeries(result: RunResult): SeriesPoint[] | undefined {
  const raw = (result as unknown as { timeSeries?: unknown }).timeSeries;
  if (!Array.isArray(raw) || raw.length === 0) return undefined;
  const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  const points: SeriesPoint[] = [];
  for (const e of raw) {
    if (typeof e !== 'object' || e === null) return undefined;
    const o = e as Record<string, unknown>;
    const t = num(o.t);
    if (t === null) return undefined;
    const finished = num(o.finished) ?? 0;
    const errors = num(o.errors) ?? 0;
    const responded = finished - errors > 0;
    points.push({ t, finished, errors, p50: responded ? num(o.p50) : null, p99: responded ? num(o.p99) : null });
  }
  return points.length > MAX_CHART_POINTS ? bucketPoints(points, Math.ceil(points.length / MAX_CHART_POINTS)) : points;
}

function bucketPoints(points: readonly SeriesPoint[], size: number): SeriesPoint[] {
  const out: SeriesPoint[] = [];
  for (let i = 0; i < points.length; i += size) {
    const group = points.slice(i, i + size);
    const latencies = group.filter((p) => p.p50 !== null);
    out.push({
      t: group[0].t,
      finished: group.reduce((s, p) => s + p.finished, 0) / group.length,
      errors: group.reduce((s, p) => s + p.errors, 0) / group.length,
      p50: latencies.length === 0 ? null : latencies.reduce((s, p) => s + (p.p50 as number), 0) / latencies.length,
      p99: latencies.reduce<number | null>((m, p) => (p.p99 === null ? m : Math.max(m ?? 0, p.p99)), null),
    });
  }
  return out;
}

/** `map[key]` when it is the map's own entry: a name like `constructor` must not find Object.prototype's. */
function own<T>(map: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(map, key) ? map[key] : undefined;
}


function errorTotal(t: RunResult['totals']): number {
  return Object.values(t.errors).reduce((s, n) => s + n, 0);
}

function summaryTable(inputs: readonly ReportInput[]): string {
  const head = ['run', 'request', 'requests', 'req/s', 'errors', 'unexpected', ...latencyStats.map(([l]) => `${l} ms`)];
  const rows: string[] = [];
  inputs.forEach(({ label, result }, i) => {
    const entries: [string, RunResult['requests'][string]][] = [...Object.entries(result.requests), ['total', result]];
    for (const [name, r] of entries) {
      const cells = [
        `<td><span class="swatch" style="background:${PALETTE[i % PALETTE.length]}"></span>${escapeHtml(label)}</td>`,
        `<td class="${name === 'total' ? 'total' : ''}">${escapeHtml(name)}</td>`,
        `<td>${formatNumber(r.totals.requests)}</td>`,
        `<td>${formatNumber(r.totals.rps, 1)}</td>`,
        `<td>${formatNumber(errorTotal(r.totals))}</td>`,
        `<td>${formatNumber(r.totals.unexpectedStatus)}</td>`,
        ...latencyStats.map(([, k]) => `<td>${r.latency.count === 0 ? '-' : formatLatencyMs(r.latency[k] as number)}</td>`),
      ];
      rows.push(`<tr>${cells.join('')}</tr>`);
    }
  });
  return `<table><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function breakdownTable(inputs: readonly ReportInput[]): string {
  const keys: { label: string; get: (r: RunResult) => number; bad: boolean }[] = [];
  const statuses = [...new Set(inputs.flatMap((x) => Object.keys(x.result.totals.byStatus)))].sort((a, b) => Number(a) - Number(b));
  for (const s of statuses) keys.push({ label: `status ${s}`, get: (r) => own(r.totals.byStatus, s) ?? 0, bad: !s.startsWith('2') });
  const kinds = [...new Set(inputs.flatMap((x) => Object.keys(x.result.totals.errors)))];
  for (const k of kinds) keys.push({ label: `error: ${k}`, get: (r) => own(r.totals.errors, k) ?? 0, bad: true });
  keys.push({ label: 'unexpected status', get: (r) => r.totals.unexpectedStatus, bad: true });
  const head = `<tr><th></th>${inputs.map((x) => `<th>${escapeHtml(x.label)}</th>`).join('')}</tr>`;
  const body = keys
    .map((k) => {
      const cells = inputs.map((x) => {
        const n = k.get(x.result);
        const pct = x.result.totals.requests === 0 ? 0 : (n / x.result.totals.requests) * 100;
        return `<td class="${k.bad && n > 0 ? 'bad' : ''}">${formatNumber(n)} <small>(${pct.toFixed(2)}%)</small></td>`;
      });
      return `<tr><th>${escapeHtml(k.label)}</th>${cells.join('')}</tr>`;
    })
    .join('');
  return `<table><thead>${head}</thead><tbody>${body}</tbody></table>`;
}

function runFacts(inputs: readonly ReportInput[]): string {
  const rows = inputs.map(({ label, result: r }, i) => {
    const it = r.iterations;
    return `<tr><td><span class="swatch" style="background:${PALETTE[i % PALETTE.length]}"></span>${escapeHtml(label)}</td><td>${escapeHtml(r.scenario.name)}</td><td>${escapeHtml(r.target ?? '')}</td><td>${escapeHtml(r.startedAt)}</td><td>${formatDurationMs(r.durationMs)}</td><td class="${r.outcome === 'completed' ? '' : 'bad'}">${escapeHtml(String(r.outcome))}</td><td>${formatNumber(it.completed)} / ${formatNumber(it.failed)} / ${formatNumber(it.dropped)}</td><td>${formatBytes(r.totals.bytesSent)} / ${formatBytes(r.totals.bytesReceived)}</td><td>${escapeHtml(String(r.scenario.seed))}</td><td>${escapeHtml(r.runner)}</td></tr>`;
  });
  return `<table><thead><tr><th>run</th><th>scenario</th><th>target</th><th>started</th><th>duration</th><th>outcome</th><th>iterations ok / failed / dropped</th><th>sent / received</th><th>seed</th><th>runner</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function thresholdsSection(inputs: readonly ReportInput[]): string {
  const rows: string[] = [];
  for (const { label, result } of inputs) {
    for (const [key, list] of Object.entries(result.thresholds ?? {})) {
      for (const t of list) {
        rows.push(
          `<tr><td>${escapeHtml(label)}</td><td class="${t.ok ? 'good' : 'bad'}">${t.ok ? '✓' : '✗'}</td><td>${escapeHtml(key)}</td><td><code>${escapeHtml(t.expression)}</code></td><td>${escapeHtml(formatThresholdValue(key, t))}</td></tr>`,
        );
      }
    }
  }
  if (rows.length === 0) return '';
  return `<h2>Thresholds</h2><table><thead><tr><th>run</th><th></th><th>metric</th><th>threshold</th><th>measured</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function spectrumChart(inputs: readonly ReportInput[]): string {
  const hs = inputs.map((x) => decodeHistogram(x.result.latency.hdr));
  const maxNines = Math.ceil(usefulNines(Math.max(1, ...hs.map((h) => h.totalCount))));
  const series: ChartSeries[] = hs.map((h, i) => ({ label: h.totalCount === 0 ? `${inputs[i].label} (no responses)` : inputs[i].label, color: PALETTE[i % PALETTE.length], points: spectrumPoints(h, maxNines, 200), group: i }));
  const xTicks = Array.from({ length: maxNines + 1 }, (_, n) => ({ value: n, label: ninesLabel(n) }));
  return renderLineChart({ title: 'Latency by percentile (all requests)', xLabel: 'percentile (log “nines” axis)', yLabel: 'latency (ms)', series, xTicks });
}

function timeCharts(inputs: readonly ReportInput[]): string {
  const withSeries = inputs.map((x, i) => ({ i, label: x.label, points: readTimeSeries(x.result) }));
  const present = withSeries.filter((x): x is { i: number; label: string; points: SeriesPoint[] } => x.points !== undefined);
  const missing = withSeries.filter((x) => x.points === undefined).map((x) => escapeHtml(x.label));
  const note = missing.length > 0 ? `<p class="note">No per-second series in: ${missing.join(', ')} (written by a runner without time series); over-time charts leave them out.</p>` : '';
  if (present.length === 0) return `<h2>Over time</h2>${note}`;
  const latency: ChartSeries[] = [];
  const throughput: ChartSeries[] = [];
  for (const { i, label, points } of present) {
    const color = PALETTE[i % PALETTE.length];
    latency.push({ label: `${label} p50`, color, points: points.filter((p) => p.p50 !== null).map((p) => [p.t, p.p50 as number]), group: i });
    latency.push({ label: `${label} p99`, color, dashed: true, points: points.filter((p) => p.p99 !== null).map((p) => [p.t, p.p99 as number]), group: i });
    throughput.push({ label: `${label} finished/s`, color, points: points.map((p) => [p.t, p.finished]), group: i });
    if (points.some((p) => p.errors > 0)) throughput.push({ label: `${label} errors/s`, color, dashed: true, points: points.map((p) => [p.t, p.errors]), group: i });
  }
  return (
    `<h2>Over time</h2>${note}` +
    renderLineChart({ title: 'Latency per second (p50 solid, p99 dashed)', xLabel: 'seconds since start', yLabel: 'latency (ms)', series: latency }) +
    renderLineChart({ title: 'Throughput per second', xLabel: 'seconds since start', yLabel: 'requests / s', series: throughput })
  );
}

const CSS = `
body{font:14px/1.4 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px;color:#222;background:#fff}
h1{font-size:20px}h2{font-size:16px;margin-top:28px;border-bottom:1px solid #ddd;padding-bottom:4px}
table{border-collapse:collapse;margin:8px 0}th,td{padding:3px 10px;border-bottom:1px solid #eee;text-align:right;white-space:nowrap}
th:first-child,td:first-child,td:nth-child(2){text-align:left}td.total{font-weight:600}
.bad{color:#c00}.good{color:#080}.note{color:#666}small{color:#888}
.swatch{display:inline-block;width:10px;height:10px;margin-right:6px;border-radius:2px;vertical-align:baseline}
.chart{margin:12px 0}.chart figcaption{font-weight:600;margin-bottom:4px}
.grid{stroke:#eee}.frame{fill:none;stroke:#999}.tick,.axis{font-size:11px;fill:#555}
.legend{margin-top:4px}.legend-item{border:1px solid #ddd;background:#fafafa;border-radius:3px;margin:2px;padding:2px 8px;cursor:pointer;font:inherit}
.legend-item.off{opacity:.4}.series.off{display:none}
`;

/** Legend buttons hide/show a run's series in every chart; marks the page as ready with the number of drawn series. */
const SCRIPT = `
(function () {
  var buttons = document.querySelectorAll('.legend-item');
  buttons.forEach(function (b) {
    b.addEventListener('click', function () {
      var g = b.getAttribute('data-group');
      var off = !b.classList.contains('off');
      document.querySelectorAll('[data-group="' + g + '"]').forEach(function (el) { el.classList.toggle('off', off); });
    });
  });
  document.body.setAttribute('data-series', String(document.querySelectorAll('path.series').length));
})();
`;

/** The whole page. */
export function renderHtmlReport(inputs: readonly ReportInput[], generatedAt = new Date()): string {
  const title = inputs.length === 1 ? `runner report: ${inputs[0].result.scenario.name}` : `runner report: ${inputs.length} runs`;
  const warnings = inputs.flatMap((x) => x.result.warnings.map((w) => `<li>${escapeHtml(x.label)}: ${escapeHtml(w)}</li>`));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title><style>${CSS}</style></head>
<body>
<h1>${escapeHtml(title)}</h1>
<p class="note">Generated ${escapeHtml(generatedAt.toISOString())} from ${inputs.map((x) => escapeHtml(x.label)).join(', ')}. Latencies in ms, measured from the intended start of each request.</p>
<h2>Runs</h2>${runFacts(inputs)}
${warnings.length > 0 ? `<ul class="bad">${warnings.join('')}</ul>` : ''}
<h2>Summary</h2>${summaryTable(inputs)}
<h2>Statuses and errors</h2>${breakdownTable(inputs)}
${thresholdsSection(inputs)}
<h2>Latency by percentile</h2>${spectrumChart(inputs)}
${timeCharts(inputs)}
<script>${SCRIPT}</script>
</body></html>
`;
}
