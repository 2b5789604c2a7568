// runner watches itself during a run: event-loop delay, CPU of its own process and how late scheduled
// iterations started. When these are high the numbers describe runner, not the server: the summary says so.
import { constants as perfConstants, monitorEventLoopDelay, performance, PerformanceObserver, type IntervalHistogram } from 'node:perf_hooks';
import type { SelfCheckResult } from '../result/types.ts';
import { createHistogram, recordUs, type Histogram } from './histogram.ts';

/** Sampling period of the event-loop monitor; what it records above this is the delay. */
const RESOLUTION_MS = 10;

/**
 * Event-loop samples needed (in the warm window) before its p99 is judged: with a handful, p99 is the maximum.
 * A blocked loop takes few samples (one per stall), so this stays small; the warm-up keeps start-up stalls out.
 */
const MIN_LOOP_SAMPLES = 10;

/**
 * CPU and event-loop busy time are measured from this long after the start: the first second holds module
 * loading, JIT compilation and connection set-up, which alone read as 100% busy (a 3-iteration run was
 * called saturated every time).
 */
const WARM_UP_MS = 1_000;
/** …and judged only over at least this much of the run after the warm-up. */
const MIN_JUDGED_MS = 1_000;
/** Scheduled starts needed before their p99 lateness is judged (in a handful, p99 is the first, cold one). */
const MIN_LATE_SAMPLES = 100;

/** Above any of these, runner was the bottleneck. */
export const SATURATION = {
  /** Event-loop delay p99: callbacks (responses, timers) waited this long to run. */
  eventLoopDelayP99Ms: 20,
  /** One core: the JS thread cannot do more. */
  cpuPercent: 90,
  /** Share of the time the event loop was busy rather than waiting for I/O (0–1). */
  eventLoopUtilization: 0.9,
  /** Scheduled starts p99 this late: the schedule was not kept. */
  lateStartsP99Ms: 10,
};

export interface SelfCheck {
  /** A scheduled iteration started `lateMs` after its intended time. */
  lateStart(lateMs: number): void;
  /** Stops watching and returns the figures; `droppedIterations` is the run's count, reported beside them. Call once. */
  stop(droppedIterations: number): SelfCheckResult;
}

interface Snapshot {
  cpu: NodeJS.CpuUsage;
  wallNs: bigint;
  elu: ReturnType<typeof performance.eventLoopUtilization>;
}

function snapshot(): Snapshot {
  return { cpu: process.cpuUsage(), wallNs: process.hrtime.bigint(), elu: performance.eventLoopUtilization() };
}

/**
 * Garbage-collection pauses of this process while the run lasts: each one stops the JS thread, so a response that
 * arrives during it is timed that much late. Major (mark-sweep) pauses are the long ones.
 */
function watchGc() {
  let count = 0;
  let totalMs = 0;
  let maxMs = 0;
  let majorMs = 0;
  const tally = (entries: readonly PerformanceEntry[]) => {
    for (const e of entries) {
      count++;
      totalMs += e.duration;
      if (e.duration > maxMs) maxMs = e.duration;
      if ((e as { detail?: { kind?: number } }).detail?.kind === perfConstants.NODE_PERFORMANCE_GC_MAJOR) majorMs += e.duration;
    }
  };
  const observer = new PerformanceObserver((list) => tally(list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });
  return {
    stop() {
      // Entries still buffered (the observer delivers them on a later tick) are taken now.
      const rest = observer.takeRecords?.() ?? [];
      tally(rest);
      observer.disconnect();
      return { count, totalMs, maxMs, majorMs };
    },
  };
}

export function startSelfCheck(): SelfCheck {
  const loop: IntervalHistogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  loop.enable();
  const gc = watchGc();
  const late: Histogram = createHistogram();
  const start = snapshot();
  let warm: Snapshot | undefined;
  // unref: a short run must not wait for it. Fires late when the loop is blocked: the window then starts later.
  const warmTimer = setTimeout(() => {
    warm = snapshot();
    // Event-loop delay too is judged over the warm window only.
    loop.reset();
  }, WARM_UP_MS).unref();
  return {
    lateStart(lateMs) {
      recordUs(late, lateMs * 1000);
    },
    stop(droppedIterations) {
      loop.disable();
      const gcSeen = gc.stop();
      clearTimeout(warmTimer);
      // CPU and busy share over the warm window when it is long enough to judge, else over the whole (short) run;
      // the event-loop delay histogram restarts at the warm-up whenever the run got that far.
      const endNs = process.hrtime.bigint();
      const judged = warm !== undefined && Number(endNs - warm.wallNs) / 1e6 >= MIN_JUDGED_MS;
      const from = judged ? warm! : start;
      const elu = performance.eventLoopUtilization(from.elu).utilization;
      const cpu = process.cpuUsage(from.cpu);
      const wallUs = Number(endNs - from.wallNs) / 1000;
      const loopMs = (ns: number) => (loop.count === 0 ? 0 : Math.max(0, round3(ns / 1e6 - RESOLUTION_MS)));
      const scheduled = late.totalCount;
      const result: SelfCheckResult = {
        eventLoopDelayP99Ms: loopMs(loop.percentile(99)),
        eventLoopDelayMaxMs: loopMs(loop.max),
        cpuPercent: wallUs > 0 ? Math.round(((cpu.user + cpu.system) / wallUs) * 1000) / 10 : 0,
        eventLoopUtilization: Math.round(elu * 1000) / 1000,
        lateStartsP99Ms: scheduled === 0 ? null : lateMs(late, 99),
        lateStartsMaxMs: scheduled === 0 ? null : lateMs(late, 100),
        scheduledStarts: scheduled,
        droppedIterations,
        gcPauses: gcSeen.count,
        gcPauseTotalMs: round3(gcSeen.totalMs),
        gcPauseMaxMs: round3(gcSeen.maxMs),
        gcPauseMajorMs: round3(gcSeen.majorMs),
        saturated: false,
        reasons: [],
      };
      if (judged && loop.count >= MIN_LOOP_SAMPLES && result.eventLoopDelayP99Ms > SATURATION.eventLoopDelayP99Ms) result.reasons.push(`event-loop delay p99 ${result.eventLoopDelayP99Ms} ms`);
      if (judged && result.cpuPercent > SATURATION.cpuPercent) result.reasons.push(`CPU ${result.cpuPercent}% of a core`);
      if (judged && result.eventLoopUtilization > SATURATION.eventLoopUtilization) result.reasons.push(`event loop busy ${Math.round(result.eventLoopUtilization * 100)}% of the time`);
      if (scheduled >= MIN_LATE_SAMPLES && result.lateStartsP99Ms !== null && result.lateStartsP99Ms > SATURATION.lateStartsP99Ms) result.reasons.push(`scheduled starts p99 ${result.lateStartsP99Ms} ms late`);
      result.saturated = result.reasons.length > 0;
      return result;
    },
  };
}

function round3(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

/** Lateness (µs histogram, recorded ≥ 1 µs) → ms; on-time starts show as 0.001. */
function lateMs(h: Histogram, percentile: number): number {
  return Math.round(h.getValueAtPercentile(percentile)) / 1000;
}
