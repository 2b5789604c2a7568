// Start-up to the first request: from spawning a client process to the first request line reaching a local
// server (runner on scenarios/signup.yaml, autocannon), beside `node -e 0` start to exit. Median of `rounds`.
// Also the CPU time (user + system) of each whole process, which other load on the machine moves far less.
// Usage: node --import tsx bench/startup.ts [--rounds 7]
import { spawn } from 'node:child_process';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from './clients.ts';

export interface StartupResult {
  /** Median ms from spawn to the first request's bytes at the server. */
  runnerMs: number;
  autocannonMs: number;
  /** Median ms from spawn to exit of `node -e 0`: the floor any Node tool pays. */
  nodeMs: number;
  /** Median CPU ms (user + system) of each whole process: runner's 1-iteration run, autocannon's 1 request, `node -e 0`. */
  runnerCpuMs: number;
  autocannonCpuMs: number;
  nodeCpuMs: number;
}

const runnerBin = (bin?: string) => bin ?? join(repoRoot, 'dist', 'cli', 'bin.js');
const autocannonBin = join(repoRoot, 'node_modules', 'autocannon', 'autocannon.js');

/** A server that notes when the first bytes of a request arrive after `arm()`, and answers every request 200. */
async function startFirstByteServer() {
  let armedAt = 0;
  let firstAt = 0;
  let firstSeen: (() => void) | null = null;
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    socket.on('data', (chunk) => {
      if (firstAt === 0 && armedAt !== 0) {
        firstAt = performance.now();
        firstSeen?.();
      }
      // One response per request head (good enough for small bodies that arrive with their head).
      const heads = chunk.toString('latin1').split('HTTP/1.1\r\n').length - 1;
      for (let i = 0; i < Math.max(1, heads); i++) socket.write('HTTP/1.1 200 OK\r\ncontent-length: 11\r\ncontent-type: application/json\r\n\r\n{"ok":true}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    /** Resolves with ms from `spawnAt` to the first request byte once `run` has started a process. */
    async measure(run: () => Promise<void>): Promise<number> {
      firstAt = 0;
      armedAt = performance.now();
      const seen = new Promise<void>((r) => (firstSeen = r));
      const exited = run();
      await Promise.race([seen, exited]);
      await exited;
      return firstAt === 0 ? Number.NaN : firstAt - armedAt;
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

const rssProbe = join(repoRoot, 'bench', 'rss-probe.mjs');

/** Runs `node <args>` with bench/rss-probe.mjs preloaded; pushes the process's CPU ms onto `cpuMs`. */
function runProcess(args: string[], cpuMs: number[]): Promise<void> {
  const cpuFile = join(tmpdir(), `runner-bench-startup-cpu-${process.pid}`);
  return new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', rssProbe, ...args], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, RUNNER_BENCH_CPU_FILE: cpuFile } });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`${args.join(' ')} exited ${code}: ${stderr}`))));
  }).then(async () => {
    cpuMs.push(Number(await readFile(cpuFile, 'utf8')) / 1000);
    await rm(cpuFile, { force: true });
  });
}

function median(xs: number[]): number {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  return s.length === 0 ? Number.NaN : s[s.length >> 1];
}

export async function benchStartup(rounds: number, bin?: string): Promise<StartupResult> {
  const server = await startFirstByteServer();
  const signup = join(repoRoot, 'scenarios', 'signup.yaml');
  const runner: number[] = [];
  const autocannon: number[] = [];
  const node: number[] = [];
  const cpu = { runner: [] as number[], autocannon: [] as number[], node: [] as number[] };
  try {
    for (let i = 0; i < rounds; i++) {
      runner.push(await server.measure(() => runProcess([runnerBin(bin), 'run', signup, '--target', server.url, '--vus', '1', '--iterations', '1', '--quiet', '--seed', '1'], cpu.runner)));
      autocannon.push(await server.measure(() => runProcess([autocannonBin, '-c', '1', '-a', '1', '-m', 'POST', '-b', '{"ok":1}', server.url], cpu.autocannon)));
      const t0 = performance.now();
      await runProcess(['-e', '0'], cpu.node);
      node.push(performance.now() - t0);
    }
  } finally {
    await server.close();
  }
  return {
    runnerMs: median(runner),
    autocannonMs: median(autocannon),
    nodeMs: median(node),
    runnerCpuMs: median(cpu.runner),
    autocannonCpuMs: median(cpu.autocannon),
    nodeCpuMs: median(cpu.node),
  };
}

export function renderStartup(r: StartupResult): string {
  return [
    `start-up to the first request (median, spawn → first request byte at the server; CPU of the whole process):`,
    `  runner run signup.yaml   ${r.runnerMs.toFixed(0).padStart(5)} ms   CPU ${r.runnerCpuMs.toFixed(0).padStart(4)} ms   (goal ≤ 150 ms)`,
    `  autocannon 9             ${r.autocannonMs.toFixed(0).padStart(5)} ms   CPU ${r.autocannonCpuMs.toFixed(0).padStart(4)} ms`,
    `  node -e 0 (to exit)      ${r.nodeMs.toFixed(0).padStart(5)} ms   CPU ${r.nodeCpuMs.toFixed(0).padStart(4)} ms`,
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { rounds: { type: 'string', default: '7' }, 'runner-bin': { type: 'string' } } });
  process.stdout.write(renderStartup(await benchStartup(Number(values.rounds), values['runner-bin'])) + '\n');
}
