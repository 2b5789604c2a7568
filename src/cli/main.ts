// Builds the commander program and maps every failure to an exit code: user mistakes print a
// diagnostic (no stack) and exit 2; anything else is a bug and exits 1 with its stack.
import { Command, CommanderError } from 'commander';
import { isAbsolute, relative } from 'node:path';
import { ExitCode } from '../exit-codes.ts';
import { isUserError, renderDiagnostic, UserError } from '../errors.ts';
import { createRedactor } from '../report/redact.ts';
import { escapeTerminalText } from '../terminal-text.ts';
import { VERSION } from '../version.ts';
import type { Io } from './io.ts';
import { mapStack } from './mapped-stack.ts';
import { registerCompare } from './commands/compare.ts';
import { registerInit } from './commands/init.ts';
import { registerK8s } from './commands/k8s.ts';
import { registerInspect } from './commands/inspect.ts';
import { registerMerge } from './commands/merge.ts';
import { registerReport } from './commands/report.ts';
import { registerRun } from './commands/run.ts';
import { registerValidate } from './commands/validate.ts';

/** A redactor with no secrets: it still replaces the password of any `scheme://user:pass@` URL. */
const urlPasswords = createRedactor([]);

/**
 * Text for stderr that did not come from runner alone (argv, a scenario line, an error's stack): each line
 * escaped for the terminal, and the password of any `scheme://user:pass@` URL redacted. A diagnostic can be
 * raised before the plan (and its redactor) exists, e.g. a YAML error on the line holding the target URL.
 */
function printable(text: string): string {
  const redacted = urlPasswords.text(text);
  return redacted
    .split('\n')
    .map((line) => escapeTerminalText(line))
    .join('\n');
}

/** A command's action stores its exit code here; commander itself only knows success. */
export interface CommandResult {
  code: number;
  /** Commander printed its own error message (a parse error); set through its output hook. */
  errorPrinted?: boolean;
}

export function createProgram(io: Io, result: CommandResult): Command {
  const program = new Command('runner')
    .description('Scripted HTTP load tests: YAML or TypeScript scenarios, honest latency, comparable results.')
    .version(VERSION, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
      outputError: (s, write) => {
        result.errorPrinted = true;
        write(printable(s));
      },
    });
  registerRun(program, io, result);
  registerValidate(program, io, result);
  registerInspect(program, io, result);
  registerInit(program, io, result);
  registerK8s(program, io, result);
  registerCompare(program, io, result);
  registerMerge(program, io, result);
  registerReport(program, io, result);
  return program;
}

export async function main(io: Io): Promise<number> {
  const result: CommandResult = { code: ExitCode.ok };
  const program = createProgram(io, result);
  try {
    await program.parseAsync(io.argv, { from: 'user' });
    return result.code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version are exits too, with code 0.
      if (err.exitCode === 0) return ExitCode.ok;
      // A flag value rejected inside an action (--out kind, --fail-on request name): commander never printed it.
      if (!result.errorPrinted) io.stderr.write(`error: ${printable(err.message)}\n`);
      return ExitCode.userError;
    }
    if (isUserError(err)) {
      const display = (file: string): string => {
        const rel = relative(io.cwd, file);
        return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
      };
      // URL passwords out first (createRedactor redacts them whatever its secrets), then escaped by renderDiagnostic.
      const safe = urlPasswords.error(new UserError(err.diagnostics)) as UserError;
      for (const d of safe.diagnostics) io.stderr.write(renderDiagnostic(d, display) + '\n');
      return ExitCode.userError;
    }
    const stack = err instanceof Error ? (err.stack === undefined ? err.message : mapStack(err.stack)) : String(err);
    io.stderr.write(`runner: internal error (a bug in runner, please report it):\n${printable(stack)}\n`);
    return ExitCode.internal;
  }
}
