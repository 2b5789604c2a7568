// Soak: a bounded long run (default 300,000 requests) against a local server in its own process, sampling
// this process's RSS and heap every second, to show memory stays flat after warm-up. Not part of the test
// suite (it takes half a minute or more). Run: node [--expose-gc] --import tsx bench/soak.ts [requests] [vus] [faulty]
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compilePlan } from '../src/plan/compile.ts';
import { Run } from '../src/run.ts';
import { loadYamlScenario } from '../src/scenario/load-yaml.ts';

const requests = Number(process.argv[2] ?? 300_000);
const vus = Number(process.argv[3] ?? 50);
/** `faulty`: the server destroys the socket of every 7th request, so the error path soaks too. */
const faulty = process.argv[4] === 'faulty';
const root = fileURLToPath(new URL('..', import.meta.url));

// The target: reads each body, answers 200, counts. Its own process, so its memory is not in the curve.
const serverCode = `
const http = require('node:http');
let n = 0;
const s = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => { n++; if (FAULTY && n % 7 === 0) return req.socket.destroy(); res.writeHead(200, { 'content-type': 'application/json', 'content-length': 11 }); res.end('{"ok":true}'); });
});
s.keepAliveTimeout = 10000;
s.listen(0, '127.0.0.1', () => console.log(s.address().port));
process.on('message', () => process.send(n));
`;

async function main(): Promise<void> {
  const server = spawn(process.execPath, ['-e', serverCode.replace('FAULTY', String(faulty))], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  const [portLine] = (await once(server.stdout!, 'data')) as [Buffer];
  const port = Number(portLine.toString().trim());
  try {
    const yaml = [
      'name: soak',
      `target: http://127.0.0.1:${port}`,
      'http: { timeout: 5s }',
      'headers: { Content-Type: application/json }',
      'fields:',
      '  userId: { gen: string, length: 8, charset: alpha }',
      '  userName: { gen: koreanName, given: 2 }',
      '  email: { gen: email, length: 5, charset: alpha, domain: gmail.com }',
      '  userPw: { gen: string, length: 10, charset: alpha }',
      'requests:',
      '  - { name: signup, method: POST, path: /signup, template: templates/user.json, expect: 200 }',
      `load: { executor: shared-iterations, vus: ${vus}, iterations: ${requests}, maxDuration: 30m }`,
      '',
    ].join('\n');
    const plan = compilePlan(loadYamlScenario(yaml, resolve(root, 'soak.yaml')), { seed: 1, env: {} });
    const run = new Run(plan);
    const samples: { s: number; requests: number; rssMiB: number; heapMiB: number }[] = [];
    const t0 = performance.now();
    // With --expose-gc, a full GC before each sample shows live memory rather than garbage not yet collected.
    const gc = (globalThis as { gc?: () => void }).gc;
    const sample = (): void => {
      gc?.();
      const m = process.memoryUsage();
      const s = { s: Math.round((performance.now() - t0) / 1000), requests: run.metrics.requests(), rssMiB: m.rss / 2 ** 20, heapMiB: m.heapUsed / 2 ** 20 };
      samples.push(s);
      console.log(`${String(s.s).padStart(4)} s  ${String(s.requests).padStart(8)} req  rss ${s.rssMiB.toFixed(1).padStart(6)} MiB  heap ${s.heapMiB.toFixed(1).padStart(6)} MiB`);
    };
    const timer = setInterval(sample, 1000);
    const result = await run.start();
    clearInterval(timer);
    sample();
    server.send('count');
    const [serverCount] = (await once(server, 'message')) as [number];

    const statuses = Object.values(result.totals.byStatus).reduce((a, b) => a + b, 0);
    const errors = Object.values(result.totals.errors).reduce((a, b) => a + b, 0);
    console.log(`\nrequests ${result.totals.requests} = ${statuses} statuses + ${errors} errors; server counted ${serverCount}`);
    console.log(`rate ${result.totals.rps.toFixed(0)}/s over ${(result.durationMs / 1000).toFixed(1)} s; p50 ${result.latency.p50} ms p99 ${result.latency.p99} ms`);
    // Flat after warm-up: compare the first quarter (after warm-up) with the last quarter of the samples.
    const warm = samples.slice(Math.ceil(samples.length * 0.2));
    const q = Math.max(1, Math.floor(warm.length / 4));
    const avg = (xs: typeof warm, k: 'rssMiB' | 'heapMiB') => xs.reduce((a, x) => a + x[k], 0) / xs.length;
    const early = warm.slice(0, q);
    const late = warm.slice(-q);
    console.log(
      `after warm-up: rss ${avg(early, 'rssMiB').toFixed(1)} → ${avg(late, 'rssMiB').toFixed(1)} MiB, heap ${avg(early, 'heapMiB').toFixed(1)} → ${avg(late, 'heapMiB').toFixed(1)} MiB, peak rss ${Math.max(...samples.map((s) => s.rssMiB)).toFixed(1)} MiB`,
    );
    console.log(`errors: ${JSON.stringify(result.totals.errors)}`);
    if (result.totals.requests !== statuses + errors || result.totals.requests !== serverCount) process.exitCode = 1;
  } finally {
    server.kill();
  }
}

await main();
