// NDJSON under --workers: each worker thread makes the lines of its own requests (the text one thread would
// write, names redacted the same way) and sends them to the main thread in batches of whole lines (~64 KiB,
// transferred, not copied), where the one file is written as they come. Chosen over a part file per thread
// merged at the end: the same CPU per line here, but no copy of the whole file at the end, `tail -f` works
// during the run, and a Ctrl-C leaves one file of whole lines. Back-pressure as on one thread: a thread with more
// than MAX_PENDING batches not yet written waits for the main thread's disk instead of growing memory.
import type { MessagePort } from 'node:worker_threads';
import { createNdjsonLines, type NdjsonSink } from '../output/ndjson.ts';
import type { Plan } from '../plan/types.ts';
import { createRedactor, urlSecrets } from '../report/redact.ts';

/** Batches (~64 KiB each) a thread may have in flight to the main thread before it waits. */
const MAX_PENDING = 16;
/** A wait is bounded, then the counter is read again. */
const WAIT_STEP_MS = 100;

/** One thread's line batches not yet written by the main thread: an Int32 counter both threads see. */
export interface LineChannel {
  pending: SharedArrayBuffer;
}

export function createLineChannel(): LineChannel {
  return { pending: new SharedArrayBuffer(4) };
}

/** What a worker posts for each batch. */
export interface LinesMessage {
  type: 'lines';
  /** UTF-8 bytes of whole lines. */
  bytes: Uint8Array;
}

/**
 * The run's NDJSON lines as UTF-8 batches handed to `write`, request names redacted as `runner run` redacts the
 * main thread's (the plan's secrets and the target's password), those named at run time too.
 */
function createRedactedLines(plan: Plan, write: (bytes: Uint8Array) => void): NdjsonSink {
  const redact = createRedactor([...plan.secrets, ...urlSecrets(plan.target)]);
  const encoder = new TextEncoder();
  // encode() gives each batch its own buffer (never Node's shared pool), so it can be transferred.
  const sink = createNdjsonLines(plan.requestNames.map(redact.text), (text) => write(encoder.encode(text)));
  const named = sink.named.bind(sink);
  sink.named = (id: number, name: string) => named(id, redact.text(name));
  return sink;
}

/** Worker side: a sink that makes the run's NDJSON lines and posts them to `port` in batches. */
export function createWorkerLineSink(plan: Plan, channel: LineChannel, port: MessagePort): NdjsonSink {
  const pending = new Int32Array(channel.pending);
  return createRedactedLines(plan, (bytes) => {
    Atomics.add(pending, 0, 1);
    port.postMessage({ type: 'lines', bytes } satisfies LinesMessage, [bytes.buffer as ArrayBuffer]);
    for (let n = Atomics.load(pending, 0); n > MAX_PENDING; n = Atomics.load(pending, 0)) Atomics.wait(pending, 0, n, WAIT_STEP_MS);
  });
}

/**
 * Main side, for the requests the main thread sends itself (setup() and teardown() run here): the same lines,
 * handed to `write` (RunOutputs.workerLines) as a thread's batches are. close() writes what is left.
 */
export function createMainLineSink(plan: Plan, write: (bytes: Uint8Array) => void): NdjsonSink {
  return createRedactedLines(plan, write);
}

/** Main side: a batch of `channel`'s thread was written (or dropped by a stopped output): it may send more. */
export function lineBatchWritten(channel: LineChannel): void {
  const pending = new Int32Array(channel.pending);
  Atomics.sub(pending, 0, 1);
  Atomics.notify(pending, 0);
}
