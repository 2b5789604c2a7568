// Latency overhead: a node:http target that answers after 10 ms and times its own service (bench/delay-target.mjs)
// is the truth; each client's p50 and p99 minus the server's own, over the same window, is what the client adds.
// runner (signup.yaml with --warmup), a bare undici dispatch loop (same warm-up, unrecorded) and wrk (a warm-up
// run first). Target on CPU 0, client on CPU 1 when pinning is possible. Rounds interleaved; medians.
// Usage: node --import tsx bench/latency.ts [--connections 32] [--duration 5s] [--warmup 2s] [--rounds 3]
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseDuration } from '../src/scenario/duration.ts';
import type { RunResult } from '../src/result/types.ts';
import { repoRoot } from './clients.ts';
import { findExecutable, freePort, stopChild } from './targets.ts';

export type LatencyTool = 'runner' | 'undici' | 'wrk';

export interface LatencyRow {
  /** Client p50 / p99 minus the server's own, ms (median over rounds). */
  p50AboveMs: number;
  p99AboveMs: number;
  rps: number;
  /** runner only: its own jitter as its self-check saw it (median over rounds): event-loop delay p99, GC pauses. */
  selfCheck?: { eventLoopDelayP99Ms: number; gcPauseMaxMs: number; gcPauseTotalMs: number };
}

export interface LatencyResult {
  connections: number;
  durationMs: number;
  warmupMs: number;
  /** The server's own p50 / p99 of its service time, ms (median over rounds). */
  serverP50Ms: number;
  serverP99Ms: number;
  rows: Partial<Record<LatencyTool, LatencyRow>>;
}

interface Sample {
  selfCheck?: LatencyRow['selfCheck'];
  clientP50Ms: number;
  clientP99Ms: number;
  serverP50Ms: number;
  serverP99Ms: number;
  rps: number;
}

const BODY = '{"userId":"aBcDeFgH","userName":"김민준","email":"abcde@gmail.com","userPw":"aBcDeFgHiJ"}';

async function get(url: string): Promise<string> {
  const res = await fetch(url);
  return res.text();
}

