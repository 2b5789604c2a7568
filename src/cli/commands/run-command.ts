// `runner run`'s work: load, compile, run, print the summary, write the result; Ctrl-C keeps what was measured.
import { ExitCode } from '../../exit-codes.ts';
import { randomSeed } from '../../generators/rng.ts';
import { compilePlan } from '../../plan/compile.ts';
import { evaluateThresholds, thresholdsFailed, thresholdsToJson, noDataWarnings } from '../../metrics/thresholds/evaluate.ts';
import { compilePlanThresholds } from '../../metrics/thresholds/parse.ts';
import { watchThresholds } from '../../metrics/thresholds/watch.ts';
import { refuseOutputsOverInputs } from '../../report/output-path.ts';
import { createRedactor, redactRunResult, urlSecrets, type Redactor } from '../../report/redact.ts';
import type { MetricsSink } from '../../metrics/types.ts';
import { renderSummary } from '../../report/summary.ts';
import { escapeTerminalText } from '../../terminal-text.ts';
import { noResponses } from '../../report/no-responses.ts';
import { Run } from '../../run.ts';
import { renderK6Metrics } from '../../k6/summary-text.ts';
import { refuseWarmUp, startWarmUp } from '../../warm-up.ts';
import { loadScenario } from '../../scenario/load.ts';
import { inputFilesOf } from '../../scenario/input-files.ts';
import { hashScenarioFiles } from '../../scenario/scenario-hash.ts';
import { shareDataTables } from '../../data/table.ts';
import type { TestModel } from '../../scenario/model.ts';
import { useColor, type Io } from '../io.ts';
import { refuseLateStart, waitForStart } from '../start-at.ts';
import { WorkerRun } from '../../workers/worker-run.ts';
import type { PlanInputs } from '../../run/prepare.ts';
import { parseSegmentSpec, type SegmentTuple } from '../../scheduler/segment.ts';
import { UserError } from '../../errors.ts';
import { checkRunOutputPaths, createRunOutputs, outputFiles, parseOutputSpecs, type OutputSpec } from '../run-outputs.ts';
import { guardScenarioCode, type ScenarioGuard } from '../scenario-guard.ts';
import { applyLoadFlags, hasLoadFlags } from '../options.ts';
import { resolve } from 'node:path';
import { setFlagsFromString } from 'node:v8';

import type { RunFlags } from './run.ts';
import { availableCores } from '../available-cores.ts';
import { readSetupDataFile } from '../../run/setup-data-file.ts';

export async function runCommand(io: Io, file: string, flags: RunFlags): Promise<number> {
  // undici parses HTTP/1.1 with llhttp compiled to WebAssembly on the first connection. V8 then re-compiles it with
  // TurboFan on a background thread: ~35 MB more peak RSS, and CPU taken from a 2-core machine while the run's first
  // seconds are measured. Liftoff's baseline code only: peak RSS of a 64-connection signup run 126–133 → 104–114 MB,
  // and no slower in interleaved runs here (README "Benchmarks"). Nothing else in a run is WebAssembly.
  setFlagsFromString('--liftoff-only');
  // Every output path first: a typo in a folder name must cost nothing, not a whole run whose numbers are lost.
  const specs = checkRunOutputPaths(io, file, parseOutputSpecs(flags.out, flags));
  // Scenario code may not crash the process, hang it or exit it silently (scenario-guard.ts).
  const guard = guardScenarioCode(resolve(io.cwd, file));
  // Nor make it deaf to Ctrl-C by blocking the event loop (event-loop-watchdog.ts). A YAML scenario runs no code of
  // its own: no watchdog, whose worker thread costs ~20 MB of RSS and start-up CPU beside the first requests.
  const unwatch = /\.ya?ml$/i.test(file) ? undefined : io.watchEventLoop?.();
  try {
    return await runGuarded(io, file, flags, specs, guard);
  } finally {
    unwatch?.();
    guard.release();
  }
}

