// Spawns the built CLI (`dist/cli/bin.js`) the way a user would, and reads what it printed and wrote.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunResult } from '../../src/result/types.ts';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const binPath = join(repoRoot, 'dist', 'cli', 'bin.js');
export const signupScenario = join(repoRoot, 'scenarios', 'signup.yaml');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Working directory (default: the repo root). */
  cwd?: string;
  /** Killed (SIGKILL, by its pid) after this long. */
  timeoutMs?: number;
  /** Added to the environment (NO_COLOR=1 is always set). */
  env?: Record<string, string>;
  /** Another build of the CLI (default: this repo's dist/cli/bin.js). */
  bin?: string;
}

/** Runs `node dist/cli/bin.js ...args`; never rejects on a non-zero exit. */
export function runCli(args: string[], opts: CliOptions = {}): Promise<CliResult> {
  const bin = opts.bin ?? binPath;
  if (!existsSync(bin)) throw new Error(`${bin} not found: run \`npm run build\` first`);
  return spawnCollect(process.execPath, [bin, ...args], opts);
}

/** Runs any command (NO_COLOR=1 added), collecting its output; SIGKILLed by its pid after the timeout (60 s). */
export function spawnCollect(command: string, args: string[], opts: Omit<CliOptions, 'bin'> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: opts.cwd ?? repoRoot, env: { ...process.env, NO_COLOR: '1', ...opts.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** A fresh temp directory; `cleanup()` removes it. */
export async function tempDir(prefix: string): Promise<{ dir: string; cleanup(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export async function readResult(file: string): Promise<RunResult> {
  return JSON.parse(await readFile(file, 'utf8')) as RunResult;
}

export function sum(record: Record<string, number>): number {
  let n = 0;
  for (const k in record) n += record[k];
  return n;
}
