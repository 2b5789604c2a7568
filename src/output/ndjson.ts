// `--out ndjson=samples.ndjson`: one JSON line per finished request, through a bounded buffer written synchronously
// when full, so memory never grows whatever the request rate; a slow disk slows the run instead of losing lines.
// With --workers the lines are made in each worker thread (createNdjsonLines) and reach this file in batches of
// whole lines (src/workers/worker-lines.ts); the main thread appends them as they come.
import { performance } from 'node:perf_hooks';
import type { Sample } from '../metrics/sample.ts';
import type { MetricsSink } from '../metrics/types.ts';
import { createOutputStream } from './output-stream.ts';
import type { OutputKind } from './types.ts';

/** Flush when the pending text reaches this many UTF-16 units (~64 KiB of mostly ASCII). */
const FLUSH_AT = 64 * 1024;

export interface NdjsonSink extends MetricsSink {
  named(requestId: number, name: string): void;
  /** Lines written so far (flushed or pending). */
  readonly lines: number;
  /** Writes what is pending now (also done on a 1 s timer so `tail -f` follows the run). */
  flush(): void;
  close(): void;
}

class NdjsonWriter implements NdjsonSink {
  lines = 0;
  private pending = '';
  /** `{"t":` … pieces per request id, built once: `,"name":"<json-escaped>"`. */
  private readonly namePart: string[];
  private readonly timer: NodeJS.Timeout;
  private readonly origin = performance.timeOrigin;
  private closed = false;

  /** `write` gets whole lines (at most ~FLUSH_AT units at a time, more for one long line); `end` after the last. */
  constructor(
    requestNames: readonly string[],
    private readonly write: (text: string) => void,
    private readonly end: () => void,
  ) {
    this.namePart = requestNames.map((n) => `,"name":${JSON.stringify(n)}`);
    this.timer = setInterval(() => this.flush(), 1000);
    this.timer.unref();
  }

  /** Starts are not this sink's business: it records ends. */
  started(): void {}

  /** A name learned at run time (code scenarios): its piece is built once, like the plan's. */
  named(requestId: number, name: string): void {
    this.namePart[requestId] = `,"name":${JSON.stringify(name)}`;
  }

  record(s: Sample): void {
    if (s.kind !== 'http') return;
    const head = '{"t":' + (Math.round((this.origin + performance.now()) * 1000) / 1000) + this.nameOf(s.requestId);
    this.pending +=
      s.error === null
        ? head + ',"status":' + s.status + ',"latencyMs":' + (Math.round(s.latencyUs) / 1000) + ',"expected":' + s.expected + ',"error":null}\n'
        : head + ',"status":0,"latencyMs":null,"expected":false,"error":"' + s.error + '"}\n';
    this.lines++;
    if (this.pending.length >= FLUSH_AT) this.flush();
  }

  /** Never `undefined` in a line: an id nobody named (a bug upstream) is written as its number. */
  private nameOf(requestId: number): string {
    return this.namePart[requestId] ?? `,"name":"#${requestId}"`;
  }

  flush(): void {
    if (this.pending.length === 0 || this.closed) return;
    const text = this.pending;
    this.pending = '';
    // Synchronous on purpose: it is the back-pressure. The event loop (and so the load) waits for the disk.
    // After a write error (a full disk) the stream drops what it is given: the run goes on without this output.
    this.write(text);
  }

  close(): void {
    if (this.closed) return;
    clearInterval(this.timer);
    this.flush();
    this.closed = true;
    this.end();
  }
}

/**
 * Lines: `{"t":<epoch ms at the end of the request>,"name":"signup","status":200,"latencyMs":1.234,"expected":true,"error":null}`;
 * a request with no response has `"status":0,"latencyMs":null,"error":"<kind>"`. A write error (a full disk) calls
 * `onWriteError` once and stops this output; the run goes on.
 */
export function createNdjsonSink(
  path: string,
  requestNames: readonly string[],
  onWriteError: (err: NodeJS.ErrnoException) => void = () => undefined,
): NdjsonSink {
  const file = createOutputStream(path, onWriteError);
  return new NdjsonWriter(requestNames, (text) => file.write(text), () => file.close());
}

/**
 * The same lines as createNdjsonSink, handed to `write` in chunks of whole lines instead of written to a file
 * (a worker thread sends them to the main thread's file). `end` is called once, after the last chunk.
 */
export function createNdjsonLines(requestNames: readonly string[], write: (text: string) => void, end: () => void = () => undefined): NdjsonSink {
  return new NdjsonWriter(requestNames, write, end);
}

/** `--out ndjson=samples.ndjson`. */
export const ndjsonOutput: OutputKind = {
  target: 'file',
  example: 'samples.ndjson',
  create(ctx) {
    const file = createOutputStream(ctx.target, ctx.onWriteError);
    const sink = new NdjsonWriter(ctx.plan.requestNames, (text) => file.write(text), () => file.close());
    // Lines made by worker threads go straight to the file, between this thread's own flushes (it makes none then).
    return { sink, stop: () => sink.close(), appendLines: (bytes) => file.write(bytes) };
  },
};
