// setup() and teardown() of a run's code scenarios, in order, each one cut short by a stop (Ctrl-C, SIGTERM)
// even when it awaits a promise that never settles; what happened is said in a warning.
import type { CodeFlow } from './code-flow.ts';
import { ScopeInterrupted } from './fault-scope.ts';

export interface CodeLifecycle {
  /** Runs every setup(); false when a stop came first or cut one short (then no iteration may start). */
  setup(stopSignal: AbortSignal): Promise<boolean>;
  /** Runs every teardown(). */
  teardown(): Promise<void>;
  /** Cuts short the setup() or teardown() running now; nothing otherwise. */
  interrupt(): void;
}

export function createCodeLifecycle(flows: readonly CodeFlow[], warn: (text: string) => void): CodeLifecycle {
  let running: CodeFlow | null = null;
  return {
    async setup(stopSignal) {
      for (const code of flows) {
        if (stopSignal.aborted) return false;
        running = code;
        try {
          await code.setup();
        } catch (err) {
          if (!(err instanceof ScopeInterrupted)) throw err;
          warn('setup() was interrupted before it finished: no iteration was started');
          return false;
        } finally {
          running = null;
        }
      }
      return !stopSignal.aborted;
    },
    async teardown() {
      for (const code of flows) {
        running = code;
        const problem = await code.teardown();
        running = null;
        if (problem) warn(problem);
      }
    },
    interrupt() {
      running?.interrupt();
    },
  };
}
