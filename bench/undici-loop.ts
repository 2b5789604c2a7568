// undici's ceiling: `connections` loops, each re-dispatching one static POST through a shared Pool with a reusable
// handler object, for `durationMs`. Prints {"requests","errors","non2xx","durationMs"} as JSON on stdout.
// Usage: node --import tsx bench/undici-loop.ts <url> <connections> <durationMs> <body>
import { Pool, type Dispatcher } from 'undici';

const [url, connArg, durationArg, body] = process.argv.slice(2);
const connections = Number(connArg);
const durationMs = Number(durationArg);
const origin = new URL(url).origin;
const pool = new Pool(origin, { connections, pipelining: 1, keepAliveTimeout: 4_000 });
const opts: Dispatcher.DispatchOptions = { origin, path: '/signup', method: 'POST', headers: ['content-type', 'application/json'], body };

let requests = 0;
let errors = 0;
let non2xx = 0;
let stopAt = 0;
let running = 0;
let finish: () => void = () => {};

/** One closed loop; the object is its own handler, reused for every request it sends. */
class Loop implements Dispatcher.DispatchHandler {
  private status = 0;
  start(): void {
    running++;
    this.send();
  }
  private send(): void {
    if (performance.now() >= stopAt) {
      if (--running === 0) finish();
      return;
    }
    pool.dispatch(opts, this);
  }
  onRequestStart(): void {}
  onResponseStart(_c: Dispatcher.DispatchController, statusCode: number): void {
    this.status = statusCode;
  }
  onResponseData(): void {}
  onResponseEnd(): void {
    requests++;
    if (this.status < 200 || this.status >= 300) non2xx++;
    this.send();
  }
  onResponseError(): void {
    errors++;
    this.send();
  }
}

const startedAt = performance.now();
stopAt = startedAt + durationMs;
const done = new Promise<void>((r) => (finish = r));
for (let i = 0; i < connections; i++) new Loop().start();
await done;
const elapsed = performance.now() - startedAt;
await pool.destroy();
process.stdout.write(JSON.stringify({ requests: requests + errors, errors, non2xx, durationMs: elapsed }) + '\n');
