// `runner merge <a.json> <b.json> [more…] [--out merged.json]`: its flags; the work is in merge-command.ts,
// loaded when the command runs.
import type { Command } from 'commander';
import type { Io } from '../io.ts';
import type { CommandResult } from '../main.ts';
import { parseOnce } from '../options.ts';
import type { MergeFlags } from './merge-command.ts';

export function registerMerge(program: Command, io: Io, result: CommandResult): void {
  program
    .command('merge')
    .description('merge the result files of one run cut into segments (runner run --segment i/n) into one result')
    .argument('<results...>', 'result files, one per segment (runner run --out)')
    .option('--out <file>', 'write the merged result here (atomically)', parseOnce('--out'))
    .option('--allow-partial', 'merge a set that lacks some segments; the merged result says which')
    .option('-q, --quiet', 'no summary on stdout')
    .option('--no-color', 'no colour in the output')
    .action(async (files: string[], flags: MergeFlags) => {
      const { mergeCommand } = await import('./merge-command.ts');
      result.code = await mergeCommand(io, files, flags);
    });
}
