// `runner report`'s work: one self-contained HTML page for one or more result files.
import { basename, resolve } from 'node:path';
import { ExitCode } from '../../exit-codes.ts';
import { UserError } from '../../errors.ts';
import { renderHtmlReport } from '../../report/html.ts';
import { readRunResult } from '../../report/read-result.ts';
import type { Io } from '../io.ts';
import { writeFileAtomic } from '../../report/atomic-write.ts';
import { checkOutputPaths } from '../../report/output-path.ts';

/** Writes the report of `files` to `output` (as given on the command line); returns the exit code. */
export async function reportCommand(io: Io, files: string[], output: string): Promise<number> {
  // The output path first, before reading and rendering anything.
  const [out] = checkOutputPaths([{ flag: '-o', path: resolve(io.cwd, output), given: output }], files.map((f) => resolve(io.cwd, f)));
  const inputs = [];
  for (const f of files) inputs.push({ label: basename(f), result: await readRunResult(resolve(io.cwd, f), f) });
  try {
    await writeFileAtomic(out, renderHtmlReport(inputs));
  } catch (err) {
    throw new UserError({ message: `could not write -o ${out} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, hint: 'check the free space and permissions there' });
  }
  io.stdout.write(`wrote ${output} (${inputs.length} run${inputs.length === 1 ? '' : 's'})\n`);
  return ExitCode.ok;
}
