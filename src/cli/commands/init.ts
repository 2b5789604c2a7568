// `runner init [name] [--ts]`: writes a commented starter scenario and its template; never overwrites a file.
// The work is in init-command.ts, loaded when the command runs.
import type { Command } from 'commander';
import type { Io } from '../io.ts';
import type { CommandResult } from '../main.ts';

export function registerInit(program: Command, io: Io, result: CommandResult): void {
  program
    .command('init')
    .description('write a commented starter scenario (and its body template) that runs against the bundled example API; never overwrites a file')
    .argument('[name]', 'file name without extension, optionally in a folder (default: loadtest)')
    .option('--ts', 'a TypeScript scenario instead of YAML')
    .action(async (name: string | undefined, flags: { ts?: boolean }) => {
      const { initCommand } = await import('./init-command.ts');
      result.code = initCommand(io, name ?? 'loadtest', flags);
    });
}
