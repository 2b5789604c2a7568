// A file that runner appends to during a run (--out ndjson=, --hdr-log): synchronous writes, and a write error
// (a full disk, a vanished mount) stops this one output with a report instead of taking the run down.
import { closeSync, openSync, writeSync } from 'node:fs';

export interface OutputStream {
  /** Appends `text` (or bytes of whole lines); after a failure it drops everything (the output has stopped). */
  write(text: string | Uint8Array): void;
  /** True once a write failed. */
  readonly failed: boolean;
  close(): void;
}

/**
 * Opens (truncates) `path`. `onError` is called once, with the error, when a write or the close fails; the
 * caller turns it into a warning. Opening is not guarded: output paths are checked before the run starts.
 */
export function createOutputStream(path: string, onError: (err: NodeJS.ErrnoException) => void): OutputStream {
  const fd = openSync(path, 'w');
  let failed = false;
  let closed = false;
  const fail = (err: unknown): void => {
    if (failed) return;
    failed = true;
    onError(err as NodeJS.ErrnoException);
  };
  return {
    get failed() {
      return failed;
    },
    write(text) {
      if (failed || closed) return;
      const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
      try {
        // writeSync may write less than asked (a disk filling up); the next call then reports the error.
        for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off);
      } catch (err) {
        fail(err);
      }
    },
    close() {
      if (closed) return;
      closed = true;
      try {
        closeSync(fd);
      } catch (err) {
        fail(err);
      }
    },
  };
}
