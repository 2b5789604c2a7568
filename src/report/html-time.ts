// The over-time charts of the HTML report, from each run's per-second series: latency (and service time for
// open-model runs), throughput and errors, VUs or target and achieved arrival rate with dropped iterations,
// checks, and per-request curves when the result file carries them.
import { formatNumber } from './format.ts';
import { colorOf, PALETTE, runModel, type ReportInput } from './html-tables.ts';
import { readRunSeries, type RunSeries, type SeriesPoint } from './report-series.ts';
import type { RunResult } from '../result/types.ts';
import { escapeHtml, renderChart, type ChartSeries, type ChartSpec } from './svg-chart.ts';

/** Request names drawn per run in the per-request charts: the busiest ones. */
const MAX_REQUEST_CURVES = 8;

interface Present {
  i: number;
  label: string;
  result: RunResult;
  series: RunSeries;
}

/** `m:ss` past three minutes, plain seconds before. */
function timeFormat(endS: number): (v: number) => string {
  if (endS <= 180) return (v) => String(v);
  return (v) => `${Math.floor(v / 60)}:${String(Math.round(v % 60)).padStart(2, '0')}`;
}

/** Each point at the middle of the time it covers: a bucket [t, t+1) is drawn at t+0.5, the partial last one at its own middle. */
const line = (points: readonly SeriesPoint[], get: (p: SeriesPoint) => number | null): [number, number | null][] => points.map((p) => [p.t + p.span / 2, get(p)]);

export function timeCharts(inputs: readonly ReportInput[]): string {
  const all = inputs.map((x, i) => ({ i, label: x.label, result: x.result, series: readRunSeries(x.result) }));
  const present = all.filter((x): x is Present => x.series !== undefined);
  const missing = all.filter((x) => x.series === undefined).map((x) => escapeHtml(x.label));
  const note = missing.length > 0 ? `<p class="note">No per-second series in: ${missing.join(', ')} (written by a runner without time series); over-time charts leave them out.</p>` : '';
  if (present.length === 0) return `<h2 id="over-time">Over time</h2>${note}`;
  const endS = Math.max(...present.map((p) => p.result.durationMs / 1000));
  // One shaded partial second when one run is drawn; with several, each run's last point is still scaled to its length.
  const only = present.length === 1 ? present[0].series : undefined;
  const partial = only?.partial && only.points[only.points.length - 1].span < 1 ? { ...only.partial, label: `partial second (${Math.round((only.partial.to - only.partial.from) * 1000)} ms), rates scaled` } : undefined;
  const downsampled = present.filter((p) => p.series.points.length > 1 && p.series.points[1].t - p.series.points[0].t > 1);
  const common = { xLabel: 'time since start (s)', xFormat: timeFormat(endS), partial, xTo: endS };
  const charts: string[] = [];

  // Latency, and service time where the run was open-model (where they differ).
  const latency: ChartSeries[] = [];
  const captions: string[] = [];
  for (const { i, label, result, series } of present) {
    const color = colorOf(i);
    const model = runModel(result);
    latency.push({ label: `${label} latency p50`, color, points: line(series.points, (p) => p.p50), group: i });
    latency.push({ label: `${label} latency p99`, color, dashed: true, points: line(series.points, (p) => p.p99), group: i });
    if (model !== 'closed' && series.has.service) {
      latency.push({ label: `${label} service time p50`, color: shade(color), thin: true, points: line(series.points, (p) => p.serviceP50), group: i });
      latency.push({ label: `${label} service time p99`, color: shade(color), thin: true, dashed: true, points: line(series.points, (p) => p.serviceP99), group: i });
    }
    captions.push(modelCaption(model, series.has.service));
  }
  // One sentence when every run says the same; else one per run, named.
  const caption = captions.every((c) => c === captions[0]) ? captions[0] : captions.map((c, k) => `${present[k].label}: ${c}`).join(' ');
  charts.push(chart({ ...common, title: 'Latency per second (p50 solid, p99 dashed)', caption: `${caption} A second without responses is a gap.`, yLabel: 'ms', series: latency }));

  const throughput: ChartSeries[] = [];
  for (const { i, label, series } of present) {
    throughput.push({ label: `${label} responses/s`, color: colorOf(i), kind: 'area', points: line(series.points, (p) => p.finished), group: i });
    if (series.points.some((p) => p.errors > 0)) throughput.push({ label: `${label} errors/s`, color: colorOf(i), dashed: true, points: line(series.points, (p) => p.errors), group: i });
  }
  charts.push(chart({ ...common, title: 'Requests per second (errors dashed)', caption: 'Requests that ended each second; errors: no complete response.', yLabel: 'requests / s', series: throughput }));

  const closedWithVus = present.filter((p) => p.series.has.vus);
  if (closedWithVus.length > 0) {
    charts.push(chart({ ...common, title: 'Active VUs', caption: 'VUs running an iteration, per second.', yLabel: 'VUs', series: closedWithVus.map(({ i, label, series }) => ({ label: `${label} VUs`, color: colorOf(i), points: line(series.points, (p) => p.vus), group: i })) }));
  }
  const open = present.filter((p) => runModel(p.result) !== 'closed' || p.series.points.some((q) => q.dropped > 0));
  if (open.length > 0) {
    const arrival: ChartSeries[] = [];
    for (const { i, label, series } of open) {
      if (series.has.iterations) {
        arrival.push({ label: `${label} target (started + dropped)`, color: colorOf(i), dashed: true, thin: true, points: line(series.points, (p) => (p.iterationsStarted ?? 0) + p.dropped), group: i });
        arrival.push({ label: `${label} achieved (iterations started)`, color: colorOf(i), points: line(series.points, (p) => p.iterationsStarted), group: i });
      } else {
        arrival.push({ label: `${label} requests started/s`, color: colorOf(i), points: line(series.points, (p) => p.started), group: i });
      }
      arrival.push({ label: `${label} dropped iterations/s`, color: colorOf(i), kind: 'bars', points: line(series.points, (p) => p.dropped), group: i });
    }
    const dropped = open.reduce((s, p) => s + p.result.iterations.dropped, 0);
    charts.push(
      chart({
        ...common,
        title: 'Arrival rate: target and achieved, dropped iterations as bars',
        caption: `Iterations the schedule asked for each second and those that started; a dropped iteration found no free VU (${formatNumber(dropped)} in all).`,
        yLabel: 'per second',
        series: arrival,
      }),
    );
  }
  const withChecks = present.filter((p) => p.series.has.checks);
  if (withChecks.length > 0) {
    const checks: ChartSeries[] = [];
    for (const { i, label, series } of withChecks) {
      checks.push({ label: `${label} passed/s`, color: colorOf(i), points: line(series.points, (p) => p.checksPassed), group: i });
      checks.push({ label: `${label} failed/s`, color: colorOf(i), dashed: true, points: line(series.points, (p) => p.checksFailed), group: i });
    }
    charts.push(chart({ ...common, title: 'Checks per second (failed dashed)', yLabel: 'checks / s', series: checks }));
  }
  for (const p of present) if (p.series.has.requests) charts.push(...requestCharts(p, common, present.length > 1));
  const noRequests = present.filter((p) => !p.series.has.requests).map((p) => escapeHtml(p.label));
  const requestNote = noRequests.length > 0 ? `<p class="note">Per-request curves need per-request per-second data, which ${noRequests.join(', ')} does not carry.</p>` : '';
  const cut = downsampled.length > 0 ? `<p class="note">Long run: each point of ${downsampled.map((p) => escapeHtml(p.label)).join(', ')} covers ${downsampled.map((p) => `${p.series.points[1].t - p.series.points[0].t} s`).join(', ')} (rates averaged, p99 the worst second).</p>` : '';
  return `<h2 id="over-time">Over time</h2>${note}${cut}${charts.join('')}${requestNote}`;
}

