// `--hdr-log run.hlog`: the standard HdrHistogram interval log (format 1.3), one line per second for the whole run
// (untagged, even when empty: "no request finished" is information) and one per request name (`Tag=<tag>`, see below) that
// had a value in that second — a script naming 1,000 requests would otherwise write 1,000 empty lines a second.
// The format allows absent tags, but Java's HistogramLogProcessor `-tag x` throws (NullPointerException) on a tag
// with no line in the whole log, so the last interval writes an empty line for each name never written before.
// Readable by HistogramLogProcessor and HistogramLogAnalyzer: Java's reader splits every line on spaces, commas,
// CR and LF, so a request name is written as a tag without them (see `renderHdrTag`), and a comment line before a
// tag's first line maps it back to the name: `#[Tag GET_/health = "GET /health"]`.
import { createHistogram, encodeHistogram, type Histogram } from '../metrics/histogram.ts';
import { addHistogram } from '../metrics/histogram-walk.ts';
import type { SecondView } from '../metrics/seconds.ts';
import { createOutputStream } from './output-stream.ts';
import type { OutputKind } from './types.ts';

/** Values are µs; interval max is written in ms, as the Java writer does with its unit ratio. */
const MAX_VALUE_UNIT_RATIO = 1000;

export interface HdrLog {
  /** A request id named during the run (code scenarios). */
  named(requestId: number, name: string): void;
  /** Writes the header; `startEpochMs` is the run's start (wall clock), the BaseTime of every line. */
  start(startEpochMs: number): void;
  /** Writes the lines of one closed second of the run (a SecondListener). */
  second(view: SecondView): void;
  /** Closes the file (the run hands out its last, partial second before). Safe twice. */
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

/** Seconds as the HistogramLogWriters (Java's and hdr-histogram-js's) print them: 3 decimals, padded to 5. */
function renderLogSeconds(sec: number): string {
  return sec.toFixed(3).padStart(5);
}

/**
 * One interval line, as HistogramLogWriter.outputIntervalHistogram writes it: start and length in seconds, the
 * max divided by `maxValueUnitRatio`, the compressed histogram. Rendered here rather than by hdr-histogram-js's
 * writer, whose module builds an Intl.NumberFormat when it loads: ~20-30 ms of every run's start-up.
 */
export function renderIntervalLine(h: Histogram, tag: string | undefined, startSec: number, endSec: number): string {
  const line = `${renderLogSeconds(startSec)},${renderLogSeconds(endSec - startSec)},${renderLogSeconds(h.maxValue / MAX_VALUE_UNIT_RATIO)},${encodeHistogram(h)}\n`;
  return tag === undefined ? line : `Tag=${tag},${line}`;
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
 * share a tag. Lines are written synchronously once per second of the run, as the run hands its seconds out
 * (small, off the hot path): the log reads the run's own per-second histograms and records nothing itself. A
 * write error (a full disk) calls `onWriteError` once and stops the log; the run goes on.
 */
export function createHdrLog(
  path: string,
  requestNames: readonly string[],
  comment: string,
  onWriteError: (err: NodeJS.ErrnoException) => void = () => undefined,
): HdrLog {
  const file = createOutputStream(path, onWriteError);
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
  /** Written once, at close, for each name that never had a value (see the file comment). */
  const empty = createHistogram();
  /** By index into `names`: whether a line with that tag was written. */
  const written: boolean[] = [];
  /** Per name: where the latency of its ids in the second is summed (reset each second). */
  const sums: Histogram[] = [];
  let started = false;
  let closed = false;
  let lastEndSec = 0;

  /** Writes one second; `last` adds the empty lines of names never written. */
  const write = (v: SecondView | null): void => {
    if (file.failed) return;
    const used = new Set<number>();
    if (v !== null) {
      for (const id of v.ids) {
        const counts = v.countsOf(id);
        if (counts === undefined) continue;
        // An id nobody named (a bug upstream) is logged under its number rather than dropped or thrown on.
        const n = (nameIndex[id] ??= indexOfName(`#${id}`));
        const sum = (sums[n] ??= createHistogram());
        if (!used.has(n)) sum.reset();
        used.add(n);
        // addHistogram, not sum.add: a second's histograms are smaller than `sum`, and the library's add then
        // records value by value (~0.5 ms per name, each second, in the tick that closes it).
        if (counts.same !== null) addHistogram(sum, counts.same);
        if (counts.latency !== null) addHistogram(sum, counts.latency);
      }
    }
    const startSec = v === null ? lastEndSec : v.startMs / 1000;
    const endSec = v === null ? lastEndSec : v.endMs / 1000;
    names.forEach((name, i) => {
      const h = used.has(i) && sums[i].totalCount > 0 ? sums[i] : v === null && !written[i] ? empty : undefined;
      if (h === undefined) return;
      if (!written[i]) file.write(renderHdrTagComment(tags[i], name));
      written[i] = true;
      file.write(renderIntervalLine(h, tags[i], startSec, endSec));
    });
    if (v !== null) file.write(renderIntervalLine(v.latency, undefined, startSec, endSec));
    lastEndSec = endSec;
  };

  return {
    named(id, name) {
      nameIndex[id] = indexOfName(name);
    },
    start(startEpochMs) {
      started = true;
      file.write(renderHdrLogHeader(startEpochMs, comment));
    },
    second(v) {
      if (started && !closed) write(v);
    },
    close() {
      if (closed) return;
      closed = true;
      if (started) write(null);
      file.close();
    },
  };
}

/** `--hdr-log run.hlog` (or `--out hdr-log=run.hlog`). */
export const hdrLogOutput: OutputKind = {
  target: 'file',
  example: 'run.hlog',
  create(ctx) {
    const log = createHdrLog(ctx.target, ctx.plan.requestNames, `Logged with runner ${ctx.version}, latency in microseconds`, ctx.onWriteError);
    return { named: log.named, second: log.second, start: (run) => log.start(run.startEpochMs), stop: () => log.close() };
  },
};
