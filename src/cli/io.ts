// Everything the CLI takes from the process, in one object, so commands run in-process under tests.
import { startEventLoopWatchdog } from './event-loop-watchdog.ts';

export interface Stream {
  write(text: string): void;
  isTTY: boolean;
  /** The terminal's width in columns, read at each call (it can be resized); undefined when not a TTY. */
  columns?: () => number | undefined;
}

export interface Io {
  argv: string[];
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  stdout: Stream;
  stderr: Stream;
  /** Subscribes to SIGINT/SIGTERM/SIGHUP (a closed terminal stops a run like Ctrl-C); returns the unsubscribe function. */
  onSignal(handler: (signal: StopSignal) => void): () => void;
  /**
   * Calls `hook` before each write to stdout/stderr that does not go through this Io (scenario code's
   * console.log or process.stdout.write), so a live progress block can get out of its way; returns the function
   * that stops it. Absent where nothing else can write (tests' fake Io).
   */
  onOtherWrites?(hook: () => void): () => void;
  /**
   * While scenario code runs: if it blocks the event loop (a synchronous endless loop), say so on stderr and let
   * the next stop signal end the process (event-loop-watchdog.ts); returns the function that stops watching.
   * Absent in tests' fake Io.
   */
  watchEventLoop?(): () => void;
}

/** The signals that stop a run (and, sent again, abort it). */
export type StopSignal = 'SIGINT' | 'SIGTERM' | 'SIGHUP';
const stopSignals: readonly StopSignal[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * process.stdout/stderr as a Stream that survives its reader going away (`| head -1`, a closed terminal): the
 * write error (EPIPE, EIO) would otherwise be an uncaught 'error' event that kills runner before it writes the
 * result file. After an error the stream drops what it is given.
 */
function processStream(stream: NodeJS.WriteStream): Stream {
  let broken = false;
  stream.on('error', () => {
    broken = true;
  });
  // Bound now, before onOtherWrites may wrap stream.write: the Io's own writes never call the hook.
  const write = stream.write.bind(stream) as (text: string) => boolean;
  return {
    write(text) {
      if (broken || stream.destroyed) return;
      write(text);
    },
    isTTY: stream.isTTY === true,
    columns: () => (stream.isTTY ? stream.columns : undefined),
  };
}

export function createProcessIo(): Io {
  return {
    argv: process.argv.slice(2),
    env: process.env,
    cwd: process.cwd(),
    stdout: processStream(process.stdout),
    stderr: processStream(process.stderr),
    onSignal(handler) {
      const listeners = stopSignals.map((signal) => [signal, () => handler(signal)] as const);
      for (const [signal, listener] of listeners) process.on(signal, listener);
      return () => {
        for (const [signal, listener] of listeners) process.off(signal, listener);
      };
    },
    watchEventLoop: () => startEventLoopWatchdog(),
    onOtherWrites(hook) {
      const streams = [process.stdout, process.stderr];
      const originals = streams.map((s) => s.write);
      const own = streams.map((s) => Object.hasOwn(s, 'write'));
      streams.forEach((s, i) => {
        s.write = function (this: NodeJS.WriteStream, ...args: unknown[]) {
          hook();
          return (originals[i] as (...a: unknown[]) => boolean).apply(this, args);
        } as typeof s.write;
      });
      return () =>
        streams.forEach((s, i) => {
          if (own[i]) s.write = originals[i];
          else delete (s as { write?: unknown }).write;
        });
    },
  };
}

/** Colour only on a TTY, and never with NO_COLOR set or --no-color. */
export function useColor(io: Io, stream: Stream, flag: boolean | undefined): boolean {
  if (flag === false) return false;
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false;
  return stream.isTTY;
}