async function runGuarded(io: Io, file: string, flags: RunFlags, specs: readonly OutputSpec[], guard: ScenarioGuard): Promise<number> {
  const loaded = await loadScenario(file, io.cwd, { loadFromFlags: hasLoadFlags(flags), env: { ...io.env, ...envFlags(flags.env) }, log: (text) => io.stderr.write(text) });
  refuseOutputsOverInputs(outputFiles(specs), [...inputFilesOf(loaded), ...(flags.setupData === undefined ? [] : [resolve(io.cwd, flags.setupData)])]);
  // What `runner merge` checks that segments share (scenario.hash): hashed once the load is over, so hashing a
  // large data file takes no CPU from the measured run.
  const scenarioFiles = [resolve(io.cwd, file), ...inputFilesOf(loaded)];
  const model = withHttpFlags(applyLoadFlags(loaded, flags), flags);
  const segment = segmentOf(flags);
  if (segment && flags.seed === undefined && model.seed === undefined) {
    // Each process would pick its own seed: their payloads would no longer add up to one run's.
    throw new UserError({ message: '--segment needs a seed shared by every process of the run', hint: 'pass the same --seed N to each process (or set seed: in the scenario file)' });
  }
  const seed = flags.seed ?? model.seed ?? randomSeed();
  const plan = compilePlan(model, { seed, env: io.env, target: flags.target, segment });
  // Bad threshold expressions are user errors now, before the first request.
  const thresholds = compilePlanThresholds(plan);
  const setupData = flags.setupData === undefined ? undefined : readSetupDataFile(io.cwd, flags.setupData, plan);
  const warnings = plan.http.insecure ? ['TLS certificate verification is disabled (--insecure)'] : [];
  // Values from the environment and a target URL's password are secrets: kept out of the result file, the summary and error messages.
  const redact = createRedactor([...plan.secrets, ...urlSecrets(plan.target)]);
  // The streams (NDJSON, HDR log) write names as they go: they get redacted names, from the plan and at run time.
  const outputs = createRunOutputs(io, { ...plan, requestNames: plan.requestNames.map(redact.text) }, specs, {
    progress: !flags.quiet,
    color: useColor(io, io.stderr, flags.color),
    tags: flags.tag ?? {},
  });
  for (const sink of outputs.sinks) redactNamesOf(sink, redact);
  const workers = workerCount(flags);
  // Each thread needs a connection of its own: an explicit total below the thread count is exceeded, so say so.
  const connections = model.http.connections;
  if (workers !== undefined && connections !== undefined && connections < workers) {
    warnings.push(`--workers ${workers} with ${connections} connection${connections === 1 ? '' : 's'}: each thread opens at least one, so the run holds ${workers} connections, not ${connections}`);
  }
  // --warmup: the load runs first on the same connections, unrecorded; the measured run then takes its sockets.
  // With workers each thread warms up its own pool (WorkerRun.warmUp); the refusals are checked here, once.
  if (flags.warmup !== undefined) refuseWarmUp(plan);
  const warmUp = flags.warmup === undefined || workers ? undefined : startWarmUp(plan, flags.warmup);
  if (flags.warmup !== undefined && !flags.quiet) outputs.printErr(`warming up for ${flags.warmup / 1000} s (not recorded)…\n`);
  const run = workers
    ? // The outputs start when the threads are told to go (after they compiled), so their clocks are the load's.
      new WorkerRun(plan, { file, cwd: io.cwd, inputs: { ...planInputs(io, flags), tables: shareDataTables(model) }, count: workers, warnings, startAt: flags.startAt, sinks: outputs.sinks, onStart: () => outputs.start(run), k6: model.k6, log: (text) => io.stderr.write(text), lines: outputs.workerLines, warmUp: flags.warmup !== undefined, setupData })
    : new Run(plan, { warnings, sinks: outputs.sinks, pools: warmUp?.pools, startAt: flags.startAt });
  if (setupData && run instanceof Run) run.useSetupData(setupData.data);
  guard.attach(run);
  // With workers, the workers' k6 numbers are merged here: its thresholds are watched on their sum.
  model.k6?.attach(run);
  // With workers the watch reads the workers' seconds merged on this thread (checks by name only at the end).
  const watch = watchThresholds(run, thresholds, (t) => {
    outputs.printErr(`\nthreshold ${escapeTerminalText(t.key)}: '${escapeTerminalText(t.expression)}' failed (abortOnFail): stopping the run\n`);
    run.stop('aborted');
  });

  let signals = 0;
  const waiting = new AbortController();
  const unsubscribe = io.onSignal((signal) => {
    signals++;
    waiting.abort();
    if (signals === 1) {
      outputs.printErr(`\n${signal}: stopping; in-flight requests get a short grace (again to abort now)\n`);
      // During the warm-up: it ends, and the measured run, stopped before it starts, records nothing.
      warmUp?.stop();
      run.stop();
    } else run.abort();
  });
  // The handler stays until the result is written: a signal during the write must not kill the process half-way.
  try {
    // The threads load and compile first: the warm-up and the start instant then begin on all of them at once
    // (an instant already missed is refused before any thread starts).
    if (flags.startAt) refuseLateStart(flags.startAt, () => Date.now());
    if (run instanceof WorkerRun) await run.prepare();
    const warmupMs = flags.warmup === undefined ? undefined : run instanceof WorkerRun ? await run.warmUp(flags.warmup) : await warmUp!.done;
    // After the warm-up, so the measured load starts at the shared instant on warm connections.
    // Waits for the shared instant; Ctrl-C while waiting ends the wait, and the run then stops at once.
    if (flags.startAt) await waitForStart(flags.startAt, run.clock, () => Date.now(), waiting.signal);
    if (run instanceof Run) outputs.start(run);
    model.k6?.measuring();
    const measured = await run.start();
    if (warmupMs !== undefined) measured.warmupMs = Math.round(warmupMs);
    const hash = await hashScenarioFiles(scenarioFiles);
    if (hash !== undefined) measured.scenario.hash = hash;
    // Progress draws its last block and the streams close now, so nothing is drawn over the summary and the
    // warnings of an output that stopped (a full disk) reach the result file.
    outputs.finish();
    await outputs.drain();
    measured.warnings.push(...outputs.warnings);
    // Thresholds name requests as the scenario does: evaluate before the names are redacted.
    if (thresholds.length > 0) {
      measured.thresholds = thresholdsToJson(evaluateThresholds(thresholds, measured, true), watch.failed);
      measured.warnings.push(...noDataWarnings(thresholds, measured));
    }
    // A k6 script: its own thresholds and numbers, then its handleSummary() (which may replace the summary).
    const k6 = model.k6 ? await model.k6.finish(measured, io.cwd) : undefined;
    if (k6) measured.warnings.push(...k6.warnings);
    const runResult = redactRunResult(measured, redact);
    const { lost, kept } = await outputs.writeResults(runResult);
    // Rendered from the redacted result: no second pass over the text, which would also blank labels like "count".
    if (k6?.replacesSummary) {
      if (k6.stdout !== undefined) io.stdout.write(k6.stdout);
      if (k6.stderr !== undefined) io.stderr.write(k6.stderr);
    } else if (!flags.quiet) {
      io.stdout.write(renderSummary(runResult, { color: useColor(io, io.stdout, flags.color) }) + '\n');
      if (runResult.k6) io.stdout.write(renderK6Metrics(runResult.k6));
    }
    if (lost) {
      // Name what survived: the other outputs were written (a stream that stopped early said so above).
      const left = [...(flags.quiet ? [] : ['the summary above']), ...kept];
      io.stderr.write(`runner: ${lost}; ${left.length === 0 ? 'nothing of this run was kept (--quiet)' : `what is left of this run: ${left.join(', ')}`}\n`);
    }
    // A setup() or teardown() that threw is a mistake in the scenario: its diagnostic after the numbers, exit 2.
    if (run.scenarioCodeError) throw run.scenarioCodeError;
    if (lost) return ExitCode.userError;
    // A signal wins over thresholds: the run was cut short by a person, so its numbers are partial.
    if (runResult.outcome === 'interrupted') return ExitCode.interrupted;
    const silent = noResponses(runResult);
    if (silent) io.stderr.write(`\n${redact.text(silent)}\n`);
    if (silent) return ExitCode.noResponses;
    if (thresholdsFailed(runResult.thresholds)) return ExitCode.thresholdsFailed;
    return runResult.outcome === 'completed' ? ExitCode.ok : ExitCode.interrupted;
  } catch (err) {
    throw redact.error(err);
  } finally {
    unsubscribe();
    watch.stop();
    outputs.finish();
    // Threads that never got to run (a missed instant, a failed warm-up) must not outlive the command.
    if (run instanceof WorkerRun) run.close();
    await warmUp?.pools.destroy();
  }
}

