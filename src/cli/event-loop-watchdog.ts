// `runner run`: Ctrl-C must end runner even when scenario code blocks the event loop (`while (true) {}`): signal listeners run
// on that loop, so they never would. A worker thread watches a heartbeat of the main loop; after `blockedMs`
// without one it runs, through the inspector (V8 interrupts even a busy loop for it), a hook on the main thread
// that says so on stderr and removes the stop-signal listeners: the next Ctrl-C, SIGTERM or SIGHUP then ends the
// process by the signal's default action (a shell shows 130 for Ctrl-C). No result can be written at that point
// (it would need the blocked loop), and the message says so. When the loop runs again the listeners come back.
import { writeSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

/** The one global name the worker can reach the main thread by (Runtime.evaluate sees only globals). */
const HOOK = 'runner.eventLoopBlocked';
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
const HEARTBEAT_MS = 250;

/** Plain CommonJS run by the worker (eval: a separate file would need its own entry in the bundle). */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { Session } = require('node:inspector');
const beats = new Int32Array(workerData.beats);
let last = Atomics.load(beats, 0);
let since = Date.now();
let fired = false;
let session = null;
setInterval(() => {
  const now = Atomics.load(beats, 0);
  if (now !== last) {
    last = now;
    since = Date.now();
    fired = false;
    return;
  }
  if (fired || Date.now() - since < workerData.blockedMs) return;
  fired = true;
  if (session === null) {
    session = new Session();
    session.connectToMainThread();
  }
  session.post('Runtime.evaluate', { expression: 'globalThis[Symbol.for(${JSON.stringify(HOOK)})]?.()' }, () => {});
}, 100);
`;

function say(text: string): void {
  try {
    // Synchronous on fd 2: process.stderr would queue the text on the blocked loop.
    writeSync(2, text);
  } catch {
    // stderr closed: nothing to tell.
  }
}

/**
 * Starts the watchdog for this process (the run command, through Io); returns the function that stops it. `blockedMs`: how long the loop may
 * be blocked before Ctrl-C is made to end the process at once.
 */
export function startEventLoopWatchdog(blockedMs = 3000): () => void {
  const beats = new Int32Array(new SharedArrayBuffer(4));
  const globals = globalThis as unknown as Record<symbol, unknown>;
  const hook = Symbol.for(HOOK);
  /** The listeners taken off while the loop is blocked, to put back when it runs again. */
  let removed: Array<[NodeJS.Signals, Function[]]> | null = null;

  const restore = (): void => {
    if (removed === null) return;
    for (const [signal, listeners] of removed) for (const l of listeners) process.on(signal, l as NodeJS.SignalsListener);
    removed = null;
  };
  globals[hook] = (): void => {
    if (removed !== null) return;
    removed = STOP_SIGNALS.map((s) => [s, process.listeners(s)]);
    for (const s of STOP_SIGNALS) process.removeAllListeners(s);
    say(
      `\nrunner: the event loop has been blocked for ${blockedMs / 1000} s (scenario code that never yields, e.g. a synchronous endless loop?): ` +
        'Ctrl-C, SIGTERM or SIGHUP now end runner at once, with no summary and no result file\n',
    );
  };
  const heartbeat = setInterval(() => {
    Atomics.add(beats, 0, 1);
    if (removed !== null) {
      restore();
      say('runner: the event loop runs again; Ctrl-C stops the run as before\n');
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { beats: beats.buffer, blockedMs } });
  worker.unref();
  // A watchdog that cannot start (no threads) costs the run nothing but the watchdog.
  worker.on('error', () => undefined);
  return () => {
    clearInterval(heartbeat);
    void worker.terminate();
    delete globals[hook];
    restore();
  };
}
