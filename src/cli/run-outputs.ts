// What `runner run` adds around a Run besides the summary: live progress and the outputs of the table in
// src/output/ (`--out [kind=]target`, with `--hdr-log` and `--summary-export` as older spellings of two kinds).
// Checks every output path before the run, creates the outputs before it, starts them with it, stops them after it
// and hands them the final result. An output that fails mid-run (a full disk) stops with a warning; the run goes on.
import { performance } from 'node:perf_hooks';
import { resolve } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { isUserError, UserError } from '../errors.ts';
import type { SecondListener } from '../metrics/seconds.ts';
import type { MetricsSink } from '../metrics/types.ts';
import { isOutputKind, outputKinds, type OutputKindName } from '../output/index.ts';
import type { Output, OutputKind, OutputRunSource } from '../output/types.ts';
import type { Plan } from '../plan/types.ts';
import { checkOutputPaths, describeOutput, type OutputPath } from '../report/output-path.ts';
import { createProgress, type Progress, type ProgressSource } from '../report/progress.ts';
import type { RunResult } from '../result/types.ts';
import { VERSION } from '../version.ts';
import type { Io } from './io.ts';

/** One output asked for on the command line. */
export interface OutputSpec {
  kind: OutputKindName;
  /** What followed `kind=` (or the flag): a path as typed, or a URL. checkRunOutputPaths makes paths absolute. */
  target: string;
  /** How it was named, for messages: `--out`, `--out ndjson=`, `--hdr-log`. */
  flag: string;
}

const kindList = (): string => Object.keys(outputKinds).join(', ');

/**
 * The outputs asked for: each `--out` value (`kind=target`, or a plain path: the result file), then `--hdr-log`
 * and `--summary-export`. `kind=` with nothing after it, and a bare kind name (no `=`), are refused: each would
 * otherwise be read as a file named so in the working folder. Each kind may be given once.
 */
export function parseOutputSpecs(values: string | string[] | undefined, flags: { hdrLog?: string; summaryExport?: string } = {}): OutputSpec[] {
  const specs: OutputSpec[] = [];
  const add = (spec: OutputSpec): void => {
    if (specs.some((s) => s.kind === spec.kind)) throw new InvalidArgumentError(`--out ${spec.kind} given twice`);
    specs.push(spec);
  };
  for (const v of values === undefined ? [] : Array.isArray(values) ? values : [values]) {
    if (isOutputKind(v)) {
      const what = outputKinds[v].target === 'file' ? 'path' : 'url';
      throw new InvalidArgumentError(`--out ${v}: did you mean ${v}=<${what}>? (to write a file named '${v}', give ./${v})`);
    }
    const m = /^([a-z][a-z0-9-]*)=(.*)$/.exec(v);
    if (m === null) {
      add({ kind: 'json', target: v, flag: '--out' });
      continue;
    }
    const [, kind, target] = m;
    if (!isOutputKind(kind)) throw new InvalidArgumentError(`--out takes a path (the result file) or <kind>=<target> with a kind of ${kindList()}; got '${v}'`);
    if (target === '') throw new InvalidArgumentError(`--out ${kind}= has no ${outputKinds[kind].target === 'file' ? 'path' : 'target'} after '=': give one, e.g. --out ${kind}=${outputKinds[kind].example}`);
    add({ kind, target: checkTarget(kind, target), flag: kind === 'json' ? '--out' : `--out ${kind}=` });
  }
  if (flags.hdrLog !== undefined) add({ kind: 'hdr-log', target: flags.hdrLog, flag: '--hdr-log' });
  if (flags.summaryExport !== undefined) add({ kind: 'summary-export', target: flags.summaryExport, flag: '--summary-export' });
  return specs;
}

/** A kind's own check of its target (a URL); its UserError becomes commander's usage error, like every flag's. */
function checkTarget(kind: OutputKindName, target: string): string {
  const check = (outputKinds[kind] as OutputKind).checkTarget;
  if (check === undefined) return target;
  try {
    return check(target);
  } catch (err) {
    if (!isUserError(err)) throw err;
    const d = err.diagnostics[0];
    throw new InvalidArgumentError(d.hint === undefined ? d.message : `${d.message} (${d.hint})`);
  }
}

