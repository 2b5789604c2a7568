// `npm run bench -- --workers 2`: client CPU per request of `runner run --workers 1` and `--workers N` against
// the same local target (nginx if installed, else node:http) on its own core. On a 2-core machine the target
// takes one core, so throughput cannot scale here: CPU per request (all threads, user + system, net of
// start-up) is the honest figure. The goal is ≤ 1.1× the one-worker cost. Rounds interleave 1 and N.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunResult } from '../src/result/types.ts';
import { exec, repoRoot } from './clients.ts';
import { findExecutable, startTarget } from './targets.ts';

const runnerBin = join(repoRoot, 'dist', 'cli', 'bin.js');
const signupScenario = join(repoRoot, 'scenarios', 'signup.yaml');

interface WorkersRun {
  workers: number;
  requests: number;
  rps: number;
  cpuUsPerRequest: number;
}

async function runOnce(url: string, workers: number, connections: number, durationMs: number, pin: string[], startupSeconds: number): Promise<WorkersRun> {
  const dir = await mkdtemp(join(tmpdir(), 'runner-bench-workers-'));
  try {
    const out = join(dir, 'r.json');
    const args = [runnerBin, 'run', signupScenario, '--target', url, '--vus', String(connections), '--connections', String(connections)];
    args.push('--duration', `${durationMs}ms`, '--workers', String(workers), '--out', out, '--quiet', '--seed', '1');
    const { cpuSeconds } = await exec(pin, process.execPath, args);
    const r = JSON.parse(await readFile(out, 'utf8')) as RunResult;
    const requests = r.totals.requests;
    return { workers, requests, rps: r.totals.rps, cpuUsPerRequest: (Math.max(0, cpuSeconds - startupSeconds) * 1e6) / requests };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Interleaved rounds of --workers 1 and --workers `n`; returns the report lines. */
export async function benchWorkers(n: number, opts: { connections: number; durationMs: number; rounds: number }): Promise<string> {
  const cores = availableParallelism();
  const target = await startTarget(0);
  // The client gets every core but the target's (all of them on a 1-core machine).
  const taskset = findExecutable('taskset');
  const clientCpus = cores > 1 ? `1-${cores - 1}` : '0';
  const pin = taskset ? [taskset, '-c', clientCpus] : [];
  try {
    // Start-up and exit CPU of each setup (a run of one iteration, its threads started), subtracted from its runs.
    const startup = async (workers: number) => (await exec(pin, process.execPath, [runnerBin, 'run', signupScenario, '--target', target.url, '--iterations', '1', '--quiet', '--workers', String(workers)])).cpuSeconds;
    const startup1 = await startup(1);
    const startupN = await startup(n);
    const runs: WorkersRun[] = [];
    await runOnce(target.url, 1, opts.connections, 1_000, pin, 0); // warm-up
    for (let i = 0; i < opts.rounds; i++) {
      runs.push(await runOnce(target.url, 1, opts.connections, opts.durationMs, pin, startup1));
      runs.push(await runOnce(target.url, n, opts.connections, opts.durationMs, pin, startupN));
    }
    const of = (w: number) => runs.filter((r) => r.workers === w);
    const cpu1 = median(of(1).map((r) => r.cpuUsPerRequest));
    const cpuN = median(of(n).map((r) => r.cpuUsPerRequest));
    return [
      `workers (bench/workers.ts): target ${target.name} on cpu 0, runner on cpus ${clientCpus}, ${opts.connections} VUs, ${opts.durationMs / 1000} s × ${opts.rounds} rounds`,
      `  --workers 1  ${median(of(1).map((r) => r.rps)).toFixed(0)} req/s  ${cpu1.toFixed(1)} µs CPU/request`,
      `  --workers ${n}  ${median(of(n).map((r) => r.rps)).toFixed(0)} req/s  ${cpuN.toFixed(1)} µs CPU/request`,
      `  CPU per request, ${n} workers ÷ 1: ${(cpuN / cpu1).toFixed(2)}× (goal ≤ 1.1×)`,
    ].join('\n');
  } finally {
    await target.close();
  }
}
