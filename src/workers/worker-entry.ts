// A worker thread of `runner run --workers N`: compiles the plan again for its own segment (functions cannot
// cross threads), runs it with its own undici pool, posts live counts each second and its whole result at the
// end. This module is both the thread's entry (it starts itself when loaded in a runner worker) and the place
// the main thread starts one from, so the bundled CLI and the sources under tsx find the same file.
import { resolve } from 'node:path';
import { isMainThread, parentPort, Worker, workerData, type MessagePort } from 'node:worker_threads';
import type { Diagnostic } from '../errors.ts';
import type { RunResult } from '../result/types.ts';
import type { PlanInputs } from '../run/prepare.ts';
import type { SecondSnapshot } from '../metrics/snapshot.ts';
import type { LineChannel, LinesMessage } from './worker-lines.ts';
import type { K6Delta } from '../k6/thread-delta.ts';
import type { K6Hooks } from '../k6/hooks.ts';

export interface WorkerInput {
  kind: 'runner-worker';
  file: string;
  cwd: string;
  inputs: PlanInputs;
  seed: number;
  /** 1-based: this worker runs segment index/count of the run (of the process's segment, when it has one). */
  index: number;
  count: number;
  /** The process's own segment (--segment), which the threads cut in `count`: RunResult.scenario's texts. */
  segment?: { segment: string; segmentSequence: string };
  stopGraceMs?: number;
  /** A warm-up will come first ('warmup'): the run is made after it, on its connections. */
  warmUp?: boolean;
  /** Set when an output wants each request's line (NDJSON): the thread makes them and posts them in batches. */
  lines?: LineChannel;
}

/** What a worker posts: live counts each second, then its result (or why it could not run). */
export type FromWorker =
  /** The plan is compiled: the thread waits for 'go' (or 'warmup'), so all threads start their load together. */
  | { type: 'ready' }
  /** Its warm-up ended after `ms`: it waits for 'go'. */
  | { type: 'warmed'; ms: number }
  | { type: 'tick'; iterations: RunResult['iterations']; activeVus: number }
  /** One closed second of this thread's numbers (metrics/snapshot.ts), for live progress and thresholds. */
  | { type: 'second'; second: SecondSnapshot }
  | LinesMessage
  /** A k6 script's metrics, checks and groups since its previous delta (k6/thread-delta.ts). */
  | { type: 'k6'; delta: K6Delta }
  /** Scenario code in this thread called process.exit() (the guard refused it): the main thread stops them all. */
  | { type: 'halt'; outcome: 'aborted' }
  /** A k6 script called test.abort() in this thread: the main thread stops them all. */
  | { type: 'k6-abort'; reason: string }
  /** A line a k6 script's console wrote (the main thread writes it to stderr). */
  | { type: 'log'; text: string }
  | { type: 'done'; result: RunResult; codeError?: Diagnostic[] }
  | { type: 'failed'; message: string; diagnostics?: Diagnostic[] };

export type ToWorker =
  /** Start the load; `setupData`: what the setups returned on the main thread (setup() never runs in a thread). */
  | { type: 'go'; setupData?: unknown[] }
  /** Run the load for `ms` on this thread's pool, recording nothing (--warmup), then wait for 'go'. */
  | { type: 'warmup'; ms: number }
  | { type: 'stop'; outcome: 'interrupted' | 'aborted' }
  | { type: 'abort' };

const TICK_MS = 1_000;

