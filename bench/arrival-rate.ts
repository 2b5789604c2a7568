// Arrival-rate accuracy: constant-arrival-rate at 1k, 5k and 10k iterations/s against a local Node target in
// its own process. Reports the achieved start rate per second, how late starts were, and runner's own CPU.
// `node --import tsx bench/arrival-rate.ts`, or `benchArrivalRate()` from bench/run.ts. BENCH_PIN=1 puts the
// target on CPU 0 and runner on CPU 1 (taskset): better on a quiet machine, worse when other work shares the cores.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { pathToFileURL } from 'node:url';
import { startSelfCheck } from '../src/metrics/self-check.ts';
import { compilePlan } from '../src/plan/compile.ts';
import type { RunResult } from '../src/result/types.ts';
import { Run } from '../src/run.ts';
import type { TestModel } from '../src/scenario/model.ts';
import { createRealClock } from '../src/scheduler/clock.ts';
import { executors } from '../src/scheduler/index.ts';
import { Vu } from '../src/scheduler/vu.ts';
import { SegmentTuple } from '../src/scheduler/segment.ts';

const RATES = [1_000, 5_000, 10_000];
const WARM_UP_MS = 1_000;
const MEASURE_MS = 5_000;

/** A target that answers every request at once, in its own process (not sharing runner's event loop). */
const TARGET_SOURCE = `
const http = require('node:http');
const body = '{"ok":true}';
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => { res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length }); res.end(body); });
});
server.keepAliveTimeout = 65000;
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
process.on('SIGTERM', () => process.exit(0));
`;

function hasTaskset(): boolean {
  if (process.env.BENCH_PIN !== '1') return false;
  return spawnSync('taskset', ['-V']).status === 0;
}

/** Starts the target (on CPU 0 when taskset exists) and resolves its base URL. */
async function startTarget(pin: boolean): Promise<{ url: string; child: ChildProcess }> {
  const args = ['-e', TARGET_SOURCE];
  const child = pin ? spawn('taskset', ['-c', '0', process.execPath, ...args]) : spawn(process.execPath, args);
  const [chunk] = (await once(child.stdout!, 'data')) as [Buffer];
  return { url: `http://127.0.0.1:${Number(chunk.toString().trim())}`, child };
}

function model(ratePerSec: number, durationMs: number): TestModel {
  return {
    version: 1,
    name: `arrival-rate-${ratePerSec}`,
    file: 'bench/arrival-rate.ts',
    http: { connections: 100, timeoutMs: 5_000, pipelining: 1, insecure: false, maxRedirects: 0, maxCaptureBytes: 1 << 20 },
    headers: [],
    fields: [],
    thresholds: [],
    scenarios: [
      {
        name: 'default',
        flow: { kind: 'requests', requests: [{ name: 'get', method: 'GET', path: '/', headers: [], expect: [200], captures: [] }] },
        load: { executor: 'constant-arrival-rate', startTimeMs: 0, gracefulStopMs: 5_000, rate: ratePerSec, timeUnitMs: 1000, durationMs, preAllocatedVUs: 200, maxVUs: 2_000 },
      },
    ],
  };
}

async function runOnce(url: string, ratePerSec: number, durationMs: number): Promise<RunResult> {
  const plan = compilePlan(model(ratePerSec, durationMs), { seed: 1, env: {}, target: url });
  return new Run(plan).start();
}

interface Row {
  rate: number;
  started: number;
  dropped: number;
  /** Mean of the per-second start counts over the full seconds. */
  achievedPerSec: number;
  /** Largest deviation of one second from the rate, %. */
  worstSecondPct: number;
  lateP99Ms: number;
  lateMaxMs: number;
  loopDelayP99Ms: number;
  cpuPercent: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  errors: number;
}

