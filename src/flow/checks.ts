// Named pass/fail counters: request flows and code scenarios record their checks here.

export interface Checks {
  /** The id of a check by name, registering it on first use. */
  id(name: string): number;
  record(id: number, passed: boolean): void;
  /** Passes and fails per name, for the result file. */
  toJSON(): Record<string, { passes: number; fails: number }>;
  /** Total fails so far. */
  fails(): number;
}

export function createChecks(): Checks {
  const names: string[] = [];
  const ids = new Map<string, number>();
  const passes: number[] = [];
  const failsById: number[] = [];
  let failTotal = 0;
  return {
    id(name) {
      let id = ids.get(name);
      if (id === undefined) {
        id = names.length;
        ids.set(name, id);
        names.push(name);
        passes.push(0);
        failsById.push(0);
      }
      return id;
    },
    record(id, passed) {
      if (passed) passes[id]++;
      else {
        failsById[id]++;
        failTotal++;
      }
    },
    toJSON() {
      const out: Record<string, { passes: number; fails: number }> = {};
      names.forEach((name, i) => (out[name] = { passes: passes[i], fails: failsById[i] }));
      return out;
    },
    fails: () => failTotal,
  };
}
