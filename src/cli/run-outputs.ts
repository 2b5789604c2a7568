// What `runner run` adds around a Run besides the result file: live progress, --hdr-log, --out ndjson=…,
// --summary-export. Checks every output path before the run, creates the sinks before it, starts their timers
// with it and closes them after it. A stream that fails mid-run (a full disk) stops with a warning; the run goes on.
import { performance } from 'node:perf_hooks';
import { resolve } from 'node:path';
import { UserError } from '../errors.ts';
import { checkOutputPaths, describeOutput, type OutputPath } from '../report/output-path.ts';
import { InvalidArgumentError } from 'commander';
import type { MetricsSink } from '../metrics/types.ts';
import type { Plan } from '../plan/types.ts';
import { createHdrLog, type HdrLog } from '../report/hdr-log.ts';
import { createNdjsonSink, type NdjsonSink } from '../report/ndjson.ts';
import { createProgress, type Progress, type ProgressSource } from '../report/progress.ts';
import { VERSION } from '../version.ts';
import type { RequestInfo, RunCounters } from '../output/prometheus/aggregate.ts';
import { createPrometheusOutput } from '../output/prometheus/prometheus-output.ts';
import type { Io } from './io.ts';

/** The `--out` targets: the result file (plain path or `json=path`), the NDJSON stream, a Prometheus URL. */
export interface OutTargets {
  json?: string;
  ndjson?: string;
  /** A remote-write URL (http or https), not a path. */
  prometheus?: string;
}

/**
 * Splits `--out` values: `ndjson=path`, `json=path` or a plain path (the result file). `json=` or `ndjson=`
 * with nothing after it, and a bare `json`/`ndjson` (a kind without `=`), are refused: each would otherwise
 * be read as a file named so in the working folder.
 */
export function parseOutTargets(values: string | string[] | undefined): OutTargets {
  const out: OutTargets = {};
  for (const v of values === undefined ? [] : Array.isArray(values) ? values : [values]) {
    const m = /^([a-z]+)=(.*)$/.exec(v);
    const kind = m ? m[1] : 'json';
    const path = m ? m[2] : v;
    if (kind !== 'json' && kind !== 'ndjson' && kind !== 'prometheus') throw new InvalidArgumentError(`--out takes a path, json=<path>, ndjson=<path> or prometheus=<url>, got '${v}'`);
    if (kind === 'prometheus') {
      if (out.prometheus !== undefined) throw new InvalidArgumentError('--out prometheus given twice');
      out.prometheus = parseRemoteWriteUrl(path);
      continue;
    }
    if (m && path === '') throw new InvalidArgumentError(`--out ${kind}= has no path after '=': give one, e.g. --out ${kind}=result.${kind}`);
    if (v === 'json' || v === 'ndjson') throw new InvalidArgumentError(`--out ${v}: did you mean ${v}=<path>? (to write a file named '${v}', give ./${v})`);
    if (out[kind] !== undefined) throw new InvalidArgumentError(`--out ${kind} given twice`);
    out[kind] = path;
  }
  return out;
}

/** A remote-write URL: http or https with a host, e.g. http://localhost:9090/api/v1/write. */
function parseRemoteWriteUrl(value: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') {
    throw new InvalidArgumentError(`--out prometheus= takes the receiver's URL, e.g. prometheus=http://localhost:9090/api/v1/write, got '${value}'`);
  }
  return value;
}

/** Where `runner run` writes, as absolute paths to write (symbolic links resolved), all checked. */
export interface RunOutputPaths {
  json?: string;
  ndjson?: string;
  hdrLog?: string;
  summaryExport?: string;
}

/**
 * Checks every output of `runner run` before any work: a missing folder, a folder, a FIFO or device, an
 * unwritable path or two outputs on one file is a UserError naming the flag and the path (exit 2, no traffic).
 */
export function checkRunOutputPaths(io: Io, scenarioFile: string, out: OutTargets, flags: { hdrLog?: string; summaryExport?: string }): RunOutputPaths {
  const named: [keyof RunOutputPaths, string, string | undefined][] = [
    ['json', '--out', out.json],
    ['ndjson', '--out ndjson=', out.ndjson],
    ['hdrLog', '--hdr-log', flags.hdrLog],
    ['summaryExport', '--summary-export', flags.summaryExport],
  ];
  const given = named.filter((n): n is [keyof RunOutputPaths, string, string] => n[2] !== undefined);
  const list: OutputPath[] = given.map(([, flag, path]) => ({ flag, path: resolve(io.cwd, path), given: path }));
  const targets = checkOutputPaths(list, [resolve(io.cwd, scenarioFile)]);
  const paths: RunOutputPaths = {};
  given.forEach(([key], i) => (paths[key] = targets[i]));
  return paths;
}

