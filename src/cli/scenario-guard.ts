// Keeps the code of a TypeScript/JavaScript scenario from taking the process down or ending it silently while
// runner loads and runs it: an uncaught throw (in a timer callback) or an unhandled rejection fails the
// iteration it came from (or is counted when none is running) instead of crashing; process.exit(), its internal
// process.reallyExit() and process.abort() called by scenario code throw there instead, and stop the run with a
// warning (the run's outcome is `aborted`). process.kill(process.pid, 'SIGKILL') cannot be caught by anyone.
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
  /** Restores process.exit, reallyExit and abort and removes the handlers. Safe to call twice. */
  release(): void;
}

/** Thrown into scenario code that calls process.exit(), process.reallyExit() or process.abort(). */
export class ScenarioExitCalled extends Error {
  /** `call` as written in the message, e.g. `process.exit(0)`. */
  constructor(readonly call: string) {
    super(`${call} was called by scenario code; runner does not let scenario code end its process`);
    this.name = 'ScenarioExitCalled';
  }
}

/** process.reallyExit: undocumented, what process.exit() calls once 'exit' listeners ran; it ends the process without them. */
type ReallyExit = (code?: number) => never;
const proc = process as NodeJS.Process & { reallyExit: ReallyExit };

const SCRIPT = /\.(m?[jt]s)$/i;

/** Guards the scenario at `scenarioPath` (absolute); a no-op for YAML files. */
export function guardScenarioCode(scenarioPath: string): ScenarioGuard {
  if (!SCRIPT.test(scenarioPath) || !isAbsolute(scenarioPath)) return { attach() {}, release() {} };
  // Stacks through the scenario's bundle then name its .ts lines (fromScenario below looks for its path in them).
  // Only for script scenarios: with source maps on, Node parses the map of every module loaded afterwards.
  process.setSourceMapsEnabled(true);
  let run: GuardedRun | undefined;
  let released = false;
  let exitCalls = 0;
  /** Faults raised while loading (a top-level timer or promise); handed to the run once it exists. */
  const early: unknown[] = [];

  const onFault = (err: unknown): void => {
    if (run) run.scenarioFault(err);
    else early.push(err);
  };
  /** Whether an exit call comes from the scenario: inside its calls, or its file is on the stack. */
  const fromScenario = (): boolean => {
    if (!run) return true; // loading: only the scenario's top level runs
    if (run.inScenarioCode()) return true;
    return (new Error().stack ?? '').includes(scenarioPath);
  };

  /** Stops the run once (with a warning) and throws at the call site. */
  const refuse = (call: string): never => {
    exitCalls++;
    if (run && exitCalls === 1) {
      run.warn(`scenario code called ${call}: runner stopped the run and reported what it measured (to end a run early, throw or let it finish)`);
      run.stop('aborted');
    }
    throw new ScenarioExitCalled(call);
  };
  /** True while runner's own exit goes through: process.exit() calls process.reallyExit() itself. */
  let exiting = false;

  const originalExit = process.exit;
  const guardedExit = ((code?: string | number | null) => {
    if (released || !fromScenario()) {
      exiting = true;
      return originalExit.call(process, code as number);
    }
    return refuse(`process.exit(${code ?? ''})`);
  }) as typeof process.exit;
  const originalReallyExit = proc.reallyExit;
  const guardedReallyExit = ((code?: number) => {
    if (released || exiting || !fromScenario()) return originalReallyExit.call(process, code);
    return refuse(`process.reallyExit(${code ?? ''})`);
  }) as ReallyExit;
  const originalAbort = process.abort;
  const guardedAbort = (() => {
    if (released || !fromScenario()) return originalAbort.call(process);
    return refuse('process.abort()');
  }) as typeof process.abort;

  process.exit = guardedExit;
  proc.reallyExit = guardedReallyExit;
  process.abort = guardedAbort;
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
      if (proc.reallyExit === guardedReallyExit) proc.reallyExit = originalReallyExit;
      if (process.abort === guardedAbort) process.abort = originalAbort;
      process.off('uncaughtException', onFault);
      process.off('unhandledRejection', onFault);
    },
  };
}

