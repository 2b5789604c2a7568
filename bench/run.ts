// `npm run bench`, one run, side by side (README "Benchmarks"):
// 1. throughput: runner vs autocannon vs a bare undici dispatch loop (vs wrk when installed) on one local target,
//    target and client pinned to different cores, idle-priority busy loops keeping the vCPUs awake, a warm-up
//    round, then rounds of A B C (D) interleaved; medians, per-round ratios, CPU per request, peak RSS;
// 2. runner's own CPU per request without the network (bench/hot-path.ts);
// 3. start-up to the first request (bench/startup.ts);
// 4. p50/p99 above the server's own at 10 ms service (bench/latency.ts);
// 5. CPU per request of --workers 2 against 1, beside the bare undici loop in 2 threads against 1 (bench/workers.ts);
// 6. arrival-rate accuracy (bench/arrival-rate.ts), then any extra benches listed in `extraBenches`.
// Each part prints how long it took, and the run its total (the goal: under 6 minutes on the 2-core machine).
// Every process a part starts is stopped by PID, and on Ctrl-C or SIGTERM every process left below this one.
// Options: --connections 64 --duration 5s --rounds 3 --json out.json --skip-arrival --skip-latency --skip-workers
//          --workers N (only the workers part, N threads)
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createRng } from '../src/generators/rng.ts';
import { compilePlan } from '../src/plan/compile.ts';
import { parseDuration } from '../src/scenario/duration.ts';
import { loadScenario } from '../src/scenario/load.ts';
import { benchArrivalRate } from './arrival-rate.ts';
import { clients, repoRoot, startupCpu, type ClientRun, type ClientSpec, type ToolName } from './clients.ts';
import { benchHotPath } from './hot-path.ts';
import { benchWorkers, measureWorkers, renderWorkers } from './workers.ts';
import { benchLatency, renderLatency } from './latency.ts';
import { benchStartup, renderStartup } from './startup.ts';

/**
 * More benches printed after the others, each one function returning its text block: the hook for bench files of
 * their own (e.g. bench/workers.ts for --workers). Adding one is an import and one line here.
 */
const extraBenches: (() => Promise<string>)[] = [];
import { findExecutable, startTarget, stopChild } from './targets.ts';

const TARGET_CPU = 0;
const CLIENT_CPU = 1;
/** One unmeasured run per tool first: the target's and the page cache's first-run effects. */
const WARMUP_MS = 1_000;

/**
 * Every process below this one (children, their children: nginx's workers, a client's threads' helpers), deepest
 * first, from /proc. What the parts start they stop themselves; this is the net for Ctrl-C, SIGTERM and a part
 * that threw half-way.
 */
function descendants(): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // "pid (comm) state ppid …": comm may hold spaces and parentheses, so read after the last ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // It exited while we looked.
    }
  }
  const out: number[] = [];
  const walk = (pid: number) => {
    for (const c of children.get(pid) ?? []) {
      walk(c);
      out.push(c);
    }
  };
  walk(process.pid);
  return out;
}

/** Processes below this one before any part ran (a loader's helper, e.g. tsx's esbuild service): not the bench's. */
let preexisting = new Set<number>();

/** SIGKILLs every process the parts left below this one, by PID; returns how many there were. */
function stopDescendants(): number {
  const left = process.platform === 'linux' ? descendants().filter((pid) => !preexisting.has(pid)) : [];
  for (const pid of left) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Gone already.
    }
  }
  return left.length;
}

/** CPU per request net of start-up and exit: (cpu − the tool's start-up cpu) ÷ requests. */
function netCpu(run: ClientRun, startupSeconds: number): ClientRun {
  const cpuUsPerRequest = run.requests > 0 ? (Math.max(0, run.cpuSeconds - startupSeconds) * 1e6) / run.requests : Number.NaN;
  return { ...run, cpuUsPerRequest };
}

export interface SignupBenchOptions {
  connections: number;
  durationMs: number;
  rounds: number;
  log?: (line: string) => void;
}

