// A ScenarioRuntime on the manual clock whose iterations just take time: executors' schedules, observed exactly.
import type { ManualClock } from '../../src/scheduler/clock.ts';
import type { ScenarioRuntime } from '../../src/scheduler/executor.ts';
import { SegmentTuple } from '../../src/scheduler/segment.ts';
import { Vu } from '../../src/scheduler/vu.ts';

export interface StartRecord {
  /** Clock time the iteration started. */
  atMs: number;
  /** What the executor passed as the intended start (open model), else undefined. */
  intendedMs: number | undefined;
  vuId: number;
  /** The global iteration number the executor gave, if any. */
  iteration: number | undefined;
}

export interface FakeRuntime {
  rt: ScenarioRuntime;
  starts: StartRecord[];
  /** Iterations running now. */
  running(): number;
  completed: number;
  aborted: number;
  dropped: number;
  lateMs: number[];
  vus: Vu[];
  stop(): void;
}

/** `iterationMs(n)` is how long the n-th iteration (0-based) takes; an interrupt ends it at once as aborted. */
export function createFakeRuntime(clock: ManualClock, iterationMs: number | ((n: number) => number), segment = SegmentTuple.full()): FakeRuntime {
  const stopper = new AbortController();
  let running = 0;
  const fake: FakeRuntime = {
    starts: [],
    running: () => running,
    completed: 0,
    aborted: 0,
    dropped: 0,
    lateMs: [],
    vus: [],
    stop: () => stopper.abort(),
    rt: {
      clock,
      stopSignal: stopper.signal,
      segment,
      createVu() {
        const vu = new Vu(fake.vus.length + 1, 0, segment.globalIndex(fake.vus.length) + 1);
        fake.vus.push(vu);
        return vu;
      },
      async iterate(vu, intendedStartMs, iteration) {
        const n = fake.starts.length;
        fake.starts.push({ atMs: clock.now(), intendedMs: intendedStartMs, vuId: vu.id, iteration });
        vu.iterations++;
        running++;
        const ac = new AbortController();
        vu.current = { abort: () => ac.abort() };
        await clock.sleep(typeof iterationMs === 'number' ? iterationMs : iterationMs(n), ac.signal);
        vu.current = null;
        running--;
        if (vu.interrupted) fake.aborted++;
        else fake.completed++;
      },
      drop(count = 1) {
        fake.dropped += count;
      },
      lateStart(lateMs) {
        fake.lateMs.push(lateMs);
      },
    },
  };
  return fake;
}

/** How many of `times` fall in each `bucketMs` window from 0, for `buckets` windows. */
export function countPerBucket(times: number[], bucketMs: number, buckets: number): number[] {
  const counts = new Array<number>(buckets).fill(0);
  for (const t of times) {
    const i = Math.floor(t / bucketMs);
    if (i >= 0 && i < buckets) counts[i]++;
  }
  return counts;
}