export interface RunOutputs {
  sinks: MetricsSink[];
  start(run: ProgressSource & RunCounters): void;
  /** Writes whole lines to stderr without the live progress block drawing over them. */
  printErr(text: string): void;
  /** Outputs that stopped during the run (a full disk…), one sentence each; for the result's warnings. */
  readonly warnings: string[];
  /** Stops timers, draws the last progress, writes the last interval and closes files; safe to call twice. */
  finish(): void;
  /** After finish(): sends what network outputs still hold (bounded wait); their losses join `warnings`. */
  drain(): Promise<void>;
}

export interface RunOutputFlags {
  /** Checked paths (checkRunOutputPaths). */
  hdrLog?: string;
  ndjson?: string;
  /** Show live progress (false with --quiet). */
  progress: boolean;
  color: boolean;
  /** --out prometheus=<url> and the --tag labels. */
  prometheus?: { url: string; tags: Record<string, string> };
}

export function createRunOutputs(io: Io, plan: Plan, flags: RunOutputFlags): RunOutputs {
  const sinks: MetricsSink[] = [];
  let progress: Progress | undefined;
  let hdrLog: HdrLog | undefined;
  let ndjson: NdjsonSink | undefined;
  const warnings: string[] = [];
  const printErr = (text: string): void => (progress ? progress.print(text) : io.stderr.write(text));
  const stopped = (flag: string, path: string) => (err: NodeJS.ErrnoException): void => {
    const w = `${describeOutput({ flag, path })}: write failed (${err.code ?? err.message}); this output stopped there, the run went on`;
    warnings.push(w);
    printErr(`warning: ${w}\n`);
  };
  if (flags.progress) {
    progress = createProgress(plan, { write: (t) => io.stderr.write(t), tty: io.stderr.isTTY, color: flags.color, intervalMs: envInterval(io), columns: io.stderr.columns });
    sinks.push(progress.sink);
  }
  // Paths were checked, but the file system can change since (a folder removed): still a user-facing error.
  const opening = <T>(flag: string, path: string, open: () => T): T => {
    try {
      return open();
    } catch (err) {
      hdrLog?.close();
      throw new UserError({ message: `${describeOutput({ flag, path })}: cannot be opened (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, hint: 'check the path and its folders' });
    }
  };
  if (flags.hdrLog) {
    const path = flags.hdrLog;
    hdrLog = opening('--hdr-log', path, () => createHdrLog(path, plan.requestNames, `Logged with runner ${VERSION}, latency in microseconds`, undefined, stopped('--hdr-log', path)));
    sinks.push(hdrLog.sink);
  }
  const prometheus = flags.prometheus ? createPrometheusOutput({ url: flags.prometheus.url, tags: flags.prometheus.tags, seed: plan.seed, ...requestInfos(plan) }) : undefined;
  if (prometheus) sinks.push(prometheus.sink);
  if (flags.ndjson) {
    const path = flags.ndjson;
    ndjson = opening('--out ndjson=', path, () => createNdjsonSink(path, plan.requestNames, stopped('--out ndjson=', path)));
    sinks.push(ndjson);
  }
  // Scenario code writing to the terminal (console.log) would be drawn over by the next redraw: clear first.
  let stopWatchingWrites: (() => void) | undefined;
  return {
    sinks,
    start(run) {
      if (progress && io.stderr.isTTY && io.onOtherWrites) stopWatchingWrites = io.onOtherWrites(() => progress?.clear());
      progress?.start(run);
      hdrLog?.start(Date.now(), () => performance.now());
      prometheus?.start(run);
    },
    printErr,
    warnings,
    finish() {
      stopWatchingWrites?.();
      stopWatchingWrites = undefined;
      progress?.stop();
      hdrLog?.close();
      ndjson?.close();
    },
    async drain() {
      const closed = await prometheus?.close();
      if (closed?.warning && !warnings.includes(closed.warning)) {
        warnings.push(closed.warning);
        printErr(`warning: ${closed.warning}\n`);
      }
    },
  };
}

/** Scenario and method of each request id the plan knows; code scenarios name theirs during the run. */
function requestInfos(plan: Plan): { requests: RequestInfo[]; lateScenario: string } {
  const only = plan.scenarios.length === 1 ? plan.scenarios[0].name : '';
  const requests: RequestInfo[] = plan.requestNames.map((name) => ({ name, scenario: only, method: '' }));
  for (const s of plan.scenarios) for (const step of s.steps ?? []) requests[step.id] = { name: plan.requestNames[step.id], scenario: s.name, method: step.method };
  return { requests, lateScenario: only };
}

/** RUNNER_PROGRESS_INTERVAL_MS overrides the progress period (tests use it to see non-TTY lines quickly). */
function envInterval(io: Io): number | undefined {
  const v = Number(io.env.RUNNER_PROGRESS_INTERVAL_MS);
  return Number.isFinite(v) && v > 0 ? v : undefined;
}
