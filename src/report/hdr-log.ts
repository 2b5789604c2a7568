// `--hdr-log run.hlog`: the standard HdrHistogram interval log (format 1.3), one line per second for the whole run
// (untagged) and one per request name (`Tag=<name>`), readable by HistogramLogProcessor and HistogramLogAnalyzer.
import { closeSync, openSync, writeSync } from 'node:fs';
import { HistogramLogWriter } from 'hdr-histogram-js';
import { createHistogram, type Histogram } from '../metrics/histogram.ts';
import { createIntervalRecorder, type IntervalRecorder } from '../metrics/interval.ts';

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
 * share a tag. Lines are written synchronously once per `intervalMs` (small, off the hot path).
 */
export function createHdrLog(path: string, requestNames: readonly string[], comment: string, intervalMs = 1000): HdrLog {
  const fd = openSync(path, 'w');
  const recorder = createIntervalRecorder(requestNames.length, true);
  const writer = new HistogramLogWriter((text) => void writeSync(fd, text));
  const names = [...new Set(requestNames)];
  const byName: Histogram[] = names.map(() => createHistogram());
  const nameIndex = requestNames.map((n) => names.indexOf(n));
  /** Index into `names` of a request name, adding it (names learned at run time by code scenarios). */
  const indexOfName = (name: string): number => {
    let i = names.indexOf(name);
    if (i === -1) {
      i = names.push(name) - 1;
      byName.push(createHistogram());
    }
    return i;
  };
  recorder.named = (id, name) => {
    nameIndex[id] = indexOfName(name);
  };
  const total = createHistogram();
  let timer: NodeJS.Timeout | null = null;
  let now: () => number = () => 0;
  let intervalStartMs = 0;
  let originMs = 0;
  let closed = false;

  const flush = (): void => {
    const endMs = now();
    const snapshot = recorder.take();
    total.reset();
    // reset() also clears the tag.
    byName.forEach((h, i) => {
      h.reset();
      h.tag = names[i];
    });
    // An id nobody named (a bug upstream) is logged under its number rather than dropped or thrown on.
    snapshot.histograms.forEach((h, id) => byName[(nameIndex[id] ??= indexOfName(`#${id}`))].add(h));
    for (const h of byName) total.add(h);
    const startSec = (intervalStartMs - originMs) / 1000;
    const endSec = (endMs - originMs) / 1000;
    for (const h of byName) writer.outputIntervalHistogram(h, startSec, endSec, MAX_VALUE_UNIT_RATIO);
    writer.outputIntervalHistogram(total, startSec, endSec, MAX_VALUE_UNIT_RATIO);
    intervalStartMs = endMs;
  };

  return {
    sink: recorder,
    start(startEpochMs, nowMs) {
      now = nowMs;
      originMs = intervalStartMs = nowMs();
      writeSync(fd, renderHdrLogHeader(startEpochMs, comment));
      timer = setInterval(flush, intervalMs);
      timer.unref();
    },
    close() {
      if (closed) return;
      closed = true;
      if (timer) {
        clearInterval(timer);
        flush();
      }
      closeSync(fd);
    },
  };
}
