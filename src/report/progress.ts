// Live progress on stderr while a run goes: a redrawn block every ~500 ms on a TTY, a plain line every 10 s
// otherwise. Reads the run's counters on a timer and the run's closed seconds as they come: it records nothing
// per request (the run records each request once, into its second).
import type { Plan } from '../plan/types.ts';
import { executorOf } from '../scheduler/index.ts';
import { createHistogram } from '../metrics/histogram.ts';
import type { SecondView } from '../metrics/seconds.ts';
import { SegmentTuple } from '../scheduler/segment.ts';
import { formatDurationMs, formatLatencyMs, formatNumber } from './format.ts';

/** What the progress reads from the run, on its timer. */
export interface ProgressSource {
  elapsedMs(): number;
  readonly activeVus: number;
  readonly iterations: { completed: number; failed: number; dropped: number };
}

/** How much work the plan has: a time span, or (when every scenario counts iterations) an iteration count. */
export type PlannedWork = { kind: 'time'; ms: number } | { kind: 'iterations'; count: number };

export function plannedWork(plan: Pick<Plan, 'scenarios' | 'segment'>): PlannedWork {
  const segment = plan.segment ?? SegmentTuple.full();
  let ms = 0;
  let count = 0;
  let allIterations = true;
  for (const { load } of plan.scenarios) {
    const span = executorOf(load).planned(load, segment);
    if (span.iterations === undefined) allIterations = false;
    else count += span.iterations;
    ms = Math.max(ms, load.startTimeMs + span.spanMs);
  }
  return allIterations && count > 0 ? { kind: 'iterations', count } : { kind: 'time', ms };
}

/** One progress sample: everything a line or block shows. Latencies in ms; null when nothing finished. */
export interface ProgressState {
  elapsedMs: number;
  planned: PlannedWork;
  iterationsDone: number;
  vus: number;
  reqPerSec: number;
  p50Ms: number | null;
  p99Ms: number | null;
  /** Responses by class since the start: [other, 1xx, 2xx, 3xx, 4xx, 5xx]. */
  statusClasses: ArrayLike<number>;
  errors: number;
  intervalMs: number;
}

const GREEN = '\x1b[32m';
const RED = '\x1b[31m';
const YELLOW = '\x1b[33m';
const RESET = '\x1b[39m';

function fraction(s: ProgressState): number {
  const f = s.planned.kind === 'time' ? (s.planned.ms > 0 ? s.elapsedMs / s.planned.ms : 0) : s.iterationsDone / s.planned.count;
  return Math.min(1, Math.max(0, f));
}

function plannedText(s: ProgressState): string {
  return s.planned.kind === 'time'
    ? `${formatDurationMs(s.elapsedMs)} / ${formatDurationMs(s.planned.ms)}`
    : `${formatDurationMs(s.elapsedMs)}  iterations ${formatNumber(s.iterationsDone)} / ${formatNumber(s.planned.count)}`;
}

function statusText(s: ProgressState, paint: (c: string, t: string) => string): string {
  const parts: string[] = [];
  ['', '1xx', '2xx', '3xx', '4xx', '5xx'].forEach((label, i) => {
    const n = s.statusClasses[i];
    if (n === 0 || label === '') return;
    const text = `${label} ${formatNumber(n)}`;
    parts.push(i === 2 ? paint(GREEN, text) : i >= 4 ? paint(YELLOW, text) : text);
  });
  if (s.statusClasses[0] > 0) parts.push(`other ${formatNumber(s.statusClasses[0])}`);
  parts.push(s.errors > 0 ? paint(RED, `errors ${formatNumber(s.errors)}`) : 'errors 0');
  return parts.join('  ');
}

const ms = (v: number | null): string => (v === null ? '-' : `${formatLatencyMs(v)} ms`);

/** The TTY block (3 lines, no trailing newline). */
export function renderProgressBlock(s: ProgressState, color: boolean, barWidth = 30): string {
  const paint = (c: string, t: string): string => (color ? `${c}${t}${RESET}` : t);
  const f = fraction(s);
  const filled = Math.round(f * barWidth);
  const bar = '█'.repeat(filled) + '░'.repeat(barWidth - filled);
  return [
    `running  ${plannedText(s)}  [${bar}] ${Math.floor(f * 100)}%`,
    `vus ${s.vus}  req/s ${formatNumber(s.reqPerSec)}  p50 ${ms(s.p50Ms)}  p99 ${ms(s.p99Ms)}  (last ${formatDurationMs(s.intervalMs)})`,
    statusText(s, paint),
  ].join('\n');
}

/** The plain line for logs. */
export function renderProgressLine(s: ProgressState): string {
  return (
    `progress: ${plannedText(s)} (${Math.floor(fraction(s) * 100)}%)  vus ${s.vus}  req/s ${formatNumber(s.reqPerSec)}` +
    `  p50 ${ms(s.p50Ms)}  p99 ${ms(s.p99Ms)}  ${statusText(s, (_c, t) => t)}`
  );
}

