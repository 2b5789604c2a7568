// Runs the CLI in this process (`main(io)`) with a fake Io that collects what it printed: no spawn, same code path.
import { main } from '../../src/cli/main.ts';
import type { Io } from '../../src/cli/io.ts';

export interface InProcessResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `runner ...args` in process, from `cwd`, with NO_COLOR set and no TTY. */
export async function runInProcess(args: string[], cwd: string, env: Record<string, string> = {}): Promise<InProcessResult> {
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
