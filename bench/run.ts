// `npm run bench`, one run, side by side (README "Benchmarks"):
// 1. throughput: runner vs autocannon vs a bare undici dispatch loop (vs wrk when installed) on one local target,
//    target and client pinned to different cores, idle-priority busy loops keeping the vCPUs awake, a warm-up
//    round, then rounds of A B C (D) interleaved; medians, per-round ratios, CPU per request, peak RSS;
// 2. runner's own CPU per request without the network (bench/hot-path.ts);
// 3. start-up to the first request (bench/startup.ts);
// 4. p50/p99 above the server's own at 10 ms service (bench/latency.ts);
// 5. arrival-rate accuracy (bench/arrival-rate.ts), then any extra benches listed in `extraBenches`.
// Options: --connections 64 --duration 5s --rounds 3 --json out.json --skip-arrival --skip-latency
import { spawn, type ChildProcess } from 'node:child_process';
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
import { benchWorkers } from './workers.ts';
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
const WARMUP_MS = 2_000;

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
  const stopAll = () => {
    for (const b of busy) b.kill('SIGKILL');
    process.kill(target.pid, 'SIGTERM');
  };
  process.once('SIGINT', () => {
    stopAll();
    process.exit(130);
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
    },
  });
  const connections = Number(values.connections);
  const durationMs = parseDuration(values.duration!);
  const rounds = Number(values.rounds);
  if (!Number.isInteger(connections) || connections < 1) throw new Error(`--connections takes a whole number ≥ 1, got '${values.connections}'`);
  if (durationMs === undefined || durationMs < 1000) throw new Error(`--duration takes a duration ≥ 1s, got '${values.duration}'`);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds takes a whole number ≥ 1, got '${values.rounds}'`);
  // --workers N: CPU per request of --workers 1 and N, nothing else (bench/workers.ts).
  if (values.workers !== undefined) return void process.stdout.write((await benchWorkers(Number(values.workers), { connections, durationMs, rounds })) + '\n');
  const result = await benchSignup({ connections, durationMs, rounds });
  process.stdout.write(renderSignupBench(result) + '\n');
  // The same request path without the network (bench/hot-path.ts): what runner itself adds per request.
  const hotPath = await benchHotPath(200_000, 5);
  process.stdout.write(
    `  hot path without network  runner ${hotPath.runnerUs.toFixed(2)} µs/req, bare dispatch loop ${hotPath.bareUs.toFixed(2)} µs/req (CPU, in-process fake pool)\n`,
  );
  process.stdout.write(`  runner's own cost         ${(hotPath.runnerUs - hotPath.bareUs).toFixed(2)} µs/req   (goal ≤ 1.0 µs)\n`);
  const startup = await benchStartup(7);
  process.stdout.write(`\n${renderStartup(startup)}\n`);
  const latency = values['skip-latency'] ? undefined : await benchLatency({ connections: 32, durationMs: 5_000, warmupMs: 2_000, rounds: 3 });
  if (latency) process.stdout.write(`\n${renderLatency(latency)}\n`);
  if (values.json) await writeFile(values.json, JSON.stringify({ ...result, hotPath, startup, latency }, null, 2) + '\n');
  // Last, because it may pin this process to one core: how exactly the open model keeps its schedule.
  if (!values['skip-arrival']) process.stdout.write(`\narrival-rate accuracy (bench/arrival-rate.ts):\n${await benchArrivalRate()}\n`);
  for (const extra of extraBenches) process.stdout.write(`\n${await extra()}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
