// The control for `--workers` (bench/workers.ts): the bare undici dispatch loop of bench/undici-loop.ts, split over
// `threads` worker threads the way runner splits its VUs (each thread its own Pool and its share of the
// connections). Its CPU per request in 2 threads ÷ 1 thread, on the same one client core, is what two event loops
// on one core cost with no runner code at all. Prints {"requests","errors","durationMs"} on stdout.
// Plain JS (no tsx: a loader thread would add CPU). Usage: node bench/undici-threads.mjs <url> <connections> <durationMs> <threads> <body>
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { Pool } from 'undici';

if (isMainThread) {
  const [url, connArg, durationArg, threadsArg, body] = process.argv.slice(2);
  const threads = Number(threadsArg);
  const connections = Number(connArg);
  const share = (i) => Math.floor((connections * (i + 1)) / threads) - Math.floor((connections * i) / threads);
  const workers = Array.from({ length: threads }, (_, i) => new Worker(new URL(import.meta.url), { workerData: { url, connections: share(i), durationMs: Number(durationArg), body } }));
  // All threads compile first, then start together (as runner's 'go').
  await Promise.all(workers.map((w) => new Promise((r) => w.once('message', r))));
  const startedAt = performance.now();
  const done = workers.map((w) => new Promise((r) => w.once('message', r)));
  for (const w of workers) w.postMessage('go');
  const results = await Promise.all(done);
  const requests = results.reduce((n, r) => n + r.requests, 0);
  const errors = results.reduce((n, r) => n + r.errors, 0);
  process.stdout.write(JSON.stringify({ requests, errors, durationMs: performance.now() - startedAt }) + '\n');
} else {
  const { url, connections, durationMs, body } = workerData;
  const origin = new URL(url).origin;
  const pool = new Pool(origin, { connections, pipelining: 1, keepAliveTimeout: 4_000 });
  const opts = { origin, path: '/signup', method: 'POST', headers: ['content-type', 'application/json'], body };
  let requests = 0;
  let errors = 0;
  let running = 0;
  let stopAt = 0;
  let finish = () => {};
  class Loop {
    send() {
      if (performance.now() >= stopAt) {
        if (--running === 0) finish();
        return;
      }
      pool.dispatch(opts, this);
    }
    onRequestStart() {}
    onResponseStart() {}
    onResponseData() {}
    onResponseEnd() {
      requests++;
      this.send();
    }
    onResponseError() {
      errors++;
      this.send();
    }
  }
  parentPort.postMessage('ready');
  parentPort.once('message', async () => {
    stopAt = performance.now() + durationMs;
    const done = new Promise((r) => (finish = r));
    for (let i = 0; i < connections; i++) {
      running++;
      new Loop().send();
    }
    await done;
    await pool.destroy();
    parentPort.postMessage({ requests, errors });
  });
}
