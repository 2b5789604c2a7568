// `runner run <file>`: load, compile, run, print the summary, write the result; Ctrl-C keeps what was measured.
import type { Command } from 'commander';
import { ExitCode } from '../../exit-codes.ts';
import { randomSeed } from '../../generators/rng.ts';
import { compilePlan } from '../../plan/compile.ts';
import { writeResultAtomic } from '../../report/result.ts';
import { createRedactor } from '../../report/redact.ts';
import { renderSummary } from '../../report/summary.ts';
import { Run } from '../../run.ts';
import { loadScenario } from '../../scenario/load.ts';
import type { TestModel } from '../../scenario/model.ts';
import { applyShortcuts } from '../../scenario/shortcuts.ts';
import { useColor, type Io } from '../io.ts';
import type { CommandResult } from '../main.ts';
import { parseDurationFlag, parsePositiveInt, parseSeed, parseUrlFlag } from '../options.ts';
import { resolve } from 'node:path';

export interface RunFlags {
  target?: string;
  vus?: number;
  iterations?: number;
  duration?: number;
  connections?: number;
  timeout?: number;
  seed?: number;
  out?: string;
  insecure?: boolean;
  quiet?: boolean;
  color?: boolean;
}

export function registerRun(program: Command, io: Io, result: CommandResult): void {
  program
    .command('run')
    .description('run a scenario file (.yaml, .yml, .ts, .mts, .js, .mjs)')
    .argument('<file>', 'scenario file')
    .option('--target <url>', "base URL; overrides the scenario's target", parseUrlFlag('--target'))
    .option('--vus <n>', 'virtual users', parsePositiveInt('--vus'))
    .option('--iterations <n>', 'total iterations shared by the VUs (shared-iterations)', parsePositiveInt('--iterations'))
    .option('--duration <d>', 'run for this long (with --vus: constant-vus)', parseDurationFlag('--duration'))
    .option('--connections <n>', 'max sockets per origin', parsePositiveInt('--connections'))
    .option('--timeout <d>', 'request timeout, e.g. 5s', parseDurationFlag('--timeout'))
    .option('--seed <n>', 'PRNG seed: the same seed replays the same payloads', parseSeed)
    .option('--out <file>', 'write the result JSON here (atomically)')
    .option('--insecure', 'skip TLS certificate verification')
    .option('-q, --quiet', 'no summary on stdout')
    .option('--no-color', 'no colour in the output')
    .action(async (file: string, flags: RunFlags) => {
      result.code = await runCommand(io, file, flags);
    });
}

export async function runCommand(io: Io, file: string, flags: RunFlags): Promise<number> {
  const loaded = await loadScenario(file, io.cwd);
  const model = withHttpFlags(applyShortcuts(loaded, { vus: flags.vus, iterations: flags.iterations, durationMs: flags.duration }), flags);
  const seed = flags.seed ?? model.seed ?? randomSeed();
  const plan = compilePlan(model, { seed, env: io.env, target: flags.target });
  const warnings = plan.http.insecure ? ['TLS certificate verification is disabled (--insecure)'] : [];
  const run = new Run(plan, { warnings });

  let signals = 0;
  const unsubscribe = io.onSignal((signal) => {
    signals++;
    if (signals === 1) {
      io.stderr.write(`\n${signal}: stopping; in-flight requests get a short grace (again to abort now)\n`);
      run.stop();
    } else run.abort();
  });
  // Values from the environment are secrets: kept out of the result file, the summary and error messages.
  const redact = createRedactor(plan.secrets);
  // The handler stays until the result is written: a signal during the write must not kill the process half-way.
  try {
    const runResult = redact.value(await run.start());
    if (flags.out) await writeResultAtomic(resolve(io.cwd, flags.out), runResult);
    if (!flags.quiet) io.stdout.write(redact.text(renderSummary(runResult, { color: useColor(io, io.stdout, flags.color) })) + '\n');
    return runResult.outcome === 'completed' ? ExitCode.ok : ExitCode.interrupted;
  } catch (err) {
    throw redact.error(err);
  } finally {
    unsubscribe();
  }
}

function withHttpFlags(model: TestModel, flags: RunFlags): TestModel {
  const http = { ...model.http };
  if (flags.connections !== undefined) http.connections = flags.connections;
  if (flags.timeout !== undefined) http.timeoutMs = flags.timeout;
  if (flags.insecure) http.insecure = true;
  return { ...model, http };
}
