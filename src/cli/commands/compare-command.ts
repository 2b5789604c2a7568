// `runner compare`'s work: read the result files, compare them, print the table (or JSON), check the budgets.
import { ExitCode } from '../../exit-codes.ts';
import { checkBudgets, type Budget } from '../../report/budget.ts';
import { compareResults } from '../../report/compare.ts';
import { renderSpectrumPlot } from '../../report/plot.ts';
import { renderComparison } from '../../report/render-compare.ts';
import { escapeTerminalText } from '../../terminal-text.ts';
import { readRunResult } from '../../report/read-result.ts';
import { useColor, type Io } from '../io.ts';
import { resolve } from 'node:path';

export interface CompareFlags {
  failOn?: Budget[];
  plot?: boolean;
  json?: boolean;
  color?: boolean;
}

/** `files[0]` is the base, the rest candidates; returns the exit code. */
export async function compareCommand(io: Io, files: string[], flags: CompareFlags): Promise<number> {
  const results = [];
  for (const f of files) results.push(await readRunResult(resolve(io.cwd, f), f));
  const comparison = compareResults(results, files);
  const { breaches, withinNoise } = checkBudgets(comparison, flags.failOn ?? []);
  if (flags.json) {
    // stdout stays pure JSON (warnings are in it too); a person reading the terminal still sees them.
    for (const w of comparison.warnings) io.stderr.write(`warning: ${escapeTerminalText(w)}\n`);
    io.stdout.write(JSON.stringify({ ...comparison, budgets: { exceeded: breaches, withinNoise } }, null, 2) + '\n');
  } else {
    const color = useColor(io, io.stdout, flags.color);
    io.stdout.write(renderComparison(comparison, { color, breaches, withinNoise }) + '\n');
    if (flags.plot) {
      io.stdout.write('\n' + renderSpectrumPlot(results.map((r, i) => ({ label: files[i], hdr: r.latency.hdr })), { color }) + '\n');
    }
  }
  return breaches.length > 0 ? ExitCode.thresholdsFailed : ExitCode.ok;
}
