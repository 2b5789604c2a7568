// `--hdr-log run.hlog`: the standard HdrHistogram interval log (format 1.3), one line per second for the whole run
// (untagged, even when empty: "no request finished" is information) and one per request name (`Tag=<tag>`, see below) that
// had a value in that second — a script naming 1,000 requests would otherwise write 1,000 empty lines a second.
// The format allows absent tags, but Java's HistogramLogProcessor `-tag x` throws (NullPointerException) on a tag
// with no line in the whole log, so the last interval writes an empty line for each name never written before.
// Readable by HistogramLogProcessor and HistogramLogAnalyzer: Java's reader splits every line on spaces, commas,
// CR and LF, so a request name is written as a tag without them (see `renderHdrTag`), and a comment line before a
// tag's first line maps it back to the name: `#[Tag GET_/health = "GET /health"]`.
import { HistogramLogWriter } from 'hdr-histogram-js';
import { createHistogram, type Histogram } from '../metrics/histogram.ts';
import { createIntervalRecorder, type IntervalRecorder } from '../metrics/interval.ts';
import { createOutputStream } from './output-stream.ts';
import type { OutputKind } from './types.ts';

/** Values are µs; interval max is written in ms, as the Java writer does with its unit ratio. */
const MAX_VALUE_UNIT_RATIO = 1000;

export interface HdrLog {
  /** Add this to the run's sinks. */
  readonly sink: IntervalRecorder;
  /** Starts the interval timer; `startEpochMs` is the run's start (wall clock), `nowMs` a monotonic clock. */
  start(startEpochMs: number, nowMs: () => number): void;
  /** Writes the last (partial) interval and closes the file. */
  close(): void;
}

/**
 * The tag a request name is written under: `name` with every character other than printable ASCII, and every
 * comma, replaced by `_` ("" → "_"). Java's HistogramLogScanner splits on `[ ,\r\n]` (a name with a space made
 * the whole file unreadable, untagged totals included) and decodes with the platform charset (often ASCII), so
 * a non-ASCII tag could not be given back to `-tag`. Two names that render alike are told apart by `uniqueTag`.
 */
export function renderHdrTag(name: string): string {
  const tag = name.replace(/[^\x21-\x2b\x2d-\x7e]/gu, '_');
  return tag === '' ? '_' : tag;
}

/** The comment line mapping `tag` to its request name; the name JSON-quoted and pure ASCII, so it stays one line for every reader. */
export function renderHdrTagComment(tag: string, name: string): string {
  const quoted = JSON.stringify(name).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return `#[Tag ${tag} = ${quoted}]\n`;
}

/** `renderHdrTag(name)`, with `~2`, `~3`… appended while it is in `used`; adds the result to `used`. */
function uniqueTag(name: string, used: Set<string>): string {
  const base = renderHdrTag(name);
  let tag = base;
  for (let k = 2; used.has(tag); k++) tag = `${base}~${k}`;
  used.add(tag);
  return tag;
}

/** The header lines the Java HistogramLogWriter writes (comment, version, start time, base time, legend). */
export function renderHdrLogHeader(startEpochMs: number, comment: string): string {
  const sec = (startEpochMs / 1000).toFixed(3);
  return (
    `#[${comment}]\n` +
    '#[Histogram log format version 1.3]\n' +
    `#[StartTime: ${sec} (seconds since epoch), ${new Date(startEpochMs).toString()}]\n` +
    `#[BaseTime: ${sec} (seconds since epoch)]\n` +
    '"StartTimestamp","Interval_Length","Interval_Max","Interval_Compressed_Histogram"\n'
  );
}

/**
 * Creates the log at `path` (truncating it). `requestNames[id]` names request id `id`; ids that share a name
 * share a tag. Lines are written synchronously once per `intervalMs` (small, off the hot path). A write error
 * (a full disk) calls `onWriteError` once and stops the log; the run goes on.
 */
