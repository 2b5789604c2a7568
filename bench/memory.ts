// Peak RSS of `runner run scenarios/signup.yaml` at 64 connections against the pinned target (nginx when
// installed), for one or more builds of the CLI, interleaved round by round (A B A B …): median and largest
// peak RSS, and req/s, per build. Usage:
//   node --import tsx bench/memory.ts [--rounds 5] [--seconds 4] [--connections 64] [--bin dist/cli/bin.js …]
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from './clients.ts';
import { startTarget } from './targets.ts';

export interface MemoryRun {
  peakRssMiB: number;
  rps: number;
}

/** One run of `bin` under bench/rss-probe.mjs, pinned to CPU `cpu`. */
export async function runOnce(bin: string, url: string, connections: number, seconds: number, cpu: number): Promise<MemoryRun> {
  const dir = await mkdtemp(join(tmpdir(), 'runner-bench-mem-'));
  try {
    const rssFile = join(dir, 'rss');
    const out = join(dir, 'r.json');
    const args = ['-c', String(cpu), process.execPath, '--import', join(repoRoot, 'bench', 'rss-probe.mjs'), bin, 'run', join(repoRoot, 'scenarios', 'signup.yaml')];
    args.push('--target', url, '--vus', String(connections), '--connections', String(connections), '--duration', `${seconds}s`, '--quiet', '--seed', '1', '--out', out);
    await new Promise<void>((done, fail) => {
      const child = spawn('taskset', args, { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, RUNNER_BENCH_RSS_FILE: rssFile } });
      child.once('error', fail);
      child.once('close', (code) => (code === 0 ? done() : fail(new Error(`${bin} exited ${code}`))));
    });
    const r = JSON.parse(await readFile(out, 'utf8')) as { totals: { requests: number }; durationMs: number };
    return { peakRssMiB: Number(await readFile(rssFile, 'utf8')) / 1024, rps: r.totals.requests / (r.durationMs / 1000) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: { rounds: { type: 'string', default: '5' }, seconds: { type: 'string', default: '4' }, connections: { type: 'string', default: '64' }, bin: { type: 'string', multiple: true } },
  });
  const bins = (values.bin ?? [join(repoRoot, 'dist', 'cli', 'bin.js')]).map((b) => resolve(b));
  const target = await startTarget(0);
  try {
    const runs: MemoryRun[][] = bins.map(() => []);
    for (let round = 0; round < Number(values.rounds); round++)
      for (const [i, bin] of bins.entries()) runs[i].push(await runOnce(bin, target.url, Number(values.connections), Number(values.seconds), 1));
    process.stdout.write(`peak RSS of runner run signup.yaml, ${values.connections} connections, ${values.seconds} s, ${values.rounds} interleaved rounds (${target.name}):\n`);
    for (const [i, bin] of bins.entries()) {
      const rss = runs[i].map((r) => r.peakRssMiB);
      process.stdout.write(`  ${median(rss).toFixed(1).padStart(6)} MiB median, ${Math.max(...rss).toFixed(1).padStart(6)} max, ${median(runs[i].map((r) => r.rps)).toFixed(0).padStart(7)} req/s   ${bin}\n`);
    }
  } finally {
    await target.close();
  }
}
