// Named pass/fail counters: request flows and code scenarios record their checks here.
import { FoldedNameCount } from '../metrics/folded-name-count.ts';

export interface Checks {
  /** The id of a check by name, registering it on first use. */
  id(name: string): number;
  record(id: number, passed: boolean): void;
  /** Passes and fails per name, for the result file. */
  toJSON(): Record<string, { passes: number; fails: number }>;
  /** Total fails so far. */
  fails(): number;
  /** Total passes so far. */
  passes(): number;
  /** The names past MAX_CHECK_NAMES counted under OTHER_CHECKS; undefined when none was. */
  folded(): FoldedChecks | undefined;
}

export interface FoldedChecks {
  /** Distinct check names folded (a lower bound when `atLeast`). */
  names: number;
  atLeast: boolean;
  /** Passes and fails recorded under OTHER_CHECKS. */
  results: number;
}

/** Distinct check names kept; later new names are counted together under OTHER_CHECKS (a name per URL or id would grow without end). */
export const MAX_CHECK_NAMES = 1000;
export const OTHER_CHECKS = '(other checks)';

export function createChecks(): Checks {
  const names: string[] = [];
  const ids = new Map<string, number>();
  const passes: number[] = [];
  const failsById: number[] = [];
  let failTotal = 0;
  let passTotal = 0;
  const foldedNames = new FoldedNameCount();
  return {
    id(name) {
      let id = ids.get(name);
      if (id === undefined) {
        if (names.length >= MAX_CHECK_NAMES && name !== OTHER_CHECKS) {
          foldedNames.add(name);
          return this.id(OTHER_CHECKS);
        }
        id = names.length;
        ids.set(name, id);
        names.push(name);
        passes.push(0);
        failsById.push(0);
      }
      return id;
    },
    record(id, passed) {
      if (passed) {
        passes[id]++;
        passTotal++;
      } else {
        failsById[id]++;
        failTotal++;
      }
    },
    toJSON() {
      const out: Record<string, { passes: number; fails: number }> = {};
      // defineProperty: a check named `__proto__` would otherwise set the prototype and vanish.
      names.forEach((name, i) => Object.defineProperty(out, name, { value: { passes: passes[i], fails: failsById[i] }, enumerable: true, writable: true, configurable: true }));
      return out;
    },
    fails: () => failTotal,
    passes: () => passTotal,
    folded() {
      if (foldedNames.count === 0) return undefined;
      const other = ids.get(OTHER_CHECKS);
      const results = other === undefined ? 0 : passes[other] + failsById[other];
      return { names: foldedNames.count, atLeast: foldedNames.atLeast, results };
    },
  };
}
