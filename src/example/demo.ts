// `npm run demo`: runs scenarios/signup.yaml against an in-process example API and checks, like the original
// Go test did, that every signup runner saw succeed is a user the server stored. `npm run demo -- chat` runs
// scenarios/chat.yaml against the API's WebSocket chat and checks runner's delivery count against the server's.
// Runs as <repo>/dist/example/demo.js; extra arguments (`npm run demo -- --iterations 500`) go to `runner run`,
// except a result file (`--out r.json`), which the demo reads instead of its own temp file.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ExitCode } from '../exit-codes.ts';
import type { RunResult } from '../result/types.ts';
import { createExampleApi } from './api.ts';
import { splitDemoArgs } from './demo-args.ts';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const bin = join(repo, 'dist', 'cli', 'bin.js');
const scenarios = { signup: join(repo, 'scenarios', 'signup.yaml'), chat: join(repo, 'scenarios', 'chat.yaml') };

/** Runs `runner run …` with inherited stdio; resolves to its exit code (130 when killed by a signal). */
function runRunner(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, 'run', ...args], { stdio: 'inherit' });
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal !== null ? ExitCode.interrupted : ExitCode.internal)));
  });
}

/** The file's modification time, or undefined when it does not exist. */
async function modifiedMs(file: string): Promise<number | undefined> {
  return (await stat(file).catch(() => undefined))?.mtimeMs;
}

/**
 * `totals.byStatus["200"]` of the result file, or undefined when runner wrote none (a file the user named with
 * --out may be left from an earlier run: it counts only when this run rewrote it).
 */
async function readResult(file: string, before: number | undefined): Promise<RunResult | undefined> {
  const now = await modifiedMs(file);
  if (now === undefined || now === before) return undefined;
  return JSON.parse(await readFile(file, 'utf8')) as RunResult;
}

async function demo(): Promise<number> {
  if (!existsSync(bin)) {
    process.stderr.write(`demo: ${bin} not found; run \`npm run build\` first\n`);
    return ExitCode.internal;
  }
  // A reader that went away (`npm run demo | head -1`) must not crash the demo before it reports.
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
  // Ctrl-C reaches runner too (same process group); it stops and writes its result, which we still compare.
  // So does the SIGHUP of a closed terminal: the API must outlive runner's stop to answer its last requests.
  process.on('SIGINT', () => {});
  process.on('SIGHUP', () => {});
  const api = createExampleApi();
  try {
    const target = await api.listen();
    const args = splitDemoArgs(process.argv.slice(2), process.env.INIT_CWD ?? process.cwd());
    const out = args.out ?? join(await mkdtemp(join(tmpdir(), 'runner-demo-')), 'demo-result.json');
    process.stdout.write(`demo: example API on ${target}\n`);
    const before = await modifiedMs(out);
    const code = await runRunner([scenarios[args.demo], '--target', target, '--out', out, ...args.rest]);
    const stored = api.users().size;
    const result = await readResult(out, before);
    if (result === undefined) {
      process.stdout.write(`demo: runner exited ${code} without writing ${out}; server stored ${stored} users\n`);
      return code === ExitCode.ok ? ExitCode.internal : code;
    }
    let match: boolean;
    if (args.demo === 'chat') {
      // Presence announcements are not tracked messages: compare the relayed chat messages with runner's deliveries.
      const chat = api.chatStats();
      const d = result.ws?.delivery;
      match = d !== undefined && chat.messagesDelivered === d.delivered && d.lost === 0;
      process.stdout.write(
        `server relayed ${chat.messagesDelivered} messages; runner counted ${d?.delivered ?? 0} delivered, ${d?.lost ?? 0} lost ` +
          `(delivery p50 ${d?.latency.p50 ?? 0} ms, p99 ${d?.latency.p99 ?? 0} ms) — ${match ? 'match' : 'MISMATCH'}\n` +
          `demo: result file ${out}\n`,
      );
    } else {
      const counted = result.totals?.byStatus?.['200'] ?? 0;
      match = stored === counted;
      process.stdout.write(
        `server stored ${stored} users; runner counted ${counted} × 200 — ${match ? 'match' : 'MISMATCH'}\n` +
          `demo: result file ${out}\n`,
      );
    }
    if (code !== ExitCode.ok) return code;
    return match ? ExitCode.ok : ExitCode.internal;
  } finally {
    await api.close();
  }
}

process.exitCode = await demo();