export interface ProgressOptions {
  write: (text: string) => void;
  tty: boolean;
  color: boolean;
  /** Default 500 ms on a TTY, 10 s otherwise. */
  intervalMs?: number;
  /** The terminal's width: a block line wider than it takes several rows, and the redraw must go up over all. */
  columns?: () => number | undefined;
}

/** Rows a block takes on a terminal `columns` wide (lines wrap); colour codes take no room. */
export function blockRows(block: string, columns: number | undefined): number {
  let rows = 0;
  for (const line of block.split('\n')) {
    const width = Array.from(line.replace(/\x1b\[[0-9;]*m/g, '')).length;
    rows += columns !== undefined && columns > 0 ? Math.max(1, Math.ceil(width / columns)) : 1;
  }
  return rows;
}

export interface Progress {
  /** Give it each closed second of the run (a SecondListener). */
  second(view: SecondView): void;
  start(source: ProgressSource): void;
  /**
   * Writes `text` (whole lines) to the same stream without losing it: on a TTY the block is erased first and
   * drawn again below the text at the next tick, so a redraw never moves the cursor up over it.
   */
  print(text: string): void;
  /** Erases the block (TTY) before someone else writes to the terminal; it is drawn again at the next tick. */
  clear(): void;
  /** Draws the final state (TTY) and stops the timer. Call it before anything else is printed after the block. */
  stop(): void;
}

export function createProgress(plan: Pick<Plan, 'scenarios' | 'requestNames'>, opts: ProgressOptions): Progress {
  const planned = plannedWork(plan);
  const intervalMs = opts.intervalMs ?? (opts.tty ? 500 : 10_000);
  let timer: NodeJS.Timeout | null = null;
  let source: ProgressSource | null = null;
  let drawnRows = 0;
  /** Since the start: responses by status class, and requests with no response. */
  const statusClasses = new Float64Array(6);
  let errors = 0;
  /** The seconds handed out since the last draw, summed: their span, requests and latencies. */
  const pending = { spanMs: 0, requests: 0 };
  const latency = createHistogram();
  /** What the last draw showed; kept when no second closed since (a TTY draws twice a second). */
  let shown = { reqPerSec: 0, p50Ms: null as number | null, p99Ms: null as number | null, spanMs: 0 };

  const sample = (): ProgressState => {
    const src = source as ProgressSource;
    if (pending.spanMs > 0) {
      const responses = latency.totalCount;
      shown = {
        reqPerSec: Math.round((pending.requests * 1000) / pending.spanMs),
        p50Ms: responses === 0 ? null : latency.getValueAtPercentile(50) / 1000,
        p99Ms: responses === 0 ? null : latency.getValueAtPercentile(99) / 1000,
        spanMs: pending.spanMs,
      };
      pending.spanMs = pending.requests = 0;
      latency.reset();
    }
    return {
      elapsedMs: src.elapsedMs(),
      planned,
      iterationsDone: src.iterations.completed + src.iterations.failed,
      vus: src.activeVus,
      reqPerSec: shown.reqPerSec,
      p50Ms: shown.p50Ms,
      p99Ms: shown.p99Ms,
      statusClasses,
      errors,
      intervalMs: Math.max(1, shown.spanMs),
    };
  };

  // Up to the first line of the block drawn last, clear to the end of the screen. Only valid while nothing else
  // was written after the block: every other write goes through print(), and stop() forgets the block.
  const erase = (): string => (drawnRows > 0 ? `\x1b[${drawnRows}F\x1b[J` : '');

  const draw = (): void => {
    const s = sample();
    if (opts.tty) {
      const up = erase();
      const block = renderProgressBlock(s, opts.color);
      drawnRows = blockRows(block, opts.columns?.());
      opts.write(`${up}${block}\n`);
    } else opts.write(`${renderProgressLine(s)}\n`);
  };

  return {
    second(v) {
      for (let i = 0; i < statusClasses.length; i++) statusClasses[i] += v.statusClasses[i];
      errors += v.errors;
      pending.spanMs += v.endMs - v.startMs;
      pending.requests += v.requests;
      latency.add(v.latency);
    },
    start(src) {
      source = src;
      timer = setInterval(draw, intervalMs);
      timer.unref();
    },
    print(text) {
      if (opts.tty && timer) {
        opts.write(erase() + text);
        drawnRows = 0;
      } else opts.write(text);
    },
    clear() {
      if (!opts.tty || !timer || drawnRows === 0) return;
      opts.write(erase());
      drawnRows = 0;
    },
    stop() {
      if (!timer) return;
      clearInterval(timer);
      timer = null;
      if (opts.tty) draw();
      // The final block stays on screen; what comes next (the summary) is printed below it, never over it.
      drawnRows = 0;
    },
  };
}
