// `npm run bench -- --workers 2` (and part of `npm run bench`): client CPU per request of `runner run --workers 1`
// and `--workers N` against the same local target (nginx if installed, else node:http) on core 0, the client on
// the other cores; beside it the control: the bare undici dispatch loop (bench/undici-threads.mjs) in 1 and N
// threads, split as runner splits. On a 2-core machine the target takes one core, so the N threads share one
// client core; what the control pays there is what two event loops on one core cost with no runner code at all.
// CPU per request is marginal: (CPU of a long run − CPU of a 2 s run) ÷ (their request difference), so start-up,
// thread creation, compilation, JIT warm-up and the end-of-run merge (all per thread, all fixed) cancel out. The
// 2 s run of each setup is taken once (the smaller CPU per request of two); rounds of long runs interleave the
// four setups. (With a 1 s short run the two-worker warm-up, which took 2–4 s on the loaded machine, fell into the
// difference and made the figure meaningless, even negative.) Goal: runner's N-worker cost ≤ 1.1× its 1-worker cost.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunResult } from '../src/result/types.ts';
import { exec, repoRoot } from './clients.ts';
import { findExecutable, startTarget } from './targets.ts';

const runnerBin = join(repoRoot, 'dist', 'cli', 'bin.js');
const signupScenario = join(repoRoot, 'scenarios', 'signup.yaml');
/** The short run subtracted from each long one; the long one must be at least SHORT_MS + MIN_MARGIN_MS. */
const SHORT_MS = 2_000;
const MIN_MARGIN_MS = 2_000;
const BODY = '{"userId":"aBcDeFgH","userName":"김민준","email":"abcde@gmail.com","userPw":"aBcDeFgHiJ"}';

type Setup = { tool: 'runner' | 'undici'; threads: number };

interface Measured {
  requests: number;
  cpuSeconds: number;
}

