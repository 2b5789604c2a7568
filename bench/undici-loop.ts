// undici's ceiling: `connections` loops, each re-dispatching one static POST through a shared Pool with a reusable
// handler object, for `durationMs`. Prints {"requests","errors","non2xx","durationMs"} as JSON on stdout.
// With a 5th argument <warmupMs>, it first runs that long unrecorded, then records each request's latency and
// adds "p50Us","p99Us" (the latency benchmark, bench/latency.ts).
// Usage: node --import tsx bench/undici-loop.ts <url> <connections> <durationMs> <body> [warmupMs]
import { build } from 'hdr-histogram-js';
import { Pool, type Dispatcher } from 'undici';

const [url, connArg, durationArg, body, warmupArg] = process.argv.slice(2);
const warmupMs = warmupArg === undefined ? -1 : Number(warmupArg);
const latency = warmupMs < 0 ? null : build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 });
let recordFrom = 0;
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
  private sentAt = 0;
  start(): void {
    running++;
    this.send();
  }
  private send(): void {
    if (performance.now() >= stopAt) {
      if (--running === 0) finish();
      return;
    }
    if (latency !== null) this.sentAt = performance.now();
    pool.dispatch(opts, this);
  }
  onRequestStart(): void {}
  onResponseStart(_c: Dispatcher.DispatchController, statusCode: number): void {
    this.status = statusCode;
  }
  onResponseData(): void {}
  onResponseEnd(): void {
    if (latency !== null) {
      const now = performance.now();
      if (now < recordFrom) return this.send();
      latency.recordValue(Math.max(1, Math.round((now - this.sentAt) * 1000)));
    }
    requests++;
    if (this.status < 200 || this.status >= 300) non2xx++;
    this.send();
  }
  onResponseError(): void {
    errors++;
    this.send();
  }
}

let startedAt = performance.now();
recordFrom = startedAt + Math.max(0, warmupMs);
stopAt = recordFrom + durationMs;
if (warmupMs > 0) startedAt = recordFrom;
const done = new Promise<void>((r) => (finish = r));
for (let i = 0; i < connections; i++) new Loop().start();
await done;
const elapsed = performance.now() - startedAt;
await pool.destroy();
const percentiles = latency === null ? {} : { p50Us: latency.getValueAtPercentile(50), p99Us: latency.getValueAtPercentile(99) };
process.stdout.write(JSON.stringify({ requests: requests + errors, errors, non2xx, durationMs: elapsed, ...percentiles }) + '\n');