function toRow(rate: number, r: RunResult): Row {
  const full = r.timeSeries.slice(0, Math.floor(MEASURE_MS / 1000));
  const achieved = full.reduce((n, p) => n + p.started, 0) / full.length;
  const worst = Math.max(...full.map((p) => Math.abs(p.started - rate) / rate)) * 100;
  const sc = r.selfCheck!;
  return {
    rate,
    started: r.iterations.started,
    dropped: r.iterations.dropped,
    achievedPerSec: achieved,
    worstSecondPct: worst,
    lateP99Ms: sc.lateStartsP99Ms ?? 0,
    lateMaxMs: sc.lateStartsMaxMs ?? 0,
    loopDelayP99Ms: sc.eventLoopDelayP99Ms,
    cpuPercent: sc.cpuPercent,
    latencyP50Ms: r.latency.p50,
    latencyP99Ms: r.latency.p99,
    errors: Object.values(r.totals.errors).reduce((a, b) => a + b, 0),
  };
}

function renderRows(rows: Row[], pinned: boolean): string {
  const header = ['rate/s', 'started', 'dropped', 'achieved/s', 'worst 1 s', 'late p99', 'late max', 'loop p99', 'CPU', 'lat p50', 'lat p99', 'errors'];
  const cells = rows.map((r) => [
    String(r.rate),
    String(r.started),
    String(r.dropped),
    r.achievedPerSec.toFixed(1),
    `${r.worstSecondPct.toFixed(2)}%`,
    `${r.lateP99Ms.toFixed(3)} ms`,
    `${r.lateMaxMs.toFixed(1)} ms`,
    `${r.loopDelayP99Ms.toFixed(2)} ms`,
    `${r.cpuPercent.toFixed(1)}%`,
    `${r.latencyP50Ms.toFixed(2)} ms`,
    `${r.latencyP99Ms.toFixed(2)} ms`,
    String(r.errors),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => c.map((v, i) => (i === 0 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join('  ');
  return [
    `arrival-rate accuracy: constant-arrival-rate, ${MEASURE_MS / 1000} s per rate after a ${WARM_UP_MS / 1000} s warm-up, GET against a local Node target${pinned ? ' (target on CPU 0, runner on CPU 1)' : ''}`,
    line(header),
    ...cells.map(line),
    'late = scheduled start → actual start; loop = event-loop delay; CPU = runner process, % of one core',
  ].join('\n');
}

/** The schedule alone: iterations that do nothing, so lateness is the tick loop's own on this machine. */
async function schedulerOnly(ratePerSec: number): Promise<string> {
  const sc = startSelfCheck();
  let vuIds = 0;
  let started = 0;
  let dropped = 0;
  await executors['constant-arrival-rate'].run(
    { executor: 'constant-arrival-rate', startTimeMs: 0, gracefulStopMs: 1000, rate: ratePerSec, timeUnitMs: 1000, durationMs: MEASURE_MS, preAllocatedVUs: 100, maxVUs: 1000 },
    {
      clock: createRealClock(),
      stopSignal: new AbortController().signal,
      segment: SegmentTuple.full(),
      createVu: () => new Vu(++vuIds, 0),
      iterate: async () => {
        started++;
      },
      drop: () => {
        dropped++;
      },
      lateStart: (ms) => sc.lateStart(ms),
    },
  );
  const r = sc.stop(0);
  return `${String(ratePerSec).padEnd(6)}  ${String(started).padStart(7)} started  ${dropped} dropped  late p99 ${r.lateStartsP99Ms!.toFixed(3)} ms  max ${r.lateStartsMaxMs!.toFixed(1)} ms  CPU ${r.cpuPercent.toFixed(1)}%`;
}

/** Runs the benchmark and returns the printed table. */
export async function benchArrivalRate(): Promise<string> {
  const pin = hasTaskset();
  // Runner on CPU 1, the target on CPU 0, so they do not take turns on one core (BENCH_PIN=1).
  if (pin) spawnSync('taskset', ['-p', '-c', '1', String(process.pid)], { stdio: 'ignore' });
  const { url, child } = await startTarget(pin);
  try {
    const rows: Row[] = [];
    for (const rate of RATES) {
      await runOnce(url, rate, WARM_UP_MS);
      rows.push(toRow(rate, await runOnce(url, rate, MEASURE_MS)));
    }
    const alone: string[] = [];
    for (const rate of RATES) alone.push(await schedulerOnly(rate));
    return [renderRows(rows, pin), '', 'the schedule alone (iterations that do nothing, no HTTP):', ...alone].join('\n');
  } finally {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(await benchArrivalRate());
}
