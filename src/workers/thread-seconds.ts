// The closed seconds of the threads of `--workers` (and of the main thread's own setup()/teardown() run) on the
// main thread: each is renumbered to the main collector's request ids, placed on the run's seconds, and merged
// exactly (counts added, histograms added) into that collector once every thread still running has sent it.
// The collector feeds live progress, abortOnFail thresholds, the outputs and the result's time series.
import type { Collector } from '../metrics/collector.ts';
import { addCheckDeltas, mergeSecondSnapshots, type CheckCounts, type SecondSnapshot } from '../metrics/snapshot.ts';
import type { MetricsSink } from '../metrics/types.ts';

/** One thread's part in the merge. */
export interface SecondsSource {
  /** Closed seconds posted and not yet merged, in order of t. */
  seconds: SecondSnapshot[];
  /** This thread's request id → the main collector's, for the ids it made at run time (code scenarios). */
  ids: number[];
  /** Seconds between this thread's origin and the run's (its "go" came after setup() on the main thread). */
  offsetS: number;
  /** Its seconds are waited for: a thread from its "go" on (while setup() runs, only the main thread's count). */
  joined: boolean;
  /** It sends no more seconds. */
  ended: boolean;
}

export class ThreadSeconds {
  /** The run's checks by name so far: each thread's changes come with its seconds (as they arrive, not merged by t). */
  readonly checkCounts: CheckCounts = {};
  /** A damaged second stopped the following (the result then merges the threads' own results and series). */
  failed = false;

  constructor(
    private readonly metrics: Collector,
    private readonly sources: readonly SecondsSource[],
    /** Told each request name new to the run (the outputs), before its first second. */
    private readonly sinks: readonly MetricsSink[],
    private readonly warn: (text: string) => void,
  ) {}

  /** A closed second of `source`: renumbered, placed on the run's seconds, merged when every thread has it. */
  add(source: SecondsSource, second: SecondSnapshot): void {
    this.mapIds(source, second);
    addCheckDeltas(this.checkCounts, second.checks);
    second.t += source.offsetS;
    source.seconds.push(second);
    this.merge();
  }

  /**
   * Hands the collector every second that all running threads have closed, merged across them, in order of t.
   * A thread that ended closes no more seconds: it no longer holds the others back.
   */
  merge(): void {
    for (;;) {
      const waiting = this.sources.filter((s) => s.seconds.length > 0 || (s.joined && !s.ended));
      if (waiting.length === 0 || waiting.some((s) => s.seconds.length === 0)) return;
      const t = Math.min(...waiting.map((s) => s.seconds[0].t));
      const now = waiting.flatMap((s) => (s.seconds[0].t === t ? [s.seconds.shift()!] : []));
      if (this.failed) continue;
      try {
        this.metrics.addSecond(mergeSecondSnapshots(now));
      } catch (err) {
        // A damaged second (it should not happen): stop following live; the result is unaffected (it merges the
        // workers' own results by name).
        this.failed = true;
        this.warn(`live progress and abortOnFail stopped following the workers: ${(err as Error).message}`);
      }
    }
  }

  /**
   * Renumbers a thread's second into the main collector's ids: names a code scenario makes at run time get ids
   * per thread, in whatever order each thread met them; the same (name, scope) must be one id here.
   */
  private mapIds(source: SecondsSource, second: SecondSnapshot): void {
    for (const [id, name, scope] of second.names ?? []) {
      const before = this.metrics.requestNames.length;
      const mine = (source.ids[id] = this.metrics.register(name, scope));
      // A name new to the run: the outputs learn it before its first second, as from a Run.
      if (this.metrics.requestNames.length > before) for (const sink of this.sinks) sink.named?.(mine, this.metrics.requestNames[mine]);
    }
    for (const r of second.requests) r.id = source.ids[r.id] ?? r.id;
  }
}