export interface SignupBenchResult {
  date: string;
  machine: string;
  target: string;
  connections: number;
  durationMs: number;
  pinned: boolean;
  bodyBytes: number;
  /** 1-minute load average before and after: other work on the machine makes every figure noisier. */
  loadAverage: { before: number; after: number };
  /** Every measured run of each tool, in round order. */
  runs: Partial<Record<ToolName, ClientRun[]>>;
  medianRps: Partial<Record<ToolName, number>>;
  /** Client CPU (user + system) per request, µs, median over rounds. */
  medianCpuUsPerRequest: Partial<Record<ToolName, number>>;
  /** Median over rounds of runner's rps divided by the other tool's rps in the same round. */
  ratios: { autocannon: number; undici: number; wrk?: number };
  /** The same for requests per client CPU-second (the other's CPU µs/request ÷ runner's): ≥ 1 means runner is cheaper. */
  cpuRatios: { autocannon: number; undici: number; wrk?: number };
  runnerPeakRssMiB: number;
  /** Largest peak RSS over the rounds, per Node client, MiB. */
  peakRssMiB: Partial<Record<ToolName, number>>;
}

/** One signup body as runner renders it: autocannon, undici and wrk send it verbatim, runner draws new ones. */
async function sampleSignupBody(): Promise<string> {
  const model = await loadScenario(join(repoRoot, 'scenarios', 'signup.yaml'), repoRoot);
  const plan = compilePlan(model, { seed: 1, env: {} });
  const vars = plan.fields.map((f) => f.draw(createRng(1), 0));
  return plan.scenarios[0].steps![0].body!(vars);
}

/** `chrt -i 0 taskset -c N sh -c 'while :; do :; done'` per CPU: keeps the vCPUs awake without taking real work. */
function startBusyLoops(cpuList: number[]): ChildProcess[] {
  return cpuList.map((cpu) => spawn('chrt', ['-i', '0', 'taskset', '-c', String(cpu), 'sh', '-c', 'while :; do :; done'], { stdio: 'ignore' }));
}

