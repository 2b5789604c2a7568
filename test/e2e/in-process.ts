// Runs the CLI inside the test process (`main(io)` with a fake Io): the same parsing, loading and exit codes as
// the built binary, without a Node start-up per case. Use runCli (cli.ts) where a real process matters.
import { main } from '../../src/cli/main.ts';
import type { Io } from '../../src/cli/io.ts';

export interface InProcessResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `runner ...args` in `cwd`, NO_COLOR set, no TTY, no signals; never rejects on a non-zero exit. */
export async function runInProcess(args: string[], cwd: string, env: Record<string, string | undefined> = {}): Promise<InProcessResult> {
  let stdout = '';
  let stderr = '';
  const io: Io = {
    argv: args,
    env: { NO_COLOR: '1', ...env },
    cwd,
    stdout: { write: (t) => void (stdout += t), isTTY: false },
    stderr: { write: (t) => void (stderr += t), isTTY: false },
    onSignal: () => () => undefined,
  };
  const code = await main(io);
  return { code, stdout, stderr };
}
