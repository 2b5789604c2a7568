// The verdicts of `runner compare` in the HTML report: each candidate against the first file (the base), per
// request and in total, with the same statistics, changes and noise-aware verdicts as the terminal table.
import { compareResults, compareStats, type CompareRow } from './compare.ts';
import { colorOf, swatch, type ReportInput } from './html-tables.ts';
import { direction, formatPct, formatValue, labels, verdictText } from './render-compare.ts';
import { escapeHtml } from './svg-chart.ts';

const verdictClass = (v: string): string => (v === 'regression' ? 'bad' : v === 'improvement' ? 'good' : v === 'mixed' ? 'warn' : '');

export function compareSection(inputs: readonly ReportInput[]): string {
  if (inputs.length < 2) return '';
  const c = compareResults(
    inputs.map((x) => x.result),
    inputs.map((x) => x.label),
  );
  // With one request name its row equals the total: show the total only.
  const rows: CompareRow[] = c.rows.length === 2 ? [{ ...c.rows[1], name: `total (${c.rows[0].name})` }] : c.rows;
  const warnings = c.warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join('');
  const blocks: string[] = [];
  for (let k = 1; k < inputs.length; k++) {
    const body: string[] = [];
    for (const row of rows) {
      const verdict = row.verdicts[k - 1];
      const has = (run: number): boolean => row.values.count[run] !== null;
      const change = row.changes[k - 1];
      const baseCells = compareStats.map((s) => `<td>${escapeHtml(formatValue(s, row.values[s][0], has(0)))}</td>`).join('');
      const candCells = compareStats
        .map((s) => {
          const value = escapeHtml(formatValue(s, row.values[s][k], has(k)));
          if (!change) return `<td>${value}</td>`;
          const d = direction(s, change[s]);
          const cls = d < 0 ? 'bad' : d > 0 ? 'good' : '';
          const v = verdictText(s, change[s]);
          return `<td class="${cls}">${value}<br><small class="${cls}">${escapeHtml(formatPct(change[s]))}${v ? ` ${escapeHtml(v)}` : ''}</small></td>`;
        })
        .join('');
      body.push(
        `<tr class="first"><th rowspan="2">${escapeHtml(row.name)}</th><td rowspan="2" class="verdict ${verdictClass(verdict)}">${escapeHtml(verdict)}</td><td>${swatch(0)}base</td>${baseCells}</tr>` +
          `<tr><td>${swatch(k)}${inputs.length > 2 ? `run ${k + 1}` : 'candidate'}</td>${candCells}</tr>`,
      );
    }
    const head = ['request', 'verdict', 'run', ...compareStats.map((s) => escapeHtml(labels[s]))].map((h) => `<th>${h}</th>`).join('');
    blocks.push(
      `<h3><span class="swatch" style="background:${colorOf(k)}"></span>${escapeHtml(inputs[k].label)} against ${escapeHtml(inputs[0].label)}</h3><div class="scroll"><table class="compare"><thead><tr>${head}</tr></thead><tbody>${body.join('')}</tbody></table></div>`,
    );
  }
  return (
    `<h2 id="compare">Compared with ${escapeHtml(inputs[0].label)}</h2>` +
    `<p class="note">As <code>runner compare</code>: each statistic of a candidate against the first file, with a verdict from a bootstrap of the two histograms (99 % interval, ≥ 1 % change); “~” is within noise. A request is a regression when a statistic got worse beyond noise and none got better.</p>` +
    (warnings ? `<ul class="bad">${warnings}</ul>` : '') +
    blocks.join('')
  );
}
