// The benchmark's HTTP target, pinned to its own core: nginx from Debian when installed (one worker, a constant
// `{"ok":true}`), else a small node:http server in a child process. Both drain the request body and keep sockets alive.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Target {
  /** 'nginx 1.22.1' or 'node:http (node v20…)'. */
  readonly name: string;
  /** Base URL without a trailing slash. */
  readonly url: string;
  readonly pid: number;
  close(): Promise<void>;
}

/** The path of an executable on PATH (or in /usr/sbin, where Debian puts nginx), or undefined. */
export function findExecutable(name: string): string | undefined {
  for (const dir of [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/local/sbin']) {
    if (dir === '') continue;
    const path = join(dir, name);
    if (spawnSync('test', ['-x', path]).status === 0) return path;
  }
  return undefined;
}

/** Starts the target under `taskset -c <cpu>`: nginx if present, else node:http. */
export async function startTarget(cpu: number): Promise<Target> {
  const nginx = findExecutable('nginx');
  return nginx ? startNginx(nginx, cpu) : startNodeTarget(cpu);
}

async function startNginx(nginx: string, cpu: number): Promise<Target> {
  const dir = await mkdtemp(join(tmpdir(), 'runner-bench-nginx-'));
  const port = await freePort();
  const conf = join(dir, 'nginx.conf');
  await writeFile(
    conf,
    `daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 16384; }
http {
  access_log off;
  keepalive_requests 100000000;
  keepalive_timeout 75s;
  client_body_buffer_size 16k;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  server {
    listen 127.0.0.1:${port} backlog=4096;
    location / {
      default_type application/json;
      return 200 '{"ok":true}';
    }
  }
}
`,
  );
  const version = (spawnSync(nginx, ['-v'], { encoding: 'utf8' }).stderr ?? '').replace('nginx version: ', '').trim();
  const child = spawn('taskset', ['-c', String(cpu), nginx, '-p', dir, '-e', `${dir}/error.log`, '-c', conf], { stdio: ['ignore', 'ignore', 'inherit'] });
  await waitForPort(port, child);
  return {
    name: version || 'nginx',
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    async close() {
      // SIGQUIT: graceful shutdown of the master and its worker.
      await stopChild(child, 'SIGQUIT');
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function startNodeTarget(cpu: number): Promise<Target> {
  const script = fileURLToPath(new URL('./node-target.mjs', import.meta.url));
  const port = await freePort();
  const child = spawn('taskset', ['-c', String(cpu), process.execPath, script, String(port)], { stdio: ['ignore', 'ignore', 'inherit'] });
  await waitForPort(port, child);
  return {
    name: `node:http (node ${process.version})`,
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    close: () => stopChild(child, 'SIGTERM'),
  };
}

/** A port nothing listens on right now (bound on 0, then closed). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`target exited with ${child.exitCode} before listening`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`target did not listen on ${port} within 10 s`);
}

/** Signals the child by its PID and waits for it to exit (SIGKILL after 5 s). */
export function stopChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill(signal);
  });
}
