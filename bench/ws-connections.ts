// `node --import tsx bench/ws-connections.ts [N] [workers]`: one runner process holds N (default 10,000) WebSocket
// connections open to a ws server in another process, and this prints runner's peak RSS (VmHWM) beside the
// connection counts from the result file. Connections open at 2,000/s (a burst of 10k overflows the accept
// queue: somaxconn is 4,096 here) and each is held 10 s, so all N are open at once for a few seconds.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const n = Number(process.argv[2] ?? 10_000);
/** `--workers N` for runner (worker threads); 0: none. */
const workers = Number(process.argv[3] ?? 0);
const repo = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'runner-ws-bench-'));

// The target: a ws echo-less server that only holds sockets, in its own process so its memory is not counted.
const serverCode = `
import { WebSocketServer } from 'ws';
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, backlog: 4096, perMessageDeflate: false });
let peak = 0;
wss.on('connection', (ws) => { peak = Math.max(peak, wss.clients.size); ws.on('error', () => {}); });
wss.on('listening', () => console.log(wss.address().port));
process.on('SIGTERM', () => { console.log('server peak open', peak); process.exit(0); });
`;
writeFileSync(join(repo, 'bench', '.ws-server.mjs'), serverCode);
const server = spawn(process.execPath, [join(repo, 'bench', '.ws-server.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] });
const port = await new Promise<number>((resolve) => server.stdout.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))));

const rate = 2_000;
const scenario = join(dir, 'hold.yaml');
writeFileSync(
  scenario,
  `requests:
  - ws:
      name: hold
      url: ws://127.0.0.1:${port}/
      timeout: 30s
      steps:
        - hold: 10s
load: { executor: constant-arrival-rate, rate: ${rate}, timeUnit: 1s, duration: ${Math.ceil(n / rate)}s, preAllocatedVUs: ${n}, maxVUs: ${n} }
`,
);
const out = join(dir, 'r.json');
const runner = spawn(process.execPath, [...(process.env.RUNNER_PROF ? ['--cpu-prof', '--cpu-prof-dir=' + process.env.RUNNER_PROF] : []), join(repo, 'dist', 'cli', 'bin.js'), 'run', scenario, '--out', out, '--quiet', ...(workers > 0 ? ['--workers', String(workers)] : [])], { stdio: 'inherit' });
let peakKb = 0;
const poll = setInterval(() => {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${runner.pid}/status`, 'utf8'));
    if (m) peakKb = Math.max(peakKb, Number(m[1]));
  } catch {
    // exited
  }
}, 100);
const code = await new Promise<number | null>((resolve) => runner.once('exit', resolve));
clearInterval(poll);
server.kill('SIGTERM');
await new Promise((r) => server.once('exit', r));
const result = JSON.parse(readFileSync(out, 'utf8'));
const c = result.ws.connections;
console.log(
  JSON.stringify({ connections: n, workers, exit: code, opened: c.opened, failed: c.failed, failures: c.failures, peakOpen: c.peakOpen, connectP50Ms: c.connecting.p50, connectP99Ms: c.connecting.p99, runnerPeakRssMB: Math.round(peakKb / 1024) }),
);
rmSync(dir, { recursive: true, force: true });
rmSync(join(repo, 'bench', '.ws-server.mjs'), { force: true });
