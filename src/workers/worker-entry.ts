// A worker thread of `runner run --workers N`: compiles the plan again for its own segment (functions cannot
// cross threads), runs it with its own undici pool, posts live counts each second and its whole result at the
// end. This module is both the thread's entry (it starts itself when loaded in a runner worker) and the place
// the main thread starts one from, so the bundled CLI and the sources under tsx find the same file.
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
  /** 1-based: this worker runs segment index/count of the run. */
  index: number;
  count: number;
  stopGraceMs?: number;
  /** Set when an output wants each request's line (NDJSON): the thread makes them and posts them in batches. */
  lines?: LineChannel;
}

/** What a worker posts: live counts each second, then its result (or why it could not run). */
export type FromWorker =
  /** The plan is compiled: the thread waits for 'go', so all threads start their load together. */
  | { type: 'ready' }
  | { type: 'tick'; iterations: RunResult['iterations']; activeVus: number }
  /** One closed second of this thread's numbers (metrics/snapshot.ts), for live progress and thresholds. */
  | { type: 'second'; second: SecondSnapshot }
  | LinesMessage
  /** A k6 script's metrics, checks and groups since its previous delta (k6/thread-delta.ts). */
  | { type: 'k6'; delta: K6Delta }
  /** A k6 script called test.abort() in this thread: the main thread stops them all. */
  | { type: 'k6-abort'; reason: string }
  /** A line a k6 script's console wrote (the main thread writes it to stderr). */
  | { type: 'log'; text: string }
  | { type: 'done'; result: RunResult; codeError?: Diagnostic[] }
  | { type: 'failed'; message: string; diagnostics?: Diagnostic[] };

export type ToWorker = { type: 'go' } | { type: 'stop'; outcome: 'interrupted' | 'aborted' } | { type: 'abort' };

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
  try {
    const [{ loadModel, planFor }, { Run }, { SegmentTuple }, { UserError }, { snapshotSecond, createCheckDeltas }] = await Promise.all([
      import('../run/prepare.ts'),
      import('../run.ts'),
      import('../scheduler/segment.ts'),
      import('../errors.ts'),
      import('../metrics/snapshot.ts'),
    ]);
    let run: InstanceType<typeof Run> | undefined;
    let lines: import('../output/ndjson.ts').NdjsonSink | undefined;
    let k6: K6Hooks | undefined;
    // A k6 script's numbers go to the main thread, which judges its thresholds on all threads' sum.
    const postK6 = () => {
      const delta = k6?.drain();
      if (delta) post({ type: 'k6', delta });
    };
    let pending: ToWorker | undefined;
    let go: () => void = () => {};
    const started = new Promise<void>((resolve) => (go = resolve));
    port.on('message', (m: ToWorker) => {
      // A stop before 'go' also releases the wait: the run then starts stopped and ends at once.
      if (m.type !== 'go' && !run) pending = m;
      else if (m.type === 'stop') run!.stop(m.outcome);
      else if (m.type === 'abort') run!.abort();
      go();
    });
    try {
      const model = await loadModel(input.file, input.cwd, input.inputs, (text) => post({ type: 'log', text }));
      k6 = model.k6;
      const plan = planFor(model, input.inputs, input.seed, SegmentTuple.nth(input.index, input.count));
      lines = input.lines ? (await import('./worker-lines.ts')).createWorkerLineSink(plan, input.lines, port) : undefined;
      run = new Run(plan, { stopGraceMs: input.stopGraceMs, sinks: lines ? [lines] : undefined });
    } catch (err) {
      if (err instanceof UserError) return post({ type: 'failed', message: err.message, diagnostics: err.diagnostics });
      throw err;
    }
    const r = run;
    k6?.attachThread(r, (reason) => post({ type: 'k6-abort', reason }));
    let namesSent = r.metrics.requestNames.length;
    const checkDeltas = createCheckDeltas(() => r.checks.toJSON());
    r.metrics.onSecond((view) => {
      const second = snapshotSecond(view);
      const checks = checkDeltas();
      if (checks) second.checks = checks;
      second.iterations = { ...r.iterations };
      const names = r.metrics.requestNames;
      if (names.length > namesSent) {
        second.names = [];
        for (let id = namesSent; id < names.length; id++) second.names.push([id, names[id], r.metrics.scopeOf(id)]);
        namesSent = names.length;
      }
      post({ type: 'second', second });
    });
    if (pending?.type === 'stop') r.stop(pending.outcome);
    else if (pending?.type === 'abort') r.abort();
    post({ type: 'ready' });
    await started;
    // From now on the run keeps the thread alive; the listener must not, once the run is over.
    port.unref();
    const tick = setInterval(() => {
      post({ type: 'tick', iterations: { ...r.iterations }, activeVus: r.activeVus });
      postK6();
    }, TICK_MS);
    tick.unref();
    const result = await r.start();
    // The last lines before the result: the main thread has every line once the thread is done.
    lines?.close();
    clearInterval(tick);
    post({ type: 'tick', iterations: { ...r.iterations }, activeVus: 0 });
    postK6();
    post({ type: 'done', result, ...(r.scenarioCodeError ? { codeError: r.scenarioCodeError.diagnostics } : {}) });
  } catch (err) {
    post({ type: 'failed', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  }
}
