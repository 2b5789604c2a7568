// Time enters the scheduler only through a Clock, so schedules can be tested with a manual one.
import { performance } from 'node:perf_hooks';

export interface Clock {
  /** Milliseconds on a monotonic clock, fractional. */
  now(): number;
  /** Resolves after `ms`, or at once when `signal` fires. Never rejects. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Node's setTimeout limit: a longer delay fires after 1 ms (with a TimeoutOverflowWarning). */
const MAX_TIMER_MS = 2 ** 31 - 1;

export function createRealClock(): Clock {
  const now = () => performance.now();
  return {
    now,
    sleep(ms, signal) {
      if (!(ms > 0) || signal?.aborted) return Promise.resolve();
      const dueMs = now() + ms;
      return new Promise<void>((resolve) => {
        let timer: NodeJS.Timeout;
        const onAbort = () => {
          clearTimeout(timer);
          resolve();
        };
        // Delays past Node's timer limit are slept in steps, never handed to setTimeout whole.
        const arm = (leftMs: number) => {
          timer = setTimeout(() => {
            if (leftMs > MAX_TIMER_MS) return arm(dueMs - now());
            signal?.removeEventListener('abort', onAbort);
            resolve();
          }, Math.min(leftMs, MAX_TIMER_MS));
        };
        arm(ms);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    },
  };
}

/** A clock that moves only when told: schedules run exactly and instantly in tests. */
export interface ManualClock extends Clock {
  /**
   * Moves time forward by `ms`, waking due sleeps in time order; after each wake-up the promise chains it
   * started run to completion (one macrotask turn), so code awaiting the clock behaves as with real time.
   */
  advance(ms: number): Promise<void>;
  /** Sleeps not yet woken. */
  readonly pending: number;
}

interface ManualTimer {
  dueMs: number;
  /** Creation order: timers due at the same time wake in the order they were set. */
  seq: number;
  resolve: () => void;
}

export function createManualClock(startMs = 0): ManualClock {
  let nowMs = startMs;
  let seq = 0;
  const timers = new Set<ManualTimer>();
  const settle = () => new Promise<void>((r) => setImmediate(r));
  return {
    now: () => nowMs,
    get pending() {
      return timers.size;
    },
    sleep(ms, signal) {
      if (ms <= 0 || signal?.aborted) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const timer: ManualTimer = {
          dueMs: nowMs + ms,
          seq: seq++,
          resolve: () => {
            timers.delete(timer);
            signal?.removeEventListener('abort', timer.resolve);
            resolve();
          },
        };
        timers.add(timer);
        signal?.addEventListener('abort', timer.resolve, { once: true });
      });
    },
    async advance(ms) {
      const endMs = nowMs + ms;
      await settle();
      for (;;) {
        let first: ManualTimer | undefined;
        for (const t of timers) if (t.dueMs <= endMs && (!first || t.dueMs < first.dueMs || (t.dueMs === first.dueMs && t.seq < first.seq))) first = t;
        if (!first) break;
        if (first.dueMs > nowMs) nowMs = first.dueMs;
        first.resolve();
        await settle();
      }
      nowMs = endMs;
      await settle();
    },
  };
}
