// runner's own cost per request, without the network: the real Run (scheduler, field draws, templates, Exchange,
// InFlight, metrics) on scenarios/signup.yaml, with undici's Pool.dispatch replaced by an in-process fake that
// answers like nginx on the next event-loop turn; beside it a bare loop of reusable handlers on the same fake.
// The difference is what runner adds on top of its HTTP client. CPU time, median of rounds, so other load on the
// machine matters little. Usage: node --import tsx bench/hot-path.ts [--iterations 200000] [--rounds 5]
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Pool, type Dispatcher } from 'undici';
import { createRng } from '../src/generators/rng.ts';
import { compilePlan } from '../src/plan/compile.ts';
import { Run } from '../src/run.ts';
import { loadScenario } from '../src/scenario/load.ts';
import { applyShortcuts } from '../src/scenario/shortcuts.ts';
import { repoRoot } from './clients.ts';

// As undici's HTTP/1.1 parser hands them to a handler: raw name/value buffers.
const RAW_HEADERS = ['Server', 'nginx/1.22.1', 'Date', 'Wed, 25 Nov 2026 03:40:00 GMT', 'Content-Type', 'application/json', 'Content-Length', '11', 'Connection', 'keep-alive'].map((h) => Buffer.from(h, 'latin1'));
const RESPONSE_BODY = Buffer.from('{"ok":true}');
const ABORT = () => {};
const RESUME = () => {};

/** The legacy handler callbacks undici's Client calls (what Exchange and the bare loop implement). */
interface LegacyHandler {
  onConnect?(abort: () => void): void;
  onHeaders?(statusCode: number, headers: Buffer[], resume: () => void, statusText: string): boolean | void;
  onData?(chunk: Buffer): boolean | void;
  onComplete?(trailers: Buffer[]): void;
}

// Requests dispatched this turn; all answered together on the next one, as a socket read would.
let queue: LegacyHandler[] = [];
let scheduled = false;
function answerAll(): void {
  const batch = queue;
  queue = [];
  scheduled = false;
  for (const h of batch) {
    h.onConnect?.(ABORT);
    h.onHeaders?.(200, RAW_HEADERS, RESUME, 'OK');
    h.onData?.(RESPONSE_BODY);
    h.onComplete?.([]);
  }
}
/** Stands in for Pool.prototype.dispatch: encodes a string body as undici's Request does, answers 200 on the next turn. */
function fakeDispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
  if (typeof opts.body === 'string') Buffer.from(opts.body);
  queue.push(handler as unknown as LegacyHandler);
  if (!scheduled) {
    scheduled = true;
    setImmediate(answerAll);
  }
  return true;
}

async function runnerRound(iterations: number, vus: number): Promise<number> {
  const file = join(repoRoot, 'scenarios', 'signup.yaml');
  const model = applyShortcuts(await loadScenario(file, repoRoot), { vus, iterations });
  const plan = compilePlan(model, { seed: 1, env: {}, target: 'http://127.0.0.1:9' });
  const run = new Run(plan);
  const before = process.cpuUsage();
  const result = await run.start();
  const used = process.cpuUsage(before);
  if (result.totals.byStatus['200'] !== iterations) throw new Error(`hot-path: expected ${iterations} × 200, got ${JSON.stringify(result.totals)}`);
  return (used.user + used.system) / iterations;
}

/** `vus` reusable handlers re-dispatching one static body: the floor under any client on this dispatcher. */
async function bareRound(iterations: number, vus: number, body: string): Promise<number> {
  const pool = new Pool('http://127.0.0.1:9', { connections: vus });
  const opts: Dispatcher.DispatchOptions = { origin: 'http://127.0.0.1:9', path: '/signup', method: 'POST', headers: ['content-type', 'application/json'], body };
  let left = iterations;
  let done: () => void = () => {};
  const finished = new Promise<void>((r) => (done = r));
  let running = vus;
  const handler = {
    onConnect() {},
    onHeaders() {
      return true;
    },
    onData() {
      return true;
    },
    onComplete() {
      if (left-- > 0) pool.dispatch(opts, handler as unknown as Dispatcher.DispatchHandler);
      else if (--running === 0) done();
    },
    onError() {},
  };
  const before = process.cpuUsage();
  for (let i = 0; i < vus; i++) handler.onComplete();
  await finished;
  const used = process.cpuUsage(before);
  await pool.destroy();
  return (used.user + used.system) / iterations;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

export async function benchHotPath(iterations: number, rounds: number, vus = 100): Promise<{ runnerUs: number; bareUs: number }> {
  const original = Pool.prototype.dispatch;
  Pool.prototype.dispatch = fakeDispatch;
  try {
    const model = await loadScenario(join(repoRoot, 'scenarios', 'signup.yaml'), repoRoot);
    const plan = compilePlan(model, { seed: 1, env: {} });
    const body = plan.scenarios[0].steps![0].body!(plan.fields.map((f) => f.draw(createRng(1), 0)));
    await runnerRound(Math.min(iterations, 20_000), vus); // warm-up: JIT
    await bareRound(Math.min(iterations, 20_000), vus, body);
    const runner: number[] = [];
    const bare: number[] = [];
    for (let i = 0; i < rounds; i++) {
      runner.push(await runnerRound(iterations, vus));
      bare.push(await bareRound(iterations, vus, body));
    }
    return { runnerUs: median(runner), bareUs: median(bare) };
  } finally {
    Pool.prototype.dispatch = original;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { iterations: { type: 'string', default: '200000' }, rounds: { type: 'string', default: '5' } } });
  const { runnerUs, bareUs } = await benchHotPath(Number(values.iterations), Number(values.rounds));
  process.stdout.write(
    `hot path, CPU per request (median of ${values.rounds} rounds of ${values.iterations}, network replaced by an in-process fake):\n` +
      `  runner (signup.yaml: scheduler, 4 fields, template, exchange, metrics)  ${runnerUs.toFixed(2)} µs\n` +
      `  bare dispatch loop (static body)                                        ${bareUs.toFixed(2)} µs\n` +
      `  runner's own cost                                                       ${(runnerUs - bareUs).toFixed(2)} µs/request\n`,
  );
}
