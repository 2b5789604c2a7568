// Runs the CLI in this process through main(io) with a captured Io: the same code path as the built binary
// minus Node's start-up (~0.5 s a spawn here). For user errors and other cases where no real process matters.
import type { Io } from '../../src/cli/io.ts';
import { main } from '../../src/cli/main.ts';

export interface InProcessResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface InProcessOptions {
  cwd: string;
  /** The whole environment the command sees (NO_COLOR=1 is added). */
  env?: Record<string, string | undefined>;
}

/** `runner ...args` in-process; signals are never delivered. */
export async function runInProcess(args: string[], opts: InProcessOptions): Promise<InProcessResult> {
  let stdout = '';
  let stderr = '';
  const io: Io = {
    argv: args,
    env: { NO_COLOR: '1', ...opts.env },
    cwd: opts.cwd,
    stdout: { write: (t) => void (stdout += t), isTTY: false },
    stderr: { write: (t) => void (stderr += t), isTTY: false },
    onSignal: () => () => {},
  };
  const code = await main(io);
  return { code, stdout, stderr };
}