export function createHdrLog(
  path: string,
  requestNames: readonly string[],
  comment: string,
  intervalMs = 1000,
  onWriteError: (err: NodeJS.ErrnoException) => void = () => undefined,
): HdrLog {
  const file = createOutputStream(path, onWriteError);
  const recorder = createIntervalRecorder(requestNames.length, true);
  const writer = new HistogramLogWriter((text) => file.write(text));
  const names: string[] = [];
  /** By index into `names`: the tag it is written under, distinct per name. */
  const tags: string[] = [];
  const usedTags = new Set<string>();
  /** Index into `names` of a request name, adding it (names learned at run time by code scenarios). */
  const indexOfName = (name: string): number => {
    const i = names.indexOf(name);
    if (i !== -1) return i;
    tags.push(uniqueTag(name, usedTags));
    return names.push(name) - 1;
  };
  const nameIndex = requestNames.map(indexOfName);
  recorder.named = (id, name) => {
    nameIndex[id] = indexOfName(name);
  };
  const total = createHistogram();
  /** Written once, at close, for each name that never had a value (see the file comment). */
  const empty = createHistogram();
  /** By index into `names`: whether a line with that tag was written. */
  const written: boolean[] = [];
  /** Per name shared by several ids (the same name in two scenarios): where their interval is summed. */
  const sums: Histogram[] = [];
  let timer: NodeJS.Timeout | null = null;
  let now: () => number = () => 0;
  let intervalStartMs = 0;
  let originMs = 0;
  let closed = false;

  const flush = (last: boolean): void => {
    // A stopped log costs nothing more: the recorder keeps only the current interval.
    if (file.failed) return void recorder.take();
    const endMs = now();
    const snapshot = recorder.take();
    total.reset();
    // The recorder's own histograms are written as they are (no copy per name: a code scenario may name
    // a thousand requests); only a name shared by several ids is summed, into `sums`.
    const byName = new Map<number, Histogram>();
    snapshot.histograms.forEach((h, id) => {
      if (h.totalCount === 0) return;
      // An id nobody named (a bug upstream) is logged under its number rather than dropped or thrown on.
      const n = (nameIndex[id] ??= indexOfName(`#${id}`));
      const seen = byName.get(n);
      if (seen === undefined) byName.set(n, h);
      else {
        const sum = (sums[n] ??= createHistogram());
        if (seen !== sum) {
          sum.reset();
          sum.add(seen);
          byName.set(n, sum);
        }
        sum.add(h);
      }
      total.add(h);
    });
    const startSec = (intervalStartMs - originMs) / 1000;
    const endSec = (endMs - originMs) / 1000;
    names.forEach((name, i) => {
      const h = byName.get(i) ?? (last && !written[i] ? empty : undefined);
      if (h === undefined) return;
      if (!written[i]) file.write(renderHdrTagComment(tags[i], name));
      written[i] = true;
      h.tag = tags[i];
      writer.outputIntervalHistogram(h, startSec, endSec, MAX_VALUE_UNIT_RATIO);
    });
    writer.outputIntervalHistogram(total, startSec, endSec, MAX_VALUE_UNIT_RATIO);
    intervalStartMs = endMs;
  };

  return {
    sink: recorder,
    start(startEpochMs, nowMs) {
      now = nowMs;
      originMs = intervalStartMs = nowMs();
      file.write(renderHdrLogHeader(startEpochMs, comment));
      timer = setInterval(() => flush(false), intervalMs);
      timer.unref();
    },
    close() {
      if (closed) return;
      closed = true;
      if (timer) {
        clearInterval(timer);
        flush(true);
      }
      file.close();
    },
  };
}

/** `--hdr-log run.hlog` (or `--out hdr-log=run.hlog`). */
export const hdrLogOutput: OutputKind = {
  target: 'file',
  example: 'run.hlog',
  create(ctx) {
    const log = createHdrLog(ctx.target, ctx.plan.requestNames, `Logged with runner ${ctx.version}, latency in microseconds`, undefined, ctx.onWriteError);
    return { sink: log.sink, start: (run) => log.start(run.startEpochMs, run.nowMs), stop: () => log.close() };
  },
};