async function runRunner(url: string, threads: number, connections: number, durationMs: number, pin: string[]): Promise<Measured> {
  const dir = await mkdtemp(join(tmpdir(), 'runner-bench-workers-'));
  try {
    const out = join(dir, 'r.json');
    const args = [runnerBin, 'run', signupScenario, '--target', url, '--vus', String(connections), '--connections', String(connections)];
    args.push('--duration', `${durationMs}ms`, '--workers', String(threads), '--out', out, '--quiet', '--seed', '1');
    const { cpuSeconds } = await exec(pin, process.execPath, args);
    const r = JSON.parse(await readFile(out, 'utf8')) as RunResult;
    return { requests: r.totals.requests, cpuSeconds };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function runUndici(url: string, threads: number, connections: number, durationMs: number, pin: string[]): Promise<Measured> {
  const { stdout, cpuSeconds } = await exec(pin, process.execPath, [join(repoRoot, 'bench', 'undici-threads.mjs'), url, String(connections), String(durationMs), String(threads), BODY]);
  return { requests: (JSON.parse(stdout) as { requests: number }).requests, cpuSeconds };
}

const median = (xs: number[]) => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : s.length % 2 === 1 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export interface WorkersBenchResult {
  threads: number;
  clientCpus: string;
  /** Median marginal CPU µs per request, and median req/s of the long runs, per setup. */
  runner: { one: { cpuUs: number; rps: number }; many: { cpuUs: number; rps: number } };
  undici: { one: { cpuUs: number; rps: number }; many: { cpuUs: number; rps: number } };
  /** Median over rounds of (N threads ÷ 1 thread) CPU per request, each pair from the same round. */
  runnerRatio: number;
  undiciRatio: number;
  /** Rounds whose four marginal figures all exist (a stalled machine can leave one without). */
  validRounds: number;
  rounds: number;
  loadAverage: { before: number; after: number };
}

/** Interleaved rounds of runner and the bare loop, each in 1 and `n` threads; returns the figures. */
export async function measureWorkers(n: number, opts: { connections: number; durationMs: number; rounds: number; log?: (l: string) => void }): Promise<WorkersBenchResult> {
  const log = opts.log ?? ((l: string) => process.stdout.write(l + '\n'));
  if (opts.durationMs < SHORT_MS + MIN_MARGIN_MS) throw new Error(`the workers bench needs --duration ≥ ${(SHORT_MS + MIN_MARGIN_MS) / 1000}s (it subtracts a ${SHORT_MS / 1000} s run)`);
  const cores = availableParallelism();
  const loadBefore = loadavg()[0];
  const target = await startTarget(0);
  // The client gets every core but the target's (all of them on a 1-core machine).
  const taskset = findExecutable('taskset');
  const clientCpus = cores > 1 ? `1-${cores - 1}` : '0';
  const pin = taskset ? [taskset, '-c', clientCpus] : [];
  const setups: Setup[] = [
    { tool: 'runner', threads: 1 },
    { tool: 'runner', threads: n },
    { tool: 'undici', threads: 1 },
    { tool: 'undici', threads: n },
  ];
  const run = (s: Setup, ms: number) => (s.tool === 'runner' ? runRunner : runUndici)(target.url, s.threads, opts.connections, ms, pin);
  const key = (s: Setup) => `${s.tool}-${s.threads === 1 ? 'one' : 'many'}`;
  const cpu: Record<string, number[]> = {};
  const rps: Record<string, number[]> = {};
  const shorts: Record<string, Measured> = {};
  try {
    await run(setups[0], 1_000); // warm-up: the target, the page cache
    for (const s of setups) {
      const [a, b] = [await run(s, SHORT_MS), await run(s, SHORT_MS)];
      // Its fixed cost is a floor: noise only adds to it.
      shorts[key(s)] = a.cpuSeconds / a.requests <= b.cpuSeconds / b.requests ? a : b;
    }
    for (let round = 1; round <= opts.rounds; round++) {
      const line: string[] = [];
      for (const s of setups) {
        const short = shorts[key(s)];
        const long = await run(s, opts.durationMs);
        // A long run that got no further than the short one (a stalled machine) has no marginal cost to give.
        const us = long.requests > short.requests && long.cpuSeconds > short.cpuSeconds ? ((long.cpuSeconds - short.cpuSeconds) * 1e6) / (long.requests - short.requests) : Number.NaN;
        (cpu[key(s)] ??= []).push(us);
        (rps[key(s)] ??= []).push(long.requests / (opts.durationMs / 1000));
        line.push(`${s.tool}×${s.threads} ${us.toFixed(1)} µs`);
      }
      log(`workers round ${round}: ${line.join('  ')} (marginal client CPU/request)`);
    }
  } finally {
    await target.close();
  }
  const pair = (tool: string) => ({ cpuUs: median(cpu[`${tool}-one`]), rps: median(rps[`${tool}-one`]) });
  const pairN = (tool: string) => ({ cpuUs: median(cpu[`${tool}-many`]), rps: median(rps[`${tool}-many`]) });
  const ratio = (tool: string) => median(cpu[`${tool}-many`].map((m, i) => m / cpu[`${tool}-one`][i]));
  return {
    threads: n,
    clientCpus,
    runner: { one: pair('runner'), many: pairN('runner') },
    undici: { one: pair('undici'), many: pairN('undici') },
    runnerRatio: ratio('runner'),
    undiciRatio: ratio('undici'),
    validRounds: cpu['runner-one'].filter((_, i) => Object.values(cpu).every((xs) => Number.isFinite(xs[i]))).length,
    rounds: opts.rounds,
    loadAverage: { before: loadBefore, after: loadavg()[0] },
  };
}

export function renderWorkers(r: WorkersBenchResult, o: { connections: number; durationMs: number; rounds: number }): string {
  const row = (label: string, x: { cpuUs: number; rps: number }) => `  ${label.padEnd(34)} ${Math.round(x.rps).toLocaleString('en-US').padStart(8)} req/s  ${x.cpuUs.toFixed(1).padStart(6)} µs CPU/request`;
  const noisy = r.loadAverage.before > 1.5 || r.loadAverage.after > 1.5;
  return [
    `workers (bench/workers.ts): target on cpu 0, clients on cpus ${r.clientCpus}, ${o.connections} connections, ${o.durationMs / 1000} s × ${o.rounds} rounds, marginal CPU (a ${SHORT_MS / 1000} s run subtracted)`,
    `  load average (1 min) ${r.loadAverage.before.toFixed(1)} before, ${r.loadAverage.after.toFixed(1)} after${noisy ? ': other work was running, figures are noisy' : ''}`,
    row('runner --workers 1', r.runner.one),
    row(`runner --workers ${r.threads}`, r.runner.many),
    row('bare undici loop, 1 thread', r.undici.one),
    row(`bare undici loop, ${r.threads} threads`, r.undici.many),
    `  CPU per request, ${r.threads} threads ÷ 1: runner ${r.runnerRatio.toFixed(2)}× (goal ≤ 1.1×), bare undici ${r.undiciRatio.toFixed(2)}× (what ${r.threads} event loops cost here without runner)`,
    ...(r.validRounds < r.rounds ? [`  (${r.rounds - r.validRounds} of ${r.rounds} rounds gave no marginal figure for some setup — a long run no further than the short one — and count only where they have one)`] : []),
  ].join('\n');
}

/** The text block for `npm run bench -- --workers N` and the end of `npm run bench`. */
export async function benchWorkers(n: number, opts: { connections: number; durationMs: number; rounds: number }): Promise<string> {
  return renderWorkers(await measureWorkers(n, opts), opts);
}
