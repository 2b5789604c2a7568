// Debian's real Prometheus (2.42) for the remote-write tests: started with the remote-write receiver on a free
// loopback port and a temporary TSDB, queried over its HTTP API, stopped by its PID.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Why the tests cannot run here (no prometheus binary), or undefined when they can. */
export function prometheusMissing(): string | undefined {
  const r = spawnSync('prometheus', ['--version'], { encoding: 'utf8' });
  return r.error || r.status !== 0 ? 'prometheus not installed (Debian: apt-get install prometheus; .ci/run installs it)' : undefined;
}

export interface RunningPrometheus {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  /** The remote-write receiver. */
  writeUrl: string;
  pid: number;
  /** An instant query: the result vector. */
  query(expr: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]>;
  /** A range query over the last `seconds` at a 1 s step (what a Grafana panel asks): the result matrix. */
  queryRange(expr: string, seconds: number): Promise<{ metric: Record<string, string>; values: [number, string][] }[]>;
  /** SIGTERM by PID, waits for the exit (SIGKILL after 5 s). */
  stop(): Promise<void>;
  /** stop() and remove the TSDB folder. */
  dispose(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((res) => server.close(() => res()));
  return port;
}

export async function startPrometheus(): Promise<RunningPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'runner-prom-'));
  writeFileSync(join(dir, 'prometheus.yml'), 'global:\n  scrape_interval: 1m\n');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    'prometheus',
    [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--web.enable-remote-write-receiver', '--log.level=warn'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr?.on('data', (d) => (log = (log + d).slice(-4000)));
  const exited = new Promise<void>((res) => child.once('exit', () => res()));
  let alive = true;
  void exited.then(() => (alive = false));
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (!alive) throw new Error(`prometheus exited at start:\n${log}`);
    try {
      const res = await fetch(`${url}/-/ready`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`prometheus not ready in 20 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const stop = async (): Promise<void> => {
    if (!alive) return;
    process.kill(child.pid as number, 'SIGTERM');
    const timer = setTimeout(() => alive && process.kill(child.pid as number, 'SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
  return {
    url,
    writeUrl: `${url}/api/v1/write`,
    pid: child.pid as number,
    async query(expr) {
      const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`);
      const body = (await res.json()) as { status: string; data: { result: { metric: Record<string, string>; value: [number, string] }[] }; error?: string };
      if (body.status !== 'success') throw new Error(`query ${expr}: ${body.error}`);
      return body.data.result;
    },
    async queryRange(expr, seconds) {
      const end = Date.now() / 1000;
      const res = await fetch(`${url}/api/v1/query_range?query=${encodeURIComponent(expr)}&start=${end - seconds}&end=${end}&step=1`);
      const body = (await res.json()) as { status: string; data: { result: { metric: Record<string, string>; values: [number, string][] }[] }; error?: string };
      if (body.status !== 'success') throw new Error(`query_range ${expr}: ${body.error}`);
      return body.data.result;
    },
    stop,
    async dispose() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
