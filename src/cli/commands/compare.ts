// `runner compare <base.json> <candidate.json> [more…]`: its flags; the work is in compare-command.ts, loaded when
// the command runs.
import type { Command } from 'commander';
import type { Io } from '../io.ts';
import type { CommandResult } from '../main.ts';
import { collectBudget } from '../options.ts';
import type { CompareFlags } from './compare-command.ts';

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
      const { compareCommand } = await import('./compare-command.ts');
      result.code = await compareCommand(io, [base, ...candidates], flags);
    });
}
