// `npm run demo`: runs scenarios/signup.yaml against an in-process example API and checks, like the original
// Go test did, that every signup runner saw succeed is a user the server stored.
// Runs as <repo>/dist/example/demo.js; extra arguments (`npm run demo -- --iterations 500`) go to `runner run`.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ExitCode } from '../exit-codes.ts';
import type { RunResult } from '../report/result-types.ts';
import { createExampleApi } from './api.ts';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const bin = join(repo, 'dist', 'cli', 'bin.js');
const scenario = join(repo, 'scenarios', 'signup.yaml');

/** Runs `runner run …` with inherited stdio; resolves to its exit code (130 when killed by a signal). */
function runRunner(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, 'run', ...args], { stdio: 'inherit' });
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal !== null ? ExitCode.interrupted : ExitCode.internal)));
  });
}

/** `totals.byStatus["200"]` of the result file, or undefined when runner wrote none. */
async function readOkCount(file: string): Promise<number | undefined> {
  if (!existsSync(file)) return undefined;
  const result = JSON.parse(await readFile(file, 'utf8')) as RunResult;
  return result.totals?.byStatus?.['200'] ?? 0;
}

async function demo(): Promise<number> {
  if (!existsSync(bin)) {
    process.stderr.write(`demo: ${bin} not found; run \`npm run build\` first\n`);
    return ExitCode.internal;
  }
  // Ctrl-C reaches runner too (same process group); it stops and writes its result, which we still compare.
  process.on('SIGINT', () => {});
  const api = createExampleApi();
  try {
    const target = await api.listen();
    const out = join(await mkdtemp(join(tmpdir(), 'runner-demo-')), 'demo-result.json');
    process.stdout.write(`demo: example API on ${target}\n`);
    const code = await runRunner([scenario, '--target', target, '--out', out, ...process.argv.slice(2)]);
    const stored = api.users().size;
    const counted = await readOkCount(out);
    if (counted === undefined) {
      process.stdout.write(`demo: runner exited ${code} without writing ${out}; server stored ${stored} users\n`);
      return code === ExitCode.ok ? ExitCode.internal : code;
    }
    const match = stored === counted;
    process.stdout.write(
      `server stored ${stored} users; runner counted ${counted} × 200 — ${match ? 'match' : 'MISMATCH'}\n` +
        `demo: result file ${out}\n`,
    );
    if (code !== ExitCode.ok) return code;
    return match ? ExitCode.ok : ExitCode.internal;
  } finally {
    await api.close();
  }
}

process.exitCode = await demo();
