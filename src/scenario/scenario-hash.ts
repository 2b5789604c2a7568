// The identity of what a run ran: a SHA-256 over the bytes of the scenario file and of every file it reads
// (scenario/input-files.ts: body templates, data files, TLS files, the modules a script imports), in the order
// the scenario names them. `runner merge` refuses results whose hashes differ: two segments of "one" run whose
// template or data file differed were two runs. Contents only: paths (a pod mounts the files elsewhere) and flags
// (-e, --vus, --target) are not in it.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';

/**
 * `sha256:<hex>` of `files` (absolute paths, the scenario file first), each as its byte length then its bytes;
 * undefined when one cannot be read (removed since the load): no hash rather than a wrong one. `runner run`
 * calls it when the load is over (an 86 MiB data file takes ~0.2 s of CPU to hash: never during the measured run).
 */
export async function hashScenarioFiles(files: readonly string[]): Promise<string | undefined> {
  const hash = createHash('sha256');
  try {
    for (const file of files) {
      // The length first, so that no two lists of files hash alike by moving bytes from one file to the next.
      hash.update(`${(await stat(file)).size}\n`);
      for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
    }
  } catch {
    return undefined;
  }
  return `sha256:${hash.digest('hex')}`;
}
