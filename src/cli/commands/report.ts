// `runner report <result.json> [more…] -o report.html`: one self-contained HTML page for one or more results.
import type { Command } from 'commander';
import { basename, resolve } from 'node:path';
import { ExitCode } from '../../exit-codes.ts';
import { UserError } from '../../errors.ts';
import { renderHtmlReport } from '../../report/html.ts';
import { readRunResult } from '../../report/read-result.ts';
import type { Io } from '../io.ts';
import type { CommandResult } from '../main.ts';
import { writeFileAtomic } from '../../report/atomic-write.ts';
import { checkOutputPaths } from '../../report/output-path.ts';
import { parseOnce } from '../options.ts';

export function registerReport(program: Command, io: Io, result: CommandResult): void {
  program
    .command('report')
    .description('write one self-contained HTML report (no network) for one or more result files, overlaid')
    .argument('<results...>', 'result files (runner run --out)')
    .requiredOption('-o, --output <file>', 'the HTML file to write', parseOnce('-o'))
    .action(async (files: string[], flags: { output: string }) => {
      // The output path first, before reading and rendering anything.
      const [out] = checkOutputPaths([{ flag: '-o', path: resolve(io.cwd, flags.output), given: flags.output }], files.map((f) => resolve(io.cwd, f)));
      const inputs = [];
      for (const f of files) inputs.push({ label: basename(f), result: await readRunResult(resolve(io.cwd, f), f) });
      try {
        await writeFileAtomic(out, renderHtmlReport(inputs));
      } catch (err) {
        throw new UserError({ message: `could not write -o ${out} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, hint: 'check the free space and permissions there' });
      }
      io.stdout.write(`wrote ${flags.output} (${inputs.length} run${inputs.length === 1 ? '' : 's'})\n`);
      result.code = ExitCode.ok;
    });
}
