// `runner run <file>`: load, compile, run, print the summary, write the result; Ctrl-C keeps what was measured.
import type { Command } from 'commander';
import { ExitCode } from '../../exit-codes.ts';
import { randomSeed } from '../../generators/rng.ts';
import { compilePlan } from '../../plan/compile.ts';
import { evaluateThresholds, thresholdsFailed, thresholdsToJson, unseenNameWarnings } from '../../metrics/thresholds/evaluate.ts';
import { compilePlanThresholds } from '../../metrics/thresholds/parse.ts';
import { watchThresholds } from '../../metrics/thresholds/watch.ts';
import { writeResultAtomic } from '../../report/result.ts';
import { createRedactor } from '../../report/redact.ts';
import { buildSummaryExport } from '../../report/summary-export.ts';
import { renderSummary } from '../../report/summary.ts';
import { Run } from '../../run.ts';
import { loadScenario } from '../../scenario/load.ts';
import type { TestModel } from '../../scenario/model.ts';
import { applyShortcuts } from '../../scenario/shortcuts.ts';
import { useColor, type Io } from '../io.ts';
import type { CommandResult } from '../main.ts';
import { collectOut, createRunOutputs, parseOutTargets } from '../run-outputs.ts';
import { guardScenarioCode, type ScenarioGuard } from '../scenario-guard.ts';
import { parseDurationFlag, parsePositiveInt, parseRateFlag, parseSeed, parseStagesFlag, parseUrlFlag } from '../options.ts';
import { resolve } from 'node:path';

export interface RunFlags {
  target?: string;
  vus?: number;
  iterations?: number;
  duration?: number;
  rate?: { rate: number; timeUnitMs: number };
  stages?: { durationMs: number; target: number }[];
  connections?: number;
  timeout?: number;
  seed?: number;
  /** Repeatable: a path or json=<path> (the result file), ndjson=<path> (one line per request). */
  out?: string[];
  hdrLog?: string;
  summaryExport?: string;
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
    .option('--rate <r>', 'iterations started per second, or per unit like 500/1m, whatever the responses do (with --duration: constant-arrival-rate)', parseRateFlag)
    .option('--stages <list>', 'ramp, e.g. 10s:100,30s:100,10s:0: VUs (ramping-vus), or the rate when --rate is given (ramping-arrival-rate)', parseStagesFlag)
    .option('--connections <n>', 'max sockets per origin', parsePositiveInt('--connections'))
    .option('--timeout <d>', 'request timeout, e.g. 5s', parseDurationFlag('--timeout'))
    .option('--seed <n>', 'PRNG seed: the same seed replays the same payloads', parseSeed)
    .option('--out <file>', 'write the result JSON here (atomically); ndjson=<file>: one line per request (repeatable)', collectOut)
    .option('--hdr-log <file>', 'write an HdrHistogram interval log (format 1.3, 1 s intervals, Tag=<request name>)')
    .option('--summary-export <file>', "write the end summary as JSON under k6's metric names")
    .option('--insecure', 'skip TLS certificate verification')
    .option('-q, --quiet', 'no summary on stdout and no live progress on stderr')
    .option('--no-color', 'no colour in the output')
    .action(async (file: string, flags: RunFlags) => {
      result.code = await runCommand(io, file, flags);
    });
}

export async function runCommand(io: Io, file: string, flags: RunFlags): Promise<number> {
  // Scenario code may not crash the process, hang it or exit it silently (scenario-guard.ts).
  const guard = guardScenarioCode(resolve(io.cwd, file));
  try {
    return await runGuarded(io, file, flags, guard);
  } finally {
    guard.release();
  }
}

async function runGuarded(io: Io, file: string, flags: RunFlags, guard: ScenarioGuard): Promise<number> {
  const loaded = await loadScenario(file, io.cwd);
  const model = withHttpFlags(applyShortcuts(loaded, { vus: flags.vus, iterations: flags.iterations, durationMs: flags.duration, rate: flags.rate, stages: flags.stages }), flags);
  const seed = flags.seed ?? model.seed ?? randomSeed();
  const plan = compilePlan(model, { seed, env: io.env, target: flags.target });
  // Bad threshold expressions are user errors now, before the first request.
  const thresholds = compilePlanThresholds(plan);
  const outTargets = parseOutTargets(flags.out);
  const warnings = plan.http.insecure ? ['TLS certificate verification is disabled (--insecure)'] : [];
  const outputs = createRunOutputs(io, plan, {
    hdrLog: flags.hdrLog,
    ndjson: outTargets.ndjson,
    progress: !flags.quiet,
    color: useColor(io, io.stderr, flags.color),
  });
  const run = new Run(plan, { warnings, sinks: outputs.sinks });
  guard.attach(run);
  const watch = watchThresholds(run, thresholds, (t) => {
    io.stderr.write(`\nthreshold ${t.key}: '${t.expression}' failed (abortOnFail): stopping the run\n`);
    run.stop('aborted');
  });

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
    outputs.start(run);
    const runResult = redact.value(await run.start());
    if (thresholds.length > 0) {
      runResult.thresholds = thresholdsToJson(evaluateThresholds(thresholds, runResult, true), watch.failed);
      runResult.warnings.push(...unseenNameWarnings(thresholds, runResult).map((w) => redact.text(w)));
    }
    if (outTargets.json) await writeResultAtomic(resolve(io.cwd, outTargets.json), runResult);
    if (flags.summaryExport) await writeResultAtomic(resolve(io.cwd, flags.summaryExport), buildSummaryExport(runResult));
    if (!flags.quiet) io.stdout.write(redact.text(renderSummary(runResult, { color: useColor(io, io.stdout, flags.color) })) + '\n');
    // A signal wins over thresholds: the run was cut short by a person, so its numbers are partial.
    if (runResult.outcome === 'interrupted') return ExitCode.interrupted;
    if (thresholdsFailed(runResult.thresholds)) return ExitCode.thresholdsFailed;
    return runResult.outcome === 'completed' ? ExitCode.ok : ExitCode.interrupted;
  } catch (err) {
    throw redact.error(err);
  } finally {
    unsubscribe();
    watch.stop();
    outputs.finish();
  }
}

function withHttpFlags(model: TestModel, flags: RunFlags): TestModel {
  const http = { ...model.http };
  if (flags.connections !== undefined) http.connections = flags.connections;
  if (flags.timeout !== undefined) http.timeoutMs = flags.timeout;
  if (flags.insecure) http.insecure = true;
  return { ...model, http };
}
