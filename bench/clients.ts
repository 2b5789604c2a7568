// The benchmarked clients, each one run as its own process pinned to the client core: runner (the signup scenario,
// 4 random fields per request), autocannon and a bare undici dispatch loop (a static body of the same size), wrk.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunResult } from '../src/result/types.ts';

export const repoRoot = fileURLToPath(new URL('../', import.meta.url));
const runnerBin = join(repoRoot, 'dist', 'cli', 'bin.js');
const signupScenario = join(repoRoot, 'scenarios', 'signup.yaml');
const rssProbe = join(repoRoot, 'bench', 'rss-probe.mjs');
const autocannonBin = join(repoRoot, 'node_modules', 'autocannon', 'autocannon.js');
const undiciLoop = join(repoRoot, 'bench', 'undici-loop.ts');

export type ToolName = 'runner' | 'autocannon' | 'undici' | 'wrk';

export interface ClientRun {
  requests: number;
  /** Responses that were not 2xx plus errors: a sound run has 0. */
  failed: number;
  durationMs: number;
  rps: number;
  /** User + system CPU seconds of the client process and its threads (startup included), from bash's `times`. */
  cpuSeconds: number;
  /** Client CPU per request in µs, whole process (bench/run.ts replaces it by the figure net of start-up). */
  cpuUsPerRequest: number;
  /** Peak RSS of the client process in MiB, where measured (the Node clients). */
  peakRssMiB?: number;
}

export interface ClientSpec {
  url: string;
  connections: number;
  durationMs: number;
  /** The static body autocannon, undici and wrk send (same size as runner's generated ones). */
  body: string;
  /** `taskset -c <cpu>` prefix, or [] when not pinning. */
  pin: string[];
}

