// A data file's rows, held in a few large buffers: the UTF-8 bytes of every cell back to back in one Buffer, and
// the end offset of each cell. No JS object or string per row, so a million-row file costs about its own size,
// and one table is shared by every VU of the run (a value is decoded when an iteration reads it). The buffers are
// SharedArrayBuffers: with --workers the main thread loads the file once and every worker thread reads the same
// memory (`share()` → `DataTable.fromShared`), instead of each thread loading its own copy.
import type { FieldValue } from '../generators/types.ts';
import type { TestModel } from '../scenario/model.ts';

/** Cell end offsets live in pages of this many entries: growing never copies them. */
const PAGE_BITS = 16;
const PAGE = 1 << PAGE_BITS;
const PAGE_MASK = PAGE - 1;
/** Offsets are 32-bit. */
export const MAX_TABLE_BYTES = 0xffffffff;

/** What a JSON cell was, so a number or boolean renders as one (CSV cells are all text). */
const TEXT = 0;
const NUMBER = 1;
const TRUE = 2;
const FALSE = 3;

/** A loaded table as it crosses to a worker thread: its shared buffers (not copied by postMessage) and sizes. */
export interface SharedTable {
  columns: string[];
  rows: number;
  cells: number;
  used: number;
  bytes: SharedArrayBuffer;
  ends: SharedArrayBuffer[];
  kinds?: SharedArrayBuffer[];
}

/** A zero-filled Buffer on a SharedArrayBuffer; pages never written are never resident (mmap'd zero pages). */
function sharedBytes(length: number): Buffer {
  return Buffer.from(new SharedArrayBuffer(length));
}

export class DataTable {
  /** Rows stored so far. */
  rows = 0;
  /** Every cell's bytes, back to back; `used` of them are written. */
  private bytes: Buffer;
  private used = 0;
  /** Per cell (row × columns + column): the offset just past its bytes; its start is the previous cell's end. */
  private readonly ends: Uint32Array[] = [];
  /** Per cell, TEXT/NUMBER/TRUE/FALSE; only for JSON sources. */
  private readonly kinds: Uint8Array[] | undefined;
  private cells = 0;

  constructor(
    readonly columns: readonly string[],
    /** JSON sources keep each cell's type. */
    typed = false,
    /**
     * Bytes to reserve: the file's size, which the cells' text never exceeds by much (CSV quoting and JSON
     * escapes only shrink it). The tail never written costs no memory (allocUnsafeSlow: untouched pages are
     * not resident), so it is not trimmed: a trimming copy would hold the text twice at the end of the load.
     */
    capacityBytes = 64 * 1024,
  ) {
    this.bytes = sharedBytes(Math.max(1024, Math.min(capacityBytes, MAX_TABLE_BYTES)));
    if (typed) this.kinds = [];
  }

  /** The table's buffers for another thread: shared, never copied. The table must not grow after this. */
  share(): SharedTable {
    return {
      columns: [...this.columns],
      rows: this.rows,
      cells: this.cells,
      used: this.used,
      bytes: this.bytes.buffer as SharedArrayBuffer,
      ends: this.ends.map((p) => p.buffer as SharedArrayBuffer),
      ...(this.kinds ? { kinds: this.kinds.map((p) => p.buffer as SharedArrayBuffer) } : {}),
    };
  }

  /** A table over another thread's shared buffers (what `share()` gave): reads only, nothing copied. */
  static fromShared(s: SharedTable): DataTable {
    const t = new DataTable(s.columns, s.kinds !== undefined, 0);
    t.bytes = Buffer.from(s.bytes);
    t.used = s.used;
    t.cells = s.cells;
    t.rows = s.rows;
    for (const p of s.ends) t.ends.push(new Uint32Array(p));
    for (const p of s.kinds ?? []) t.kinds?.push(new Uint8Array(p));
    return t;
  }

  /** Appends one row; `values[i]` belongs to `columns[i]`. Returns an error message when the table is full. */
  addRow(values: readonly FieldValue[]): string | undefined {
    for (let c = 0; c < this.columns.length; c++) {
      const problem = this.addCell(values[c]);
      if (problem !== undefined) return problem;
    }
    this.rows++;
    return undefined;
  }

  /** Column index of `name`, or −1. */
  columnIndex(name: string): number {
    return this.columns.indexOf(name);
  }

  /** The value of a cell; a JSON number or boolean keeps its type. */
  value(row: number, column: number): FieldValue {
    const cell = row * this.columns.length + column;
    const end = this.ends[cell >>> PAGE_BITS][cell & PAGE_MASK];
    const start = cell === 0 ? 0 : this.ends[(cell - 1) >>> PAGE_BITS][(cell - 1) & PAGE_MASK];
    const text = this.bytes.toString('utf8', start, end);
    if (this.kinds === undefined) return text;
    const kind = this.kinds[cell >>> PAGE_BITS][cell & PAGE_MASK];
    if (kind === TEXT) return text;
    if (kind === NUMBER) return Number(text);
    return kind === TRUE;
  }

  /** One row as an object, for code scenarios (`ctx.rows.users`). */
  row(row: number): Record<string, FieldValue> {
    const out: Record<string, FieldValue> = {};
    for (let c = 0; c < this.columns.length; c++) out[this.columns[c]] = this.value(row, c);
    return out;
  }

  /** Bytes held: cell text and offsets (and kinds). */
  get heldBytes(): number {
    return this.used + this.ends.length * PAGE * 4 + (this.kinds?.length ?? 0) * PAGE;
  }

  private addCell(v: FieldValue): string | undefined {
    const text = typeof v === 'string' ? v : typeof v === 'number' ? String(v) : '';
    // A UTF-16 unit is at most 3 UTF-8 bytes: the exact length only when the value might not fit.
    if (this.used + text.length * 3 > this.bytes.length) {
      const need = this.used + Buffer.byteLength(text);
      if (need > MAX_TABLE_BYTES) return 'the data is larger than 4 GiB';
      if (need > this.bytes.length) {
        const grown = sharedBytes(Math.min(MAX_TABLE_BYTES, Math.max(need, Math.ceil(this.bytes.length * 1.5))));
        this.bytes.copy(grown, 0, 0, this.used);
        this.bytes = grown;
      }
    }
    this.used += this.bytes.write(text, this.used, 'utf8');
    const page = this.cells >>> PAGE_BITS;
    if (page === this.ends.length) {
      this.ends.push(new Uint32Array(new SharedArrayBuffer(PAGE * 4)));
      this.kinds?.push(new Uint8Array(new SharedArrayBuffer(PAGE)));
    }
    this.ends[page][this.cells & PAGE_MASK] = this.used;
    if (this.kinds !== undefined) this.kinds[page][this.cells & PAGE_MASK] = typeof v === 'string' ? TEXT : typeof v === 'number' ? NUMBER : v ? TRUE : FALSE;
    this.cells++;
    return undefined;
  }
}

/** The model's loaded tables by data name, for worker threads; undefined without data files. */
export function shareDataTables(model: TestModel): Record<string, SharedTable> | undefined {
  const out: Record<string, SharedTable> = {};
  let any = false;
  for (const spec of model.data ?? []) {
    if (!spec.table) continue;
    Object.defineProperty(out, spec.name, { value: spec.table.share(), enumerable: true, writable: true, configurable: true });
    any = true;
  }
  return any ? out : undefined;
}
