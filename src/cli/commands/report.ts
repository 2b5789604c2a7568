// `runner report <result.json> [more…] -o report.html`: one self-contained HTML page for one or more results.
import type { Command } from 'commander';
import { basename, resolve } from 'node:path';
import { ExitCode } from '../../exit-codes.ts';
import { renderHtmlReport } from '../../report/html.ts';
import { readRunResult } from '../../report/read-result.ts';
import type { Io } from '../io.ts';
import type { CommandResult } from '../main.ts';
import { rename, writeFile } from 'node:fs/promises';

export function registerReport(program: Command, io: Io, result: CommandResult): void {
  program
    .command('report')
    .description('write one self-contained HTML report (no network) for one or more result files, overlaid')
    .argument('<results...>', 'result files (runner run --out)')
    .requiredOption('-o, --output <file>', 'the HTML file to write')
    .action(async (files: string[], flags: { output: string }) => {
      const inputs = [];
      for (const f of files) inputs.push({ label: basename(f), result: await readRunResult(resolve(io.cwd, f), f) });
      const out = resolve(io.cwd, flags.output);
      const tmp = `${out}.${process.pid}.tmp`;
      await writeFile(tmp, renderHtmlReport(inputs), 'utf8');
      await rename(tmp, out);
      io.stdout.write(`wrote ${flags.output} (${inputs.length} run${inputs.length === 1 ? '' : 's'})\n`);
      result.code = ExitCode.ok;
    });
}
