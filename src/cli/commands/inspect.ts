// `runner inspect <file>`: the plan and the first iterations' requests exactly as `run` would send them; no traffic.
// The work is in inspect-command.ts, loaded when the command runs.
import type { Command } from 'commander';
import type { Io } from '../io.ts';
import type { CommandResult } from '../main.ts';
import { addLoadFlags, parsePositiveInt, parseSeed, parseUrlFlag } from '../options.ts';
import type { InspectFlags } from './inspect-command.ts';

export function registerInspect(program: Command, io: Io, result: CommandResult): void {
  const command = program
    .command('inspect')
    .description('print the plan and the first iterations\' requests (method, URL, headers, body) as run would send them, sending nothing')
    .argument('<file>', 'scenario file')
    .option('--sample <n>', 'iterations shown per scenario (default 5)', parsePositiveInt('--sample', 1, 1000))
    .option('--seed <n>', 'PRNG seed, as run takes it (default: the scenario\'s seed, else 1)', parseSeed)
    .option('--json', 'print JSON instead of text')
    .option('--show-secrets', 'print values from the environment as sent (they are redacted by default)')
    .option('--target <url>', "base URL, as run takes it; overrides the scenario's target", parseUrlFlag('--target'));
  addLoadFlags(command).action(async (file: string, flags: InspectFlags) => {
    const { inspectCommand } = await import('./inspect-command.ts');
    result.code = await inspectCommand(io, file, flags);
  });
}
