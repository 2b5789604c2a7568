// Reads a file the user named (a scenario, a body template) only when it is a regular file of sane size:
// reading a FIFO blocks forever, /dev/zero never ends, and a huge file is loaded whole into memory.
import { readFileSync, statSync } from 'node:fs';
import { LIMITS, formatBytes } from './limits.ts';

/** Why a file cannot be read: a short reason for the message, and a hint. */
export class FileRefusal {
  constructor(
    readonly reason: string,
    readonly hint: string | undefined,
  ) {}
}

/** The file's bytes, or a FileRefusal (missing, not a regular file, over LIMITS.fileBytes, unreadable). */
export function readUserFile(file: string, maxBytes: number = LIMITS.fileBytes): Buffer | FileRefusal {
  try {
    // stat never opens the file: a FIFO is refused without blocking on it.
    const st = statSync(file);
    if (!st.isFile()) return new FileRefusal(`not a regular file (${kindOf(st)})`, 'name a regular file: not a folder, FIFO, socket or device');
    if (st.size > maxBytes) return new FileRefusal(`too large: ${formatBytes(st.size)}, the limit is ${formatBytes(maxBytes)}`, 'a scenario or template file is loaded whole into memory');
    const bytes = readFileSync(file);
    // The file may have grown between stat and read.
    if (bytes.length > maxBytes) return new FileRefusal(`too large: over ${formatBytes(maxBytes)}`, 'a scenario or template file is loaded whole into memory');
    return bytes;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return new FileRefusal(code === 'ENOENT' ? 'no such file' : (code ?? 'error'), undefined);
  }
}

function kindOf(st: import('node:fs').Stats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return 'not a file';
}
