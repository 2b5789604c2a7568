// What `runner run` adds around a Run besides the result file: live progress, --hdr-log, --out ndjson=…,
// --summary-export. Creates the sinks before the run, starts their timers with it and closes them after it.
import { performance } from 'node:perf_hooks';
import { resolve } from 'node:path';
import { InvalidArgumentError } from 'commander';
import type { MetricsSink } from '../metrics/types.ts';
import type { Plan } from '../plan/types.ts';
import { createHdrLog, type HdrLog } from '../report/hdr-log.ts';
import { createNdjsonSink, type NdjsonSink } from '../report/ndjson.ts';
import { createProgress, type Progress, type ProgressSource } from '../report/progress.ts';
import { VERSION } from '../version.ts';
import type { Io } from './io.ts';

/** The `--out` targets: the result file (plain path or `json=path`) and the NDJSON stream. */
export interface OutTargets {
  json?: string;
  ndjson?: string;
}

/** commander collector for the repeatable `--out`. */
export function collectOut(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Splits `--out` values: `ndjson=path`, `json=path` or a plain path (the result file). */
export function parseOutTargets(values: string | string[] | undefined): OutTargets {
  const out: OutTargets = {};
  for (const v of values === undefined ? [] : Array.isArray(values) ? values : [values]) {
    const m = /^([a-z]+)=(.+)$/.exec(v);
    const kind = m ? m[1] : 'json';
    const path = m ? m[2] : v;
    if (kind !== 'json' && kind !== 'ndjson') throw new InvalidArgumentError(`--out takes a path, json=<path> or ndjson=<path>, got '${v}'`);
    if (out[kind] !== undefined) throw new InvalidArgumentError(`--out ${kind} given twice`);
    out[kind] = path;
  }
  return out;
}

export interface RunOutputs {
  sinks: MetricsSink[];
  start(run: ProgressSource): void;
  /** Stops timers, writes the last interval and closes files; safe to call twice. */
  finish(): void;
}

export interface RunOutputFlags {
  hdrLog?: string;
  ndjson?: string;
  /** Show live progress (false with --quiet). */
  progress: boolean;
  color: boolean;
}

export function createRunOutputs(io: Io, plan: Plan, flags: RunOutputFlags): RunOutputs {
  const sinks: MetricsSink[] = [];
  let progress: Progress | undefined;
  let hdrLog: HdrLog | undefined;
  let ndjson: NdjsonSink | undefined;
  if (flags.progress) {
    progress = createProgress(plan, { write: (t) => io.stderr.write(t), tty: io.stderr.isTTY, color: flags.color, intervalMs: envInterval(io) });
    sinks.push(progress.sink);
  }
  if (flags.hdrLog) {
    hdrLog = createHdrLog(resolve(io.cwd, flags.hdrLog), plan.requestNames, `Logged with runner ${VERSION}, latency in microseconds`);
    sinks.push(hdrLog.sink);
  }
  if (flags.ndjson) {
    ndjson = createNdjsonSink(resolve(io.cwd, flags.ndjson), plan.requestNames);
    sinks.push(ndjson);
  }
  return {
    sinks,
    start(run) {
      progress?.start(run);
      hdrLog?.start(Date.now(), () => performance.now());
    },
    finish() {
      progress?.stop();
      hdrLog?.close();
      ndjson?.close();
    },
  };
}

/** RUNNER_PROGRESS_INTERVAL_MS overrides the progress period (tests use it to see non-TTY lines quickly). */
function envInterval(io: Io): number | undefined {
  const v = Number(io.env.RUNNER_PROGRESS_INTERVAL_MS);
  return Number.isFinite(v) && v > 0 ? v : undefined;
}