/**
 * Checks every file output of `runner run` before any work: a missing folder, a folder, a FIFO or device, an
 * unwritable path or two outputs on one file is a UserError naming the flag and the path (exit 2, no traffic).
 * Returns the specs with each file target made absolute (symbolic links resolved).
 */
export function checkRunOutputPaths(io: Io, scenarioFile: string, specs: readonly OutputSpec[]): OutputSpec[] {
  const files = specs.filter((s) => outputKinds[s.kind].target === 'file');
  const list: OutputPath[] = files.map((s) => ({ flag: s.flag, path: resolve(io.cwd, s.target), given: s.target }));
  const checked = checkOutputPaths(list, [resolve(io.cwd, scenarioFile)]);
  return specs.map((s) => {
    const i = files.indexOf(s);
    return i === -1 ? s : { ...s, target: checked[i] };
  });
}

/** The file outputs as the path checks name them (to refuse one that would overwrite an input). */
export function outputFiles(specs: readonly OutputSpec[]): OutputPath[] {
  return specs.filter((s) => outputKinds[s.kind].target === 'file').map((s) => ({ flag: s.flag, path: s.target }));
}

/** What the outputs read from the run: its counters, and its closed seconds. */
export type RunOutputSource = ProgressSource & OutputRunSource & { readonly metrics: { onSecond(listener: SecondListener): void } };

export interface RunOutputs {
  /** Every sample goes to these (after the run's own collector). */
  sinks: MetricsSink[];
  /**
   * With --workers: the outputs that want each request (NDJSON) get whole lines the threads made; undefined when
   * no output does (the threads then make none).
   */
  workerLines?: (bytes: Uint8Array) => void;
  start(run: RunOutputSource): void;
  /** Writes whole lines to stderr without the live progress block drawing over them. */
  printErr(text: string): void;
  /** Outputs that stopped during the run (a full disk…), one sentence each; for the result's warnings. */
  readonly warnings: string[];
  /** Stops timers, draws the last progress, writes the last interval and closes files; safe to call twice. */
  finish(): void;
  /** After finish(): waits for what network outputs still send (each bounds its wait); their losses join `warnings`. */
  drain(): Promise<void>;
  /**
   * Hands the final result to the outputs that write it: the others first, then the result file. A failure of
   * another output is a warning (added to `result.warnings` before the result file is written); a failure of the
   * result file is returned as `lost`. `kept` names the outputs of the run that were written.
   */
  writeResults(result: RunResult): Promise<{ lost?: string; kept: string[] }>;
}

export interface RunOutputFlags {
  /** Show live progress (false with --quiet). */
  progress: boolean;
  color: boolean;
  /** `--tag name=value` labels, for the outputs that label what they send. */
  tags?: Record<string, string>;
}

interface Opened {
  spec: OutputSpec;
  output: Output;
}