function run(pin: string[], cmd: string, args: string[]): Promise<string> {
  const [file, ...rest] = [...pin, cmd, ...args];
  return new Promise((resolve, reject) => {
    const child = spawn(file, rest, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd} exited ${code}: ${err}`))));
  });
}

/** wrk's "  99%   12.34ms" lines → ms. */
function wrkPercentile(out: string, p: string): number {
  const m = new RegExp(`^\\s*${p}%\\s+([\\d.]+)(us|ms|s)\\s*$`, 'm').exec(out);
  if (!m) throw new Error(`wrk: no ${p}% line in:\n${out}`);
  const v = Number(m[1]);
  return m[2] === 'us' ? v / 1000 : m[2] === 's' ? v * 1000 : v;
}

function median(xs: number[]): number {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : s[s.length >> 1];
}

export async function benchLatency(o: { connections: number; durationMs: number; warmupMs: number; rounds: number; log?: (l: string) => void }): Promise<LatencyResult> {
  const log = o.log ?? ((l: string) => process.stdout.write(l + '\n'));
  const pinOk = findExecutable('taskset') !== undefined;
  const pin = pinOk ? ['taskset', '-c', '1'] : [];
  const port = await freePort();
  const target = spawn(...((pinOk ? ['taskset', ['-c', '0', process.execPath, join(repoRoot, 'bench', 'delay-target.mjs'), String(port), '10']] : [process.execPath, [join(repoRoot, 'bench', 'delay-target.mjs'), String(port), '10']]) as [string, string[]]), {
    cwd: repoRoot,
    stdio: 'ignore',
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      await get(`${url}/__stats`);
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  const tools: LatencyTool[] = ['runner', 'undici', ...(findExecutable('wrk') ? (['wrk'] as const) : [])];
  const samples: Partial<Record<LatencyTool, Sample[]>> = {};
  const serverStats = async (): Promise<{ p50: number; p99: number }> => {
    const s = JSON.parse(await get(`${url}/__stats`)) as { p50Us: number; p99Us: number };
    return { p50: s.p50Us / 1000, p99: s.p99Us / 1000 };
  };
  const dir = await mkdtemp(join(tmpdir(), 'runner-bench-latency-'));
  try {
    for (let round = 1; round <= o.rounds; round++) {
      const line: string[] = [];
      for (const tool of tools) {
        let client: { p50: number; p99: number; rps: number; selfCheck?: LatencyRow['selfCheck'] };
        // The server's stats restart when the client's warm-up ends.
        await get(`${url}/__reset?afterMs=${tool === 'wrk' ? 0 : o.warmupMs}`);
        if (tool === 'runner') {
          const out = join(dir, 'r.json');
          const args = [join(repoRoot, 'dist', 'cli', 'bin.js'), 'run', join(repoRoot, 'scenarios', 'signup.yaml'), '--target', url, '--vus', String(o.connections), '--connections', String(o.connections)];
          args.push('--duration', `${o.durationMs}ms`, '--warmup', `${o.warmupMs}ms`, '--out', out, '--quiet', '--seed', String(round));
          await run(pin, process.execPath, args);
          const r = JSON.parse(await readFile(out, 'utf8')) as RunResult;
          const sc = r.selfCheck;
          client = { p50: r.latency.p50, p99: r.latency.p99, rps: r.totals.rps, ...(sc ? { selfCheck: { eventLoopDelayP99Ms: sc.eventLoopDelayP99Ms, gcPauseMaxMs: sc.gcPauseMaxMs ?? Number.NaN, gcPauseTotalMs: sc.gcPauseTotalMs ?? Number.NaN } } : {}) };
        } else if (tool === 'undici') {
          const out = await run(pin, process.execPath, ['--import', 'tsx', join(repoRoot, 'bench', 'undici-loop.ts'), url, String(o.connections), String(o.durationMs), BODY, String(o.warmupMs)]);
          const r = JSON.parse(out) as { requests: number; durationMs: number; p50Us: number; p99Us: number };
          client = { p50: r.p50Us / 1000, p99: r.p99Us / 1000, rps: r.requests / (r.durationMs / 1000) };
        } else {
          const seconds = (ms: number) => `${Math.max(1, Math.round(ms / 1000))}s`;
          await run(pin, 'wrk', ['-t1', `-c${o.connections}`, `-d${seconds(o.warmupMs)}`, `${url}/signup`]);
          await get(`${url}/__reset`);
          const out = await run(pin, 'wrk', ['-t1', `-c${o.connections}`, `-d${seconds(o.durationMs)}`, '--latency', `${url}/signup`]);
          client = { p50: wrkPercentile(out, '50'), p99: wrkPercentile(out, '99'), rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]) };
        }
        const server = await serverStats();
        (samples[tool] ??= []).push({ clientP50Ms: client.p50, clientP99Ms: client.p99, serverP50Ms: server.p50, serverP99Ms: server.p99, rps: client.rps, selfCheck: client.selfCheck });
        line.push(`${tool} +${(client.p50 - server.p50).toFixed(2)}/+${(client.p99 - server.p99).toFixed(2)} ms`);
      }
      log(`latency round ${round}: ${line.join('  ')} (p50/p99 above the server's own)`);
    }
  } finally {
    await stopChild(target, 'SIGTERM');
    await rm(dir, { recursive: true, force: true });
  }
  const rows: Partial<Record<LatencyTool, LatencyRow>> = {};
  const all = Object.values(samples).flat();
  for (const tool of tools) {
    const s = samples[tool]!;
    rows[tool] = { p50AboveMs: median(s.map((x) => x.clientP50Ms - x.serverP50Ms)), p99AboveMs: median(s.map((x) => x.clientP99Ms - x.serverP99Ms)), rps: median(s.map((x) => x.rps)) };
    const checks = s.flatMap((x) => (x.selfCheck ? [x.selfCheck] : []));
    if (checks.length > 0) {
      rows[tool]!.selfCheck = {
        eventLoopDelayP99Ms: median(checks.map((c) => c.eventLoopDelayP99Ms)),
        gcPauseMaxMs: median(checks.map((c) => c.gcPauseMaxMs)),
        gcPauseTotalMs: median(checks.map((c) => c.gcPauseTotalMs)),
      };
    }
  }
  return { connections: o.connections, durationMs: o.durationMs, warmupMs: o.warmupMs, serverP50Ms: median(all.map((x) => x.serverP50Ms)), serverP99Ms: median(all.map((x) => x.serverP99Ms)), rows };
}

export function renderLatency(r: LatencyResult): string {
  const lines = [
    `latency above the server's own at 10 ms service (${r.connections} connections, ${r.durationMs / 1000} s after a ${r.warmupMs / 1000} s warm-up; server p50 ${r.serverP50Ms.toFixed(2)} ms, p99 ${r.serverP99Ms.toFixed(2)} ms):`,
    `  ${'client'.padEnd(28)} ${'p50 +ms'.padStart(8)} ${'p99 +ms'.padStart(8)} ${'req/s'.padStart(8)}`,
  ];
  const labels: Record<LatencyTool, string> = { runner: 'runner --warmup', undici: 'bare undici dispatch loop', wrk: 'wrk' };
  for (const [tool, row] of Object.entries(r.rows) as [LatencyTool, LatencyRow][]) {
    lines.push(`  ${labels[tool].padEnd(28)} ${row.p50AboveMs.toFixed(2).padStart(8)} ${row.p99AboveMs.toFixed(2).padStart(8)} ${Math.round(row.rps).toString().padStart(8)}`);
  }
  const sc = r.rows.runner?.selfCheck;
  // What runner itself added, as its self-check saw it: what a user sees under the latency table.
  if (sc) lines.push(`  runner's self-check: event-loop delay p99 ${sc.eventLoopDelayP99Ms.toFixed(2)} ms, GC pauses ${sc.gcPauseTotalMs.toFixed(1)} ms in all, longest ${sc.gcPauseMaxMs.toFixed(2)} ms (medians of rounds)`);
  lines.push('  (goal: runner p99 ≤ 1 ms above the server after warm-up)');
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { connections: { type: 'string', default: '32' }, duration: { type: 'string', default: '5s' }, warmup: { type: 'string', default: '2s' }, rounds: { type: 'string', default: '3' } } });
  const r = await benchLatency({ connections: Number(values.connections), durationMs: parseDuration(values.duration!)!, warmupMs: parseDuration(values.warmup!)!, rounds: Number(values.rounds) });
  process.stdout.write(renderLatency(r) + '\n');
}