/** Median of the finite values (NaN when there are none). */
function median(xs: number[]): number {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export async function benchSignup(opts: SignupBenchOptions): Promise<SignupBenchResult> {
  const log = opts.log ?? ((line: string) => process.stdout.write(line + '\n'));
  const canPin = availableParallelism() >= 2 && findExecutable('taskset') !== undefined;
  const canBusy = canPin && findExecutable('chrt') !== undefined;
  const tools: ToolName[] = ['runner', 'autocannon', 'undici'];
  if (findExecutable('wrk')) tools.push('wrk');
  if (!canPin) log('warning: fewer than 2 CPUs or no taskset: target and client share cores (numbers are less meaningful)');

  const body = await sampleSignupBody();
  const loadBefore = loadavg()[0];
  const busy = canBusy ? startBusyLoops([TARGET_CPU, CLIENT_CPU]) : [];
  const target = await startTarget(TARGET_CPU).catch(async (err) => {
    await Promise.all(busy.map((b) => stopChild(b, 'SIGKILL')));
    throw err;
  });
  const spec: ClientSpec = { url: target.url, connections: opts.connections, durationMs: opts.durationMs, body, pin: canPin ? ['taskset', '-c', String(CLIENT_CPU)] : [] };
  const runs: Partial<Record<ToolName, ClientRun[]>> = {};
  const startup: Partial<Record<ToolName, number>> = {};
  try {
    log(`target: ${target.name} at ${target.url}${canPin ? ` on cpu ${TARGET_CPU}, clients on cpu ${CLIENT_CPU}` : ''}${canBusy ? ', idle-priority busy loops on' : ''}`);
    log(`connections: ${opts.connections}  duration: ${opts.durationMs} ms  rounds: ${opts.rounds} (+1 warm-up)  body: ${Buffer.byteLength(body)} bytes`);
    log(`warm-up (${WARMUP_MS} ms each), then each tool's start-up CPU (subtracted from CPU/request)…`);
    for (const tool of tools) await clients[tool]({ ...spec, durationMs: WARMUP_MS });
    // The smaller of two: start-up is a floor, and noise only adds to it.
    for (const tool of tools) startup[tool] = Math.min(await startupCpu[tool](spec), await startupCpu[tool](spec));
    log(`start-up CPU: ${tools.map((t) => `${t} ${Math.round(startup[t]! * 1000)} ms`).join('  ')}`);
    for (let round = 1; round <= opts.rounds; round++) {
      const line: string[] = [];
      for (const tool of tools) {
        const r = netCpu(await clients[tool](spec), startup[tool]!);
        if (r.failed > 0) log(`warning: ${tool} round ${round}: ${r.failed} of ${r.requests} requests failed or were not 2xx`);
        (runs[tool] ??= []).push(r);
        line.push(`${tool} ${Math.round(r.rps).toLocaleString('en-US')} (${r.cpuUsPerRequest.toFixed(1)} µs)`);
      }
      log(`round ${round}: ${line.join('  ')} req/s (client CPU/request)`);
    }
  } finally {
    await target.close();
    await Promise.all(busy.map((b) => stopChild(b, 'SIGKILL')));
  }

  const medianRps: Partial<Record<ToolName, number>> = {};
  const medianCpuUsPerRequest: Partial<Record<ToolName, number>> = {};
  for (const tool of tools) {
    medianRps[tool] = median(runs[tool]!.map((r) => r.rps));
    medianCpuUsPerRequest[tool] = median(runs[tool]!.map((r) => r.cpuUsPerRequest));
  }
  const roundRatio = (other: ToolName) => median(runs.runner!.map((r, i) => r.rps / runs[other]![i].rps));
  const cpuRatio = (other: ToolName) => median(runs.runner!.map((r, i) => runs[other]![i].cpuUsPerRequest / r.cpuUsPerRequest));
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return {
    date: new Date().toISOString(),
    machine: `${availableParallelism()} × ${cpu}, node ${process.version}`,
    target: target.name,
    connections: opts.connections,
    durationMs: opts.durationMs,
    pinned: canPin,
    bodyBytes: Buffer.byteLength(body),
    loadAverage: { before: loadBefore, after: loadavg()[0] },
    runs,
    medianRps,
    medianCpuUsPerRequest,
    ratios: { autocannon: roundRatio('autocannon'), undici: roundRatio('undici'), ...(runs.wrk ? { wrk: roundRatio('wrk') } : {}) },
    cpuRatios: { autocannon: cpuRatio('autocannon'), undici: cpuRatio('undici'), ...(runs.wrk ? { wrk: cpuRatio('wrk') } : {}) },
    runnerPeakRssMiB: Math.max(...runs.runner!.map((r) => r.peakRssMiB ?? 0)),
    peakRssMiB: Object.fromEntries(tools.filter((t) => runs[t]!.some((r) => r.peakRssMiB !== undefined)).map((t) => [t, Math.max(...runs[t]!.map((r) => r.peakRssMiB ?? 0))])),
  };
}

export function renderSignupBench(r: SignupBenchResult): string {
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  const labels: Record<ToolName, string> = {
    runner: 'runner (signup.yaml, 4 random fields)',
    autocannon: 'autocannon 9 (static body)',
    undici: 'bare undici 7 dispatch loop (static body)',
    wrk: 'wrk (static body)',
  };
  const lines = [`\n${r.date}  ${r.machine}  target ${r.target}, ${r.connections} connections, ${r.durationMs / 1000} s runs`];
  lines.push(`  load average (1 min) ${r.loadAverage.before.toFixed(1)} before, ${r.loadAverage.after.toFixed(1)} after${r.loadAverage.before > 1.5 || r.loadAverage.after > 1.5 ? ': other work was running, figures are noisy' : ''}`);
  lines.push(`  ${'client'.padEnd(42)} ${'req/s'.padStart(9)}  ${'CPU µs/req'.padStart(10)}  ${'peak RSS'.padStart(9)}   (medians; RSS: largest)`);
  for (const tool of Object.keys(r.medianRps) as ToolName[]) {
    const rss = r.peakRssMiB[tool] === undefined ? '-' : `${r.peakRssMiB[tool]!.toFixed(0)} MiB`;
    lines.push(`  ${labels[tool].padEnd(42)} ${fmt(r.medianRps[tool]!).padStart(9)}  ${r.medianCpuUsPerRequest[tool]!.toFixed(1).padStart(10)}  ${rss.padStart(9)}`);
  }
  lines.push(`  ratios (median of rounds)   req/s   req per CPU-s`);
  lines.push(`  runner / autocannon         ${r.ratios.autocannon.toFixed(2)}×   ${r.cpuRatios.autocannon.toFixed(2)}×   (goal ≥ 1.00×)`);
  lines.push(`  runner / bare undici        ${r.ratios.undici.toFixed(2)}×   ${r.cpuRatios.undici.toFixed(2)}×   (goal ≥ 0.97×)`);
  if (r.ratios.wrk !== undefined) lines.push(`  runner / wrk                ${r.ratios.wrk.toFixed(2)}×   ${r.cpuRatios.wrk!.toFixed(2)}×`);
  lines.push(`  runner peak RSS        ${r.runnerPeakRssMiB.toFixed(1)} MiB   (goal ≤ 100 MiB at 64 connections)`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      connections: { type: 'string', default: '64' },
      duration: { type: 'string', default: '5s' },
      rounds: { type: 'string', default: '3' },
      json: { type: 'string' },
      'skip-arrival': { type: 'boolean', default: false },
      workers: { type: 'string' },
      'skip-latency': { type: 'boolean', default: false },
      'skip-workers': { type: 'boolean', default: false },
    },
  });
  const connections = Number(values.connections);
  const durationMs = parseDuration(values.duration!);
  const rounds = Number(values.rounds);
  if (!Number.isInteger(connections) || connections < 1) throw new Error(`--connections takes a whole number ≥ 1, got '${values.connections}'`);
  if (durationMs === undefined || durationMs < 1000) throw new Error(`--duration takes a duration ≥ 1s, got '${values.duration}'`);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds takes a whole number ≥ 1, got '${values.rounds}'`);
  if (process.platform === 'linux') preexisting = new Set(descendants());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      const n = stopDescendants();
      process.stderr.write(`\nbench stopped (${signal}); ${n} process(es) it had started were killed\n`);
      process.exit(130);
    });
  }
  const out = (text: string): void => void process.stdout.write(text + '\n');
  try {
    // --workers N: CPU per request of --workers 1 and N, nothing else (bench/workers.ts).
    if (values.workers !== undefined) return void out(await benchWorkers(Number(values.workers), { connections, durationMs, rounds }));
    await benchAll(values, { connections, durationMs, rounds }, out);
  } finally {
    const stray = stopDescendants();
    if (stray > 0) process.stderr.write(`bench: ${stray} process(es) were still running at the end and were killed\n`);
  }
}

/** Seconds since `t0`, for the time each part took. */
const since = (t0: number) => `${((performance.now() - t0) / 1000).toFixed(0)} s`;

async function benchAll(
  values: { json?: string; 'skip-arrival'?: boolean; 'skip-latency'?: boolean; 'skip-workers'?: boolean },
  o: { connections: number; durationMs: number; rounds: number },
  out: (text: string) => void,
): Promise<void> {
  const started = performance.now();
  let t0 = started;
  const result = await benchSignup(o);
  out(renderSignupBench(result));
  out(`  (throughput: ${since(t0)})`);
  // The same request path without the network (bench/hot-path.ts): what runner itself adds per request.
  t0 = performance.now();
  const hotPath = await benchHotPath(200_000, 5);
  out(`  hot path without network  runner ${hotPath.runnerUs.toFixed(2)} µs/req, bare dispatch loop ${hotPath.bareUs.toFixed(2)} µs/req (CPU, in-process fake pool)`);
  out(`  runner's own cost         ${(hotPath.runnerUs - hotPath.bareUs).toFixed(2)} µs/req   (goal ≤ 1.0 µs)   (${since(t0)})`);
  t0 = performance.now();
  const startup = await benchStartup(5);
  out(`\n${renderStartup(startup)}\n  (${since(t0)})`);
  t0 = performance.now();
  // 4 s after a 2 s warm-up: ~13k responses per client and round at 32 connections, p99 over ~130 of them.
  const latency = values['skip-latency'] ? undefined : await benchLatency({ connections: 32, durationMs: 4_000, warmupMs: 2_000, rounds: 3 });
  if (latency) out(`\n${renderLatency(latency)}\n  (${since(t0)})`);
  t0 = performance.now();
  // 5 s runs less a 2 s one: the 3 s between are past both setups' warm-up.
  const workersOpts = { connections: o.connections, durationMs: 5_000, rounds: 3 };
  const workers = values['skip-workers'] ? undefined : await measureWorkers(2, workersOpts);
  if (workers) out(`\n${renderWorkers(workers, workersOpts)}\n  (${since(t0)})`);
  if (values.json) await writeFile(values.json, JSON.stringify({ ...result, hotPath, startup, latency, workers }, null, 2) + '\n');
  // Last, because it may pin this process to one core: how exactly the open model keeps its schedule.
  t0 = performance.now();
  if (!values['skip-arrival']) out(`\narrival-rate accuracy (bench/arrival-rate.ts):\n${await benchArrivalRate()}\n  (${since(t0)})`);
  for (const extra of extraBenches) out(`\n${await extra()}`);
  out(`\nnpm run bench took ${since(started)} in all (goal: under 6 minutes), load average ${loadavg().map((l) => l.toFixed(1)).join(' / ')} at the end`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