/** `specs` come from checkRunOutputPaths. */
export function createRunOutputs(io: Io, plan: Plan, specs: readonly OutputSpec[], flags: RunOutputFlags): RunOutputs {
  const sinks: MetricsSink[] = [];
  let progress: Progress | undefined;
  const opened: Opened[] = [];
  const warnings: string[] = [];
  const printErr = (text: string): void => (progress ? progress.print(text) : io.stderr.write(text));
  const warn = (w: string): void => {
    if (warnings.includes(w)) return;
    warnings.push(w);
    printErr(`warning: ${w}\n`);
  };
  const stopped = (spec: OutputSpec) => (err: NodeJS.ErrnoException): void =>
    warn(`${describeOutput({ flag: spec.flag, path: spec.target })}: write failed (${err.code ?? err.message}); this output stopped there, the run went on`);
  const stopping: Promise<void>[] = [];
  if (flags.progress) {
    progress = createProgress(plan, { write: (t) => io.stderr.write(t), tty: io.stderr.isTTY, color: flags.color, intervalMs: envInterval(io), columns: io.stderr.columns });
  }
  for (const spec of specs) {
    let output: Output;
    try {
      output = (outputKinds[spec.kind] as OutputKind).create({ target: spec.target, flag: spec.flag, plan, tags: flags.tags ?? {}, version: VERSION, onWriteError: stopped(spec), warn });
    } catch (err) {
      // Paths were checked, but the file system can change since (a folder removed): still a user-facing error.
      for (const o of opened) void o.output.stop?.();
      throw new UserError({ message: `${describeOutput({ flag: spec.flag, path: spec.target })}: cannot be opened (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, hint: 'check the path and its folders' });
    }
    opened.push({ spec, output });
    if (output.sink) sinks.push(output.sink);
  }
  // Outputs that read seconds but want the names learned at run time: one sink tells them all (its record does
  // nothing; it is there only when such an output is).
  const naming = opened.filter((o) => o.output.named && !o.output.sink).map((o) => o.output);
  if (naming.length > 0) {
    sinks.push({
      started() {},
      record() {},
      named(id, name) {
        for (const o of naming) o.named?.(id, name);
      },
    });
  }
  // Scenario code writing to the terminal (console.log) would be drawn over by the next redraw: clear first.
  let stopWatchingWrites: (() => void) | undefined;
  const lineTakers = opened.filter((o) => o.output.appendLines).map((o) => o.output);
  return {
    sinks,
    workerLines:
      lineTakers.length === 0
        ? undefined
        : (bytes) => {
            for (const o of lineTakers) o.appendLines?.(bytes);
          },
    start(run) {
      if (progress && io.stderr.isTTY && io.onOtherWrites) stopWatchingWrites = io.onOtherWrites(() => progress?.clear());
      progress?.start(run);
      const at = { startEpochMs: Date.now(), nowMs: () => performance.now(), run };
      for (const o of opened) o.output.start?.(at);
      if (progress) run.metrics.onSecond((v) => progress?.second(v));
      // An output that throws on a second (a bug) stops getting them, with a warning: the run's timer must not die.
      const readers = opened.filter((o) => o.output.second);
      if (readers.length > 0) {
        run.metrics.onSecond((v) => {
          for (let i = 0; i < readers.length; i++) {
            try {
              readers[i].output.second?.(v);
            } catch (err) {
              warn(`${describeOutput({ flag: readers[i].spec.flag, path: readers[i].spec.target })}: stopped (${(err as Error).message}); the run went on`);
              readers.splice(i--, 1);
            }
          }
        });
      }
    },
    printErr,
    warnings,
    finish() {
      stopWatchingWrites?.();
      stopWatchingWrites = undefined;
      progress?.stop();
      for (const o of opened) {
        const pending = o.output.stop?.();
        if (pending) stopping.push(pending);
      }
    },
    async drain() {
      await Promise.all(stopping.splice(0));
    },
    async writeResults(result) {
      const kept: string[] = [];
      const named = (o: Opened): string => describeOutput({ flag: o.spec.flag, path: o.spec.target });
      // Files only: what is left to read afterwards (a URL may also carry a password).
      for (const o of opened) if (!o.output.writeResult && outputKinds[o.spec.kind].target === 'file') kept.push(named(o));
      const writers = opened.filter((o) => o.output.writeResult);
      const essential = writers.filter((o) => outputKinds[o.spec.kind].essential === true);
      for (const o of writers.filter((w) => !essential.includes(w))) {
        try {
          await o.output.writeResult?.(result);
          kept.push(named(o));
        } catch (err) {
          const w = `${named(o)}: write failed (${errorCode(err)})${essential.length > 0 ? '; the result file has the same numbers' : ''}`;
          result.warnings.push(w);
          io.stderr.write(`warning: ${w}\n`);
        }
      }
      for (const o of essential) {
        try {
          await o.output.writeResult?.(result);
        } catch (err) {
          return { lost: `could not write the result file ${o.spec.target} (${errorCode(err)})`, kept };
        }
      }
      return { kept };
    },
  };
}

function errorCode(err: unknown): string {
  return (err as NodeJS.ErrnoException).code ?? (err as Error).message;
}

/** RUNNER_PROGRESS_INTERVAL_MS overrides the progress period (tests use it to see non-TTY lines quickly). */
function envInterval(io: Io): number | undefined {
  const v = Number(io.env.RUNNER_PROGRESS_INTERVAL_MS);
  return Number.isFinite(v) && v > 0 ? v : undefined;
}
