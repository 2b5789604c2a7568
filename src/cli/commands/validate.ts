// `runner validate <file>`: every check `run` makes before the first request, and no traffic.
// The checks are in validate-command.ts, loaded when the command runs.
import type { Command } from 'commander';
import type { Io } from '../io.ts';
import type { CommandResult } from '../main.ts';
import { addLoadFlags, parseUrlFlag } from '../options.ts';
import type { ValidateFlags } from './validate-command.ts';

export function registerValidate(program: Command, io: Io, result: CommandResult): void {
  const command = program
    .command('validate')
    .description('check a scenario file without sending any request; with load flags, the load `run` would run with them')
    .argument('<file>', 'scenario file')
    .option('--typecheck', 'also type-check a TypeScript scenario with the TypeScript compiler (an optional peer dependency)')
    .option('--target <url>', "base URL, as run takes it; overrides the scenario's target", parseUrlFlag('--target'));
  addLoadFlags(command)
    .action(async (file: string, flags: ValidateFlags) => {
      const { validateCommand } = await import('./validate-command.ts');
      result.code = await validateCommand(io, file, flags);
    });
}
