// setup() and teardown() of a run's code scenarios, in order, each one cut short by a stop (Ctrl-C, SIGTERM)
// even when it awaits a promise that never settles (said in a warning). A throw in either is handed to `fail`
// and the run goes on to its end: what setup() already measured is kept, the result file still written.
import { isUserError, type UserError } from '../errors.ts';
import type { CodeFlow } from './code-flow.ts';
import { ScopeInterrupted } from './fault-scope.ts';

export interface CodeLifecycle {
  /** Runs every setup(); false when a stop came first, cut one short, or one threw (then no iteration may start). */
  setup(stopSignal: AbortSignal): Promise<boolean>;
  /** Runs every teardown(), the others too when one throws. */
  teardown(): Promise<void>;
  /** Cuts short the setup() or teardown() running now; nothing otherwise. */
  interrupt(): void;
  /** What each setup() returned, by code flow (the order of `flows`): plain data a worker thread can receive. */
  data(): unknown[];
  /** The setups ran elsewhere (the main thread of `--workers`): their data, in the order data() gave it. */
  useData(data: readonly unknown[]): void;
}

/** `fail` gets the UserError (message and .ts position) of a setup() or teardown() that threw. */
export function createCodeLifecycle(flows: readonly CodeFlow[], warn: (text: string) => void, fail: (err: UserError) => void): CodeLifecycle {
  let running: CodeFlow | null = null;
  return {
    async setup(stopSignal) {
      for (const code of flows) {
        if (stopSignal.aborted) return false;
        running = code;
        try {
          await code.setup();
        } catch (err) {
          if (isUserError(err)) {
            fail(err);
            return false;
          }
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
        try {
          const problem = await code.teardown();
          if (problem) warn(problem);
        } catch (err) {
          if (!isUserError(err)) throw err;
          fail(err);
        } finally {
          running = null;
        }
      }
    },
    interrupt() {
      running?.interrupt();
    },
    data: () => flows.map((code) => code.setupData()),
    useData(data) {
      flows.forEach((code, i) => code.useSetupData(data[i]));
    },
  };
}
