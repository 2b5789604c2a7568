// Runs the CLI in this process (main(io) with a fake Io): for user-error cases, no process to spawn.
import { main } from '../../src/cli/main.ts';
import type { Io } from '../../src/cli/io.ts';

export interface InProcessResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `runner ...argv` in `cwd`, stdout/stderr captured, no TTY, no signals. */
export async function runInProcess(argv: string[], cwd: string, env: Record<string, string> = {}): Promise<InProcessResult> {
  let stdout = '';
  let stderr = '';
  const io: Io = {
    argv,
    env: { NO_COLOR: '1', ...env },
    cwd,
    stdout: { write: (t) => void (stdout += t), isTTY: false },
    stderr: { write: (t) => void (stderr += t), isTTY: false },
    onSignal: () => () => undefined,
  };
  const code = await main(io);
  return { code, stdout, stderr };
}
