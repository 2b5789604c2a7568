// Keeps the code of a TypeScript/JavaScript scenario from taking the process down or ending it silently while
// runner loads and runs it: an uncaught throw (in a timer callback) or an unhandled rejection fails the
// iteration it came from (or is counted when none is running) instead of crashing; process.exit() called by
// scenario code throws there instead, and stops the run with a warning (the run's outcome is `aborted`).
// Everything is put back by release(). Only for script scenarios: YAML runs no user code.
import { isAbsolute } from 'node:path';

/** What the guard needs from the run (src/run.ts implements it). */
export interface GuardedRun {
  /** Gives an escaped error to the scenario call it came from; counts it when none is running. */
  scenarioFault(err: unknown): boolean;
  /** True while the caller is inside scenario code of this run. */
  inScenarioCode(): boolean;
  warn(text: string): void;
  stop(outcome?: 'interrupted' | 'aborted'): void;
}

export interface ScenarioGuard {
  /** From now on, faults and exit calls go to `run` (before: loading, an exit call throws into the loader). */
  attach(run: GuardedRun): void;
  /** Restores process.exit and removes the handlers. Safe to call twice. */
  release(): void;
}

/** Thrown into scenario code that calls process.exit() during a run. */
export class ScenarioExitCalled extends Error {
  constructor(readonly exitCode: string | number | null | undefined) {
    super(`process.exit(${exitCode ?? ''}) was called by scenario code; runner does not let scenario code end its process`);
    this.name = 'ScenarioExitCalled';
  }
}

const SCRIPT = /\.(m?[jt]s)$/i;

/** Guards the scenario at `scenarioPath` (absolute); a no-op for YAML files. */
export function guardScenarioCode(scenarioPath: string): ScenarioGuard {
  if (!SCRIPT.test(scenarioPath) || !isAbsolute(scenarioPath)) return { attach() {}, release() {} };
  let run: GuardedRun | undefined;
  let released = false;
  let exitCalls = 0;
  /** Faults raised while loading (a top-level timer or promise); handed to the run once it exists. */
  const early: unknown[] = [];

  const onFault = (err: unknown): void => {
    if (run) run.scenarioFault(err);
    else early.push(err);
  };
  /** Whether a process.exit() call comes from the scenario: inside its calls, or its file is on the stack. */
  const fromScenario = (): boolean => {
    if (!run) return true; // loading: only the scenario's top level runs
    if (run.inScenarioCode()) return true;
    return (new Error().stack ?? '').includes(scenarioPath);
  };

  const originalExit = process.exit;
  const guardedExit = ((code?: string | number | null) => {
    if (released || !fromScenario()) return originalExit.call(process, code as number);
    exitCalls++;
    if (run && exitCalls === 1) {
      run.warn(`scenario code called process.exit(${code ?? ''}): runner stopped the run and reported what it measured (to end a run early, throw or let it finish)`);
      run.stop('aborted');
    }
    throw new ScenarioExitCalled(code);
  }) as typeof process.exit;

  process.exit = guardedExit;
  process.on('uncaughtException', onFault);
  process.on('unhandledRejection', onFault);
  // A scenario awaiting a promise that never settles, with no timer or socket left, would let Node's event loop
  // drain and the process end with exit 0, no summary and no result file. Hold it open until release().
  const keepAlive = setInterval(() => {}, 1 << 30);

  return {
    attach(r) {
      run = r;
      for (const err of early.splice(0)) r.scenarioFault(err);
    },
    release() {
      if (released) return;
      released = true;
      clearInterval(keepAlive);
      if (process.exit === guardedExit) process.exit = originalExit;
      process.off('uncaughtException', onFault);
      process.off('unhandledRejection', onFault);
    },
  };
}