function requestCharts({ i, label, result, series }: Present, common: Partial<ChartSpec>, several: boolean): string[] {
  const names = Object.keys(result.requests)
    .sort((a, b) => result.requests[b].totals.requests - result.requests[a].totals.requests)
    .slice(0, MAX_REQUEST_CURVES);
  const get = (n: string) => (p: SeriesPoint) => (p.requests && Object.hasOwn(p.requests, n) ? p.requests[n] : undefined);
  const lat: ChartSeries[] = [];
  const rate: ChartSeries[] = [];
  names.forEach((n, k) => {
    const color = PALETTE[(k + 1) % PALETTE.length];
    // Groups per request here, offset past the runs' groups so the legend toggles one request.
    const group = 1000 * (i + 1) + k;
    lat.push({ label: `${n} p50`, color, points: line(series.points, (p) => get(n)(p)?.p50 ?? null), group });
    lat.push({ label: `${n} p99`, color, dashed: true, points: line(series.points, (p) => get(n)(p)?.p99 ?? null), group });
    rate.push({ label: `${n} req/s`, color, points: line(series.points, (p) => get(n)(p)?.reqPerSec ?? null), group });
    if (series.points.some((p) => (get(n)(p)?.errPerSec ?? 0) > 0)) rate.push({ label: `${n} errors/s`, color, dashed: true, points: line(series.points, (p) => get(n)(p)?.errPerSec ?? null), group });
  });
  const who = several ? ` — ${label}` : '';
  const more = Object.keys(result.requests).length > names.length ? ` The ${names.length} busiest of ${Object.keys(result.requests).length} requests.` : '';
  return [
    chart({ ...common, title: `Latency per request${who} (p50 solid, p99 dashed)`, caption: `Per second; a gap where a request had no response.${more}`, yLabel: 'ms', series: lat } as ChartSpec),
    chart({ ...common, title: `Requests per second per request${who}`, caption: `Errors dashed.${more}`, yLabel: 'requests / s', series: rate } as ChartSpec),
  ];
}

function chart(spec: ChartSpec): string {
  return renderChart({ ...spec, width: 1200, height: 280 });
}

/** What the latency chart draws, in words, for a run's model. */
export function modelCaption(model: 'open' | 'closed' | 'mixed', service: boolean): string {
  if (model === 'closed') return 'Closed model: latency runs from the send of each request, so it is the service time (no queue in front of it).';
  const svc = service ? ' Service time (thin) runs from the hand-off to the connection pool: the gap between them is time spent waiting.' : ' (This file carries no per-second service time.)';
  return `${model === 'open' ? 'Open model' : 'Open and closed scenarios'}: latency runs from each request's intended start, so waiting behind a slow server counts.${svc}`;
}

/** A lighter tint of a #rrggbb colour, for the secondary series of a run. */
function shade(hex: string): string {
  const n = Number.parseInt(hex.slice(1), 16);
  const mix = (c: number): number => Math.round(c + (255 - c) * 0.45);
  const r = mix((n >> 16) & 255);
  const g = mix((n >> 8) & 255);
  const b = mix(n & 255);
  return `#${((r << 16) | (g << 8) | b).toString(16).padStart(6, '0')}`;
}