/** Starts a worker thread running `input`'s segment. */
export function startWorker(input: WorkerInput): Worker {
  // No parent flags carry over (a test runner's --test must not start again per thread).
  const options = { workerData: input, execArgv: [] };
  if (!import.meta.url.endsWith('.ts')) return new Worker(new URL(import.meta.url), options);
  // From the sources (tests under tsx): the thread registers tsx's loader before it imports this file.
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(import.meta.url)}); });`;
  return new Worker(boot, { ...options, eval: true });
}

if (!isMainThread && (workerData as WorkerInput | null)?.kind === 'runner-worker' && parentPort) void runWorker(workerData as WorkerInput, parentPort);

async function runWorker(input: WorkerInput, port: MessagePort): Promise<void> {
  const post = (m: FromWorker) => port.postMessage(m);
  // The thread's own guard, as the CLI's on the main thread (this module is a thread's entry, its "bin"): a throw
  // in a timer or an unhandled rejection of scenario code fails its iteration instead of ending the thread (and
  // losing its numbers); process.exit() in scenario code stops the run. A no-op for YAML.
  const { guardScenarioCode } = await import('../cli/scenario-guard.ts');
  const guard = guardScenarioCode(resolve(input.cwd, input.file));
  try {
    const [{ loadModel, planFor }, { Run }, { SegmentTuple, parseSegmentSpec }, { UserError }, { followSeconds }, { startWarmUp }] = await Promise.all([
      import('../run/prepare.ts'),
      import('../run.ts'),
      import('../scheduler/segment.ts'),
      import('../errors.ts'),
      import('./follow-seconds.ts'),
      import('../warm-up.ts'),
    ]);
    let k6: K6Hooks | undefined;
    // A k6 script's numbers go to the main thread, which judges its thresholds on all threads' sum.
    const postK6 = () => {
      const delta = k6?.drain();
      if (delta) post({ type: 'k6', delta });
    };
    // What the main thread asked for, in order; a stop or abort is kept apart and applies to what runs now.
    const inbox: ToWorker[] = [];
    let halt: Extract<ToWorker, { type: 'stop' | 'abort' }> | undefined;
    let running: { stop(outcome: 'interrupted' | 'aborted'): void; abort(): void } | undefined;
    let wake: () => void = () => {};
    port.on('message', (m: ToWorker) => {
      if (m.type === 'stop' || m.type === 'abort') {
        if (halt?.type !== 'abort') halt = m;
        if (m.type === 'stop') running?.stop(m.outcome);
        else running?.abort();
      } else inbox.push(m);
      wake();
    });
    /** The next 'warmup' or 'go'; after a stop, whatever came (a stop before 'go' starts the run stopped: it ends at once). */
    const next = async (): Promise<ToWorker | undefined> => {
      while (inbox.length === 0 && !halt) await new Promise<void>((r) => (wake = r));
      return inbox.shift();
    };
    let plan: ReturnType<typeof planFor>;
    try {
      const model = await loadModel(input.file, input.cwd, input.inputs, (text) => post({ type: 'log', text }));
      k6 = model.k6;
      const own = SegmentTuple.nth(input.index, input.count);
      const segment = input.segment ? SegmentTuple.within(parseSegmentSpec(input.segment.segment, input.segment.segmentSequence), own) : own;
      // An explicit connection count (http.connections, --connections) is the process's, as on one thread: each
      // thread opens its share of it, as it runs its share of the VUs (at least one).
      const connections = model.http.connections;
      const shared = connections === undefined ? model : { ...model, http: { ...model.http, connections: Math.max(1, own.scale(connections)) } };
      plan = planFor(shared, input.inputs, input.seed, segment);
    } catch (err) {
      if (err instanceof UserError) return post({ type: 'failed', message: err.message, diagnostics: err.diagnostics });
      throw err;
    }
    // The measured run, ready before 'go' (so the load starts at once), unless a warm-up opens its connections first.
    const makeRun = async (pools: import('../http/pool.ts').Pools | undefined) => {
      const lines = input.lines ? (await import('./worker-lines.ts')).createWorkerLineSink(plan, input.lines, port) : undefined;
      return { lines, run: new Run(plan, { stopGraceMs: input.stopGraceMs, pools, sinks: lines ? [lines] : undefined }) };
    };
    const early = input.warmUp ? undefined : await makeRun(undefined);
    post({ type: 'ready' });
    let m = await next();
    let pools: import('../http/pool.ts').Pools | undefined;
    if (m?.type === 'warmup') {
      let warmedMs = 0;
      if (!halt) {
        const warmUp = startWarmUp(plan, m.ms);
        running = { stop: () => warmUp.stop(), abort: () => warmUp.stop() };
        pools = warmUp.pools;
        warmedMs = await warmUp.done;
      }
      post({ type: 'warmed', ms: warmedMs });
      m = await next();
    }
    const { lines, run: r } = early ?? (await makeRun(pools));
    // setup() ran once on the main thread (or not at all): never here.
    r.useSetupData(m?.type === 'go' ? (m.setupData ?? []) : []);
    running = r;
    if (halt?.type === 'stop') r.stop(halt.outcome);
    else if (halt?.type === 'abort') r.abort();
    k6?.attachThread(r, (reason) => post({ type: 'k6-abort', reason }));
    guard.attach({
      scenarioFault: (err) => r.scenarioFault(err),
      inScenarioCode: () => r.inScenarioCode(),
      warn: (text) => r.warn(text),
      stop: (outcome) => {
        r.stop(outcome);
        post({ type: 'halt', outcome: 'aborted' });
      },
    });
    followSeconds(r, (second) => post({ type: 'second', second }));
    // From now on the run keeps the thread alive; the listener must not, once the run is over.
    port.unref();
    const tick = setInterval(() => {
      post({ type: 'tick', iterations: { ...r.iterations }, activeVus: r.activeVus });
      postK6();
    }, TICK_MS);
    tick.unref();
    k6?.measuring();
    try {
      const result = await r.start();
      // The last lines before the result: the main thread has every line once the thread is done.
      lines?.close();
      clearInterval(tick);
      post({ type: 'tick', iterations: { ...r.iterations }, activeVus: 0 });
      postK6();
      post({ type: 'done', result, ...(r.scenarioCodeError ? { codeError: r.scenarioCodeError.diagnostics } : {}) });
    } finally {
      await pools?.destroy();
    }
  } catch (err) {
    post({ type: 'failed', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  } finally {
    guard.release();
  }
}
