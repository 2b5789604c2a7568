// `runner report`: one self-contained HTML page (inline CSS, inline SVG, a few lines of inline script; no
// network) for one or more result files, laid out as a performance engineer reads a run: verdicts first
// (thresholds, checks, runner's self-check), then the numbers, the distribution, the run over time, and with
// several files the verdicts of `runner compare`.
import { compareSection } from './html-compare.ts';
import { distributionCharts } from './html-distribution.ts';
import { breakdownTable, checksTable, runFacts, runModel, selfCheckTable, summaryTable, thresholdsTable, type ReportInput } from './html-tables.ts';
import { wsSection } from './html-ws.ts';
import { modelCaption, timeCharts } from './html-time.ts';
import { escapeHtml } from './svg-chart.ts';

export type { ReportInput } from './html-tables.ts';

const CSS = `
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
main{max-width:1600px;margin:0 auto;padding:20px 24px 48px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:32px 0 8px;padding-bottom:4px;border-bottom:1px solid #d9dde3}
h3{font-size:15px;margin:18px 0 6px}
nav{margin:8px 0 0;font-size:13px}nav a{margin-right:14px;color:#2a5db0;text-decoration:none}
.subtitle{color:#4a5363;margin:4px 0}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;margin:6px 0;background:#fff}th,td{padding:4px 10px;border-bottom:1px solid #eceef1;text-align:right;white-space:nowrap;vertical-align:top}
thead th{background:#f0f2f5;font-weight:600}
th:first-child,td:first-child,td:nth-child(2){text-align:left}td.total{font-weight:600}td.wrap{white-space:normal;min-width:180px}
table.facts{width:100%}table.facts td.wrap{min-width:120px;overflow-wrap:anywhere}
table.compare tr.first td,table.compare tr.first th{border-top:2px solid #d9dde3}td.verdict{font-weight:600;text-transform:uppercase;font-size:12px}
.bad{color:#c0262d}.good{color:#1d7a35}.warn{color:#a86200}.note{color:#5c6575}small{color:#7a8291}small.bad{color:#c0262d}small.good{color:#1d7a35}
.swatch{display:inline-block;width:10px;height:10px;margin-right:6px;border-radius:2px;vertical-align:baseline}
.swatch.dashed{background-image:linear-gradient(90deg,transparent 50%,#fff 50%)!important;background-size:4px 100%}
.marker{margin-right:6px;font-size:10px}
.chart{margin:14px 0;padding:10px 12px 6px;background:#fff;border:1px solid #e3e6ea;border-radius:6px;min-width:0}
.chart figcaption{font-weight:600}.chart .caption{color:#5c6575;font-size:13px;margin:2px 0 4px}
.chart svg{display:block;width:100%;height:auto}
.pair{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:0 16px}
.grid{stroke:#edf0f3}.frame{fill:none;stroke:#a9b0ba}.tick,.axis{font-size:12px;fill:#4a5363}
.partial{fill:#f3d9a4;fill-opacity:.45}.partial-label{font-size:11px;fill:#8a5a00}
.legend{margin-top:4px}.legend-item{border:1px solid #dde1e6;background:#fafbfc;border-radius:3px;margin:2px;padding:1px 8px;cursor:pointer;font:inherit;font-size:12px}
.legend-item.off{opacity:.4}.series.off,.area.off{display:none}
`;

/** Legend buttons hide/show a group's series in every chart; the page marks itself ready with the number of drawn series. */
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

/** What the page's latencies mean, for the subtitle: true for closed, open and mixed runs. */
function subtitle(inputs: readonly ReportInput[]): string {
  const models = inputs.map((x) => runModel(x.result));
  const same = models.every((m) => m === models[0]);
  if (same) return modelCaption(models[0], models[0] !== 'closed');
  return inputs.map((x, i) => `${x.label}: ${modelCaption(models[i], models[i] !== 'closed')}`).join(' ');
}

/** The whole page. */
export function renderHtmlReport(inputs: readonly ReportInput[], generatedAt = new Date()): string {
  const title = inputs.length === 1 ? `runner report: ${inputs[0].result.scenario.name}` : `runner report: ${inputs.length} runs`;
  const warnings = inputs.flatMap((x) => x.result.warnings.map((w) => `<li>${escapeHtml(x.label)}: ${escapeHtml(w)}</li>`));
  const thresholds = thresholdsTable(inputs);
  const checks = checksTable(inputs);
  const compare = compareSection(inputs);
  const ws = wsSection(inputs);
  const nav = [
    ...(compare ? [['compare', 'Comparison']] : []),
    ...(thresholds ? [['thresholds', 'Thresholds']] : []),
    ...(checks ? [['checks', 'Checks']] : []),
    ['summary', 'Summary'],
    ['distribution', 'Distribution'],
    ['over-time', 'Over time'],
    ...(ws ? [['ws', 'WebSockets']] : []),
    ['runner', 'runner itself'],
  ]
    .map(([id, text]) => `<a href="#${id}">${text}</a>`)
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title><style>${CSS}</style></head>
<body><main>
<h1>${escapeHtml(title)}</h1>
<p class="subtitle">${escapeHtml(subtitle(inputs))} Latencies in ms.</p>
<p class="note">Generated ${escapeHtml(generatedAt.toISOString())} from ${inputs.map((x) => escapeHtml(x.label)).join(', ')}.</p>
<nav>${nav}</nav>
<h2>Runs</h2>${runFacts(inputs)}
${warnings.length > 0 ? `<ul class="bad">${warnings.join('')}</ul>` : ''}
${compare}
${thresholds}
${checks}
<h2 id="summary">Summary</h2>${summaryTable(inputs)}
<h2>Statuses and errors</h2>${breakdownTable(inputs)}
<h2 id="distribution">Latency distribution</h2>${distributionCharts(inputs)}
${timeCharts(inputs)}
${ws}
<h2 id="runner">runner itself</h2><p class="note">Whether the numbers describe the server or runner: when runner was saturated (a busy event loop, CPU, late starts), the latencies include runner's own delay.</p>${selfCheckTable(inputs)}
<script>${SCRIPT}</script>
</main></body></html>
`;
}
