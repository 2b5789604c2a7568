// `runner report <result.json> [more…] -o report.html`: its flags; the work is in report-command.ts, loaded when
// the command runs.
import type { Command } from 'commander';
import type { Io } from '../io.ts';
import type { CommandResult } from '../main.ts';
import { parseOnce } from '../options.ts';

export function registerReport(program: Command, io: Io, result: CommandResult): void {
  program
    .command('report')
    .description('write one self-contained HTML report (no network) for one or more result files, overlaid')
    .argument('<results...>', 'result files (runner run --out)')
    .requiredOption('-o, --output <file>', 'the HTML file to write', parseOnce('-o'))
    .action(async (files: string[], flags: { output: string }) => {
      const { reportCommand } = await import('./report-command.ts');
      result.code = await reportCommand(io, files, flags.output);
    });
}