/** Names learned at run time (code scenarios) reach `sink` redacted; once per new name, nothing per request. */
function redactNamesOf(sink: MetricsSink, redact: Redactor): void {
  const named = sink.named?.bind(sink);
  if (named) sink.named = (requestId, name) => named(requestId, redact.text(name));
}

/** `-e KEY=VALUE` flags as a map; a later flag wins. */
function envFlags(list: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of list ?? []) {
    const i = item.indexOf('=');
    out[item.slice(0, i)] = item.slice(i + 1);
  }
  return out;
}

function withHttpFlags(model: TestModel, flags: RunFlags): TestModel {
  const http = { ...model.http };
  if (flags.connections !== undefined) http.connections = flags.connections;
  if (flags.timeout !== undefined) http.timeoutMs = flags.timeout;
  if (flags.insecure) http.insecure = true;
  return { ...model, http };
}

/** The segment from --segment/--segment-sequence; undefined = the whole run. */
function segmentOf(flags: RunFlags): SegmentTuple | undefined {
  if (flags.segment === undefined) {
    if (flags.segmentSequence !== undefined) throw new UserError({ message: '--segment-sequence needs --segment', hint: 'say which segment of the sequence this process runs, e.g. --segment 1/3:2/3' });
    return undefined;
  }
  try {
    return parseSegmentSpec(flags.segment, flags.segmentSequence);
  } catch (err) {
    if (err instanceof RangeError) throw new UserError({ message: err.message, hint: 'e.g. --segment 2/3 runs the second third; every process of the run gets the same scenario, --seed and segment count' });
    throw err;
  }
}

/** Threads for --workers (`auto`: one per available core); undefined = run on this thread. */
function workerCount(flags: RunFlags): number | undefined {
  if (flags.workers === undefined) return undefined;
  // auto: the cores this process may use, a container's CPU quota included (Node 20 sees only the affinity).
  const count = flags.workers === 'auto' ? availableCores() : flags.workers;
  // Nothing is refused any more: setup()/teardown() (k6 scripts' too) run once here. Every output works: those that read closed seconds (hdr-log, prometheus) read the threads' seconds merged on
  // this thread; NDJSON gets its lines from the threads (workers/worker-lines.ts).
  return count;
}

/** What a worker thread needs to build the same model (structured-clonable). */
function planInputs(io: Io, flags: RunFlags): PlanInputs {
  return {
    env: { ...io.env, ...envFlags(flags.env) },
    placeholderEnv: { ...io.env },
    load: { vus: flags.vus, iterations: flags.iterations, durationMs: flags.duration, rate: flags.rate, stages: flags.stages },
    http: { connections: flags.connections, timeoutMs: flags.timeout, insecure: flags.insecure },
    target: flags.target,
  };
}
