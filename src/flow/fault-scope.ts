// Ties errors that escape the awaited chain of scenario code (a throw inside a timer callback, a promise nobody
// awaited that rejects) to the iteration, setup or teardown that started them, through async context; and
// bounds that code by its VU's interrupt even when it awaits a promise that never settles.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Vu } from '../scheduler/vu.ts';

/** The scenario code running now: what a stray error fails. */
export interface FaultScope {
  /** Ends the scoped call with `err`; false when it has already ended (the error is then nobody's). */
  fail(err: unknown): boolean;
}

/** One per run: the process-level guard asks it which scoped call an uncaught error belongs to. */
export type FaultScopes = AsyncLocalStorage<FaultScope>;

export function createFaultScopes(): FaultScopes {
  return new AsyncLocalStorage<FaultScope>();
}

/** Rejected into scoped code when its VU is interrupted while it waits on something else. */
export class ScopeInterrupted extends Error {
  constructor() {
    super('interrupted while scenario code was still running');
    this.name = 'ScopeInterrupted';
  }
}

/**
 * Calls `fn` inside a fault scope. Settles with the first of: `fn`'s own result, an error raised in the scope
 * outside its chain (rejects with it), or `vu.interrupt()` (rejects with ScopeInterrupted). What `fn` still does
 * afterwards is abandoned: its later errors are no longer this call's.
 */
export function runInFaultScope<T>(scopes: FaultScopes, vu: Vu, fn: () => Promise<T>): Promise<T> {
  if (vu.interrupted) return Promise.reject(new ScopeInterrupted());
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const end = (): boolean => {
      if (settled) return false;
      settled = true;
      if (vu.onInterrupt === interrupted) vu.onInterrupt = null;
      return true;
    };
    const interrupted = (): void => {
      if (end()) reject(new ScopeInterrupted());
    };
    vu.onInterrupt = interrupted;
    const scope: FaultScope = {
      fail(err) {
        if (!end()) return false;
        reject(err);
        return true;
      },
    };
    let result: Promise<T>;
    try {
      result = scopes.run(scope, fn);
    } catch (err) {
      result = Promise.reject(err);
    }
    result.then(
      (value) => {
        if (end()) resolve(value);
      },
      (err) => {
        if (end()) reject(err);
      },
    );
  });
}
