// `runner compare <base.json> <candidate.json> [more…]`: side-by-side numbers, noise-aware verdicts, budgets.
import type { Command } from 'commander';
import { ExitCode } from '../../exit-codes.ts';
import { checkBudgets, collectBudget, type Budget } from '../../report/budget.ts';
import { compareResults } from '../../report/compare.ts';
import { renderSpectrumPlot } from '../../report/plot.ts';
import { renderComparison } from '../../report/render-compare.ts';
import { escapeTerminalText } from '../../terminal-text.ts';
import { readRunResult } from '../../report/read-result.ts';
import { useColor, type Io } from '../io.ts';
import type { CommandResult } from '../main.ts';
import { resolve } from 'node:path';

interface CompareFlags {
  failOn?: Budget[];
  plot?: boolean;
  json?: boolean;
  color?: boolean;
}

export function registerCompare(program: Command, io: Io, result: CommandResult): void {
  program
    .command('compare')
    .description('compare result files: the first is the base, each other one a candidate')
    .argument('<base>', 'base result file (runner run --out)')
    .argument('<candidates...>', 'one or more candidate result files')
    .option('--fail-on <budget>', "exit 99 when a candidate exceeds it, e.g. 'p99>+10%', 'errors>+0.5pp', 'rps<-5%' (repeatable)", collectBudget)
    .option('--plot', 'also draw latency by percentile (log nines axis), one series per run')
    .option('--json', 'print the comparison as JSON')
    .option('--no-color', 'no colour in the output')
    .action(async (base: string, candidates: string[], flags: CompareFlags) => {
      const files = [base, ...candidates];
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
      result.code = breaches.length > 0 ? ExitCode.thresholdsFailed : ExitCode.ok;
    });
}