export const clients: Record<ToolName, (s: ClientSpec) => Promise<ClientRun>> = {
  async runner(s) {
    const dir = await mkdtemp(join(tmpdir(), 'runner-bench-'));
    try {
      const out = join(dir, 'r.json');
      const rssFile = join(dir, 'rss');
      const args = ['--import', rssProbe, runnerBin, 'run', signupScenario, '--target', s.url, '--vus', String(s.connections), '--connections', String(s.connections)];
      args.push('--duration', `${s.durationMs}ms`, '--out', out, '--quiet', '--seed', '1');
      const { cpuSeconds } = await exec(s.pin, process.execPath, args, { RUNNER_BENCH_RSS_FILE: rssFile });
      const r = JSON.parse(await readFile(out, 'utf8')) as RunResult;
      const ok = r.totals.byStatus['200'] ?? 0;
      return {
        ...measured(r.totals.requests, r.totals.requests - ok, r.durationMs, cpuSeconds),
        peakRssMiB: Number(await readFile(rssFile, 'utf8')) / 1024,
      };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },

  async autocannon(s) {
    const seconds = Math.max(1, Math.round(s.durationMs / 1000));
    const args = ['--import', rssProbe, autocannonBin, '-c', String(s.connections), '-d', String(seconds), '-m', 'POST', '-H', 'content-type=application/json', '-b', s.body, '-j', `${s.url}/signup`];
    return withRss(async (env) => {
      const { stdout, cpuSeconds } = await exec(s.pin, process.execPath, args, env);
      const r = JSON.parse(stdout) as { requests: { total: number }; duration: number; errors: number; non2xx: number; timeouts: number };
      return measured(r.requests.total, r.errors + r.non2xx + r.timeouts, r.duration * 1000, cpuSeconds);
    });
  },

  async undici(s) {
    return withRss(async (env) => {
      const { stdout, cpuSeconds } = await exec(s.pin, process.execPath, ['--import', rssProbe, '--import', 'tsx', undiciLoop, s.url, String(s.connections), String(s.durationMs), s.body], env);
      const r = JSON.parse(stdout) as { requests: number; errors: number; non2xx: number; durationMs: number };
      return measured(r.requests, r.errors + r.non2xx, r.durationMs, cpuSeconds);
    });
  },

  async wrk(s) {
    const dir = await mkdtemp(join(tmpdir(), 'runner-bench-wrk-'));
    try {
      const script = join(dir, 'post.lua');
      // A long bracket string: the body is sent byte for byte, whatever it holds (no ']]' in JSON of ours).
      await writeFile(script, `wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\nwrk.body = [[${s.body}]]\n`);
      const seconds = Math.max(1, Math.round(s.durationMs / 1000));
      const { stdout: out, cpuSeconds } = await exec(s.pin, 'wrk', ['-t1', `-c${s.connections}`, `-d${seconds}s`, '-s', script, `${s.url}/signup`]);
      const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
      const requests = Number(/(\d+) requests in/.exec(out)?.[1]);
      const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0);
      const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
      const failed = non2xx + (socketErrors ? socketErrors.slice(1).reduce((n, x) => n + Number(x), 0) : 0);
      if (!Number.isFinite(rps)) throw new Error(`wrk: no Requests/sec in its output:\n${out}`);
      return { ...measured(requests, failed, (requests / rps) * 1000, cpuSeconds), rps };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};

/** Runs a Node client with bench/rss-probe.mjs preloaded and adds its peak RSS. */
async function withRss(fn: (env: Record<string, string>) => Promise<ClientRun>): Promise<ClientRun> {
  const dir = await mkdtemp(join(tmpdir(), 'runner-bench-rss-'));
  try {
    const rssFile = join(dir, 'rss');
    const run = await fn({ RUNNER_BENCH_RSS_FILE: rssFile });
    return { ...run, peakRssMiB: Number(await readFile(rssFile, 'utf8')) / 1024 };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function measured(requests: number, failed: number, durationMs: number, cpuSeconds: number): ClientRun {
  return { requests, failed, durationMs, rps: requests / (durationMs / 1000), cpuSeconds, cpuUsPerRequest: (cpuSeconds * 1e6) / requests };
}

/**
 * CPU seconds each tool spends starting and exiting with (almost) no traffic: subtracted from a run's CPU so that
 * CPU/request compares the request path, not tsx, module loading or the end-of-run summary.
 */
export const startupCpu: Record<ToolName, (s: ClientSpec) => Promise<number>> = {
  async runner(s) {
    const args = [runnerBin, 'run', signupScenario, '--target', s.url, '--vus', '1', '--iterations', '1', '--quiet', '--seed', '1'];
    return (await exec(s.pin, process.execPath, args)).cpuSeconds;
  },
  async autocannon(s) {
    const args = [autocannonBin, '-c', '1', '-a', '1', '-m', 'POST', '-H', 'content-type=application/json', '-b', s.body, '-j', `${s.url}/signup`];
    return (await exec(s.pin, process.execPath, args)).cpuSeconds;
  },
  async undici(s) {
    return (await exec(s.pin, process.execPath, ['--import', 'tsx', undiciLoop, s.url, '1', '0', s.body])).cpuSeconds;
  },
  // A C program: its start-up is well under a millisecond.
  wrk: async () => 0,
};

// bash runs the tool, then `times` prints its children's user and system CPU ("0m1.234s 0m0.567s") on stderr.
const TIMES_WRAPPER = '"$@"; rc=$?; times >&2; exit $rc';
const TIMES_LINE = /(\d+)m([\d.]+)s (\d+)m([\d.]+)s\s*$/;

/**
 * Runs `pin… bash -c <times wrapper> cmd args`; resolves to stdout and the CPU seconds the tool used (user +
 * system, all its threads), rejects with stderr on a non-zero exit.
 */
export function exec(pin: string[], cmd: string, args: string[], env: Record<string, string> = {}): Promise<{ stdout: string; cpuSeconds: number }> {
  const [file, ...rest] = [...pin, 'bash', '-c', TIMES_WRAPPER, 'bash', cmd, ...args];
  return new Promise((resolve, reject) => {
    const child = spawn(file, rest, { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code !== 0) return reject(new Error(`${cmd} exited ${code}:\n${stderr}`));
      const m = TIMES_LINE.exec(stderr);
      if (!m) return reject(new Error(`${cmd}: no CPU times from bash in:\n${stderr}`));
      resolve({ stdout, cpuSeconds: Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4]) });
    });
  });
}
