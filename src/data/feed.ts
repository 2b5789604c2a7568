// Which row of a data file an iteration reads: a pure function of (order, seed, iteration number), so `--seed`
// replays the same rows and a run split across processes still hands each row out exactly as one run would.
import { createPermutation } from '../generators/permute.ts';
import { deriveSeed, deriveSeed2, hashString, Sfc32 } from '../generators/rng.ts';
import type { FieldValue } from '../generators/types.ts';
import type { DataOrder, DataSpec } from '../scenario/model.ts';
import type { DataTable } from './table.ts';

export interface DataSource {
  name: string;
  /** Absolute path, for messages. */
  file: string;
  order: DataOrder;
  table: DataTable;
  /** `queue` and `shuffle` hand each row out once: they run out. */
  finite: boolean;
  /** The row (0-based) iteration `iteration` (0-based) reads, or −1 once the rows have run out. */
  rowFor(iteration: number): number;
}

export function createDataSource(spec: DataSpec, runSeed: number): DataSource {
  const table = spec.table;
  if (!table) throw new Error(`data '${spec.name}' was not loaded before the plan compiled`);
  const rows = table.rows;
  const key = deriveSeed(runSeed, hashString(`data:${spec.name}`));
  let rowFor: (iteration: number) => number;
  switch (spec.order) {
    case 'circular':
      rowFor = (i) => i % rows;
      break;
    case 'queue':
      rowFor = (i) => (i < rows ? i : -1);
      break;
    case 'shuffle': {
      // A seeded Feistel permutation: each row once, in an order the seed fixes, with nothing stored per row.
      const permute = createPermutation(rows, key);
      rowFor = (i) => (i < rows ? permute(i) : -1);
      break;
    }
    case 'random': {
      // With replacement: each iteration's own stream, so the row depends on nothing but (seed, name, iteration).
      // One object reseeded per draw (the same stream a new one would give), not one made per iteration.
      const rng = new Sfc32(0);
      rowFor = (i) => rng.reseed(deriveSeed2(key, i)).int(rows);
      break;
    }
  }
  return { name: spec.name, file: spec.file, order: spec.order, table, finite: spec.order === 'queue' || spec.order === 'shuffle', rowFor };
}

/** A column a scenario's templates read, and the slot it is copied into before each iteration. */
export interface DataFill {
  source: number;
  column: number;
  slot: number;
}

/** The data of one scenario: the sources it reads and the slots their columns fill. */
export class DataFeed {
  /** Rows of the current iteration, by source (scratch, reused). */
  private readonly rows: Int32Array;
  /** Some source can run out: the scenario then stops starting iterations. */
  readonly finite: boolean;

  constructor(
    readonly sources: readonly DataSource[],
    readonly fills: readonly DataFill[],
  ) {
    this.rows = new Int32Array(sources.length);
    this.finite = sources.some((s) => s.finite);
  }

  /**
   * Copies iteration `iteration`'s values into `vars`; returns the source that has run out instead (nothing
   * is copied then: that iteration must not start).
   */
  fill(vars: FieldValue[], iteration: number): DataSource | undefined {
    for (let i = 0; i < this.sources.length; i++) {
      const row = this.sources[i].rowFor(iteration);
      if (row < 0) return this.sources[i];
      this.rows[i] = row;
    }
    for (const f of this.fills) vars[f.slot] = this.sources[f.source].table.value(this.rows[f.source], f.column);
    return undefined;
  }
}
