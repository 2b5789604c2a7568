// Reads a data file into a DataTable: CSV (header row; parsed by csv-parse, streamed), JSON Lines (one object per
// line, streamed) or a JSON array of objects (parsed whole, so it is size-capped lower). Every row must have the
// header's columns; a JSON value must be a string, number or boolean. Problems are UserErrors at the file's line.
import { createReadStream, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { parse } from 'csv-parse';
import { UserError, type Location } from '../errors.ts';
import type { FieldValue } from '../generators/types.ts';
import type { DataSpec, TestModel } from '../scenario/model.ts';
import { DataTable, type SharedTable } from './table.ts';

/**
 * Reads every data file of the model into its spec's `table` (in place). `shared`: tables another thread loaded
 * (by data name; --workers): used as they are, the file is not read again.
 */
export async function loadDataFiles(model: TestModel, shared?: Readonly<Record<string, SharedTable>>): Promise<void> {
  for (const spec of model.data ?? []) {
    const given = shared !== undefined && Object.hasOwn(shared, spec.name) ? shared[spec.name] : undefined;
    spec.table ??= given ? DataTable.fromShared(given) : await loadDataTable(spec);
  }
}

export async function loadDataTable(spec: DataSpec): Promise<DataTable> {
  const table = spec.format === 'csv' ? await loadCsv(spec) : spec.format === 'jsonl' ? await loadJsonLines(spec) : await loadJsonArray(spec);
  if (table.rows === 0) fail(spec, 1, `data file '${spec.name}' has no rows`, spec.format === 'csv' ? 'a CSV needs a header row and at least one row of values' : 'give at least one object');
  return table;
}

/** The file's size: the table reserves that much for its text, which is never much more. */
function sizeOf(spec: DataSpec): number {
  try {
    return statSync(spec.file).size;
  } catch {
    return 0;
  }
}

function fail(spec: DataSpec, line: number, message: string, hint?: string): never {
  const location: Location = { file: spec.file, line, column: 1 };
  throw new UserError({ message, location, hint });
}

function loadCsv(spec: DataSpec): Promise<DataTable> {
  // bom: a spreadsheet's UTF-8 BOM is not part of the first column's name. Rows must all be as wide as the header.
  const parser = parse({ bom: true, skip_empty_lines: true, relax_column_count: false });
  const input = createReadStream(spec.file);
  let table: DataTable | undefined;
  return new Promise<DataTable>((resolve, reject) => {
    const stop = (err: unknown) => {
      input.destroy();
      parser.destroy();
      reject(err);
    };
    // 'data' handlers take each record as it is parsed: nothing waits in a queue long enough to be promoted
    // to the old generation (an async iterator over the same stream peaked ~40 MB higher on 1M rows).
    parser.on('data', (record: string[]) => {
      try {
        if (table === undefined) table = new DataTable(checkHeader(spec, record), false, sizeOf(spec));
        else {
          const problem = table.addRow(record);
          if (problem) fail(spec, parser.info.lines, `data file '${spec.name}': ${problem}`);
        }
      } catch (err) {
        stop(err);
      }
    });
    parser.on('error', (err: Error & { lines?: number }) => {
      try {
        fail(spec, err.lines ?? parser.info.lines ?? 1, `data file '${spec.name}' is not valid CSV: ${err.message.replace(/^Invalid Record Length: /, '')}`, 'a CSV has a header row, then rows with as many values; quote values holding commas with "…"');
      } catch (userError) {
        stop(userError);
      }
    });
    parser.on('end', () => resolve(table ?? new DataTable([])));
    input.on('error', stop);
    input.pipe(parser);
  });
}

function checkHeader(spec: DataSpec, names: readonly string[]): string[] {
  const seen = new Set<string>();
  for (const n of names) {
    if (n.trim() === '') fail(spec, 1, `data file '${spec.name}' has an empty column name in its header row`, 'the first row names the columns: {{users.email}} reads the column named email');
    if (seen.has(n)) fail(spec, 1, `data file '${spec.name}' names column '${n}' twice`, 'column names must be unique');
    seen.add(n);
  }
  return [...names];
}

async function loadJsonLines(spec: DataSpec): Promise<DataTable> {
  const input = createReadStream(spec.file, { encoding: 'utf8' });
  const lines = createInterface({ input, crlfDelay: Infinity });
  let table: DataTable | undefined;
  let line = 0;
  const capacity = sizeOf(spec);
  try {
    for await (const text of lines) {
      line++;
      if (text.trim() === '') continue;
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (err) {
        fail(spec, line, `data file '${spec.name}': line ${line} is not JSON: ${(err as Error).message}`, 'a .jsonl file holds one JSON object per line');
      }
      table = addObject(spec, table, value, line, `line ${line}`, capacity);
    }
  } finally {
    lines.close();
    input.destroy();
  }
  return table ?? new DataTable([], true);
}

async function loadJsonArray(spec: DataSpec): Promise<DataTable> {
  let list: unknown;
  try {
    list = JSON.parse(await readFile(spec.file, 'utf8'));
  } catch (err) {
    fail(spec, 1, `data file '${spec.name}' is not JSON: ${(err as Error).message}`, 'a .json data file is an array of objects: [{"email": "a@x"}, …]');
  }
  if (!Array.isArray(list)) fail(spec, 1, `data file '${spec.name}' is not a JSON array`, 'a .json data file is an array of objects: [{"email": "a@x"}, …]');
  let table: DataTable | undefined;
  const capacity = sizeOf(spec);
  for (let i = 0; i < list.length; i++) table = addObject(spec, table, list[i], 1, `item #${i + 1}`, capacity);
  return table ?? new DataTable([], true);
}

/** One JSON row: the first object names the columns, every later one must have exactly those keys. */
function addObject(spec: DataSpec, table: DataTable | undefined, value: unknown, line: number, where: string, capacity: number): DataTable {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    fail(spec, line, `data file '${spec.name}': ${where} is not an object`, 'each row is an object like {"email": "a@x", "password": "pw"}');
  }
  const row = value as Record<string, unknown>;
  const t = table ?? new DataTable(Object.keys(row), true, capacity);
  const values: FieldValue[] = [];
  for (const column of t.columns) {
    const v = row[column];
    if (v === undefined) fail(spec, line, `data file '${spec.name}': ${where} has no '${column}'`, `every row needs the keys of the first: ${t.columns.join(', ')}`);
    if (typeof v !== 'string' && typeof v !== 'boolean' && !(typeof v === 'number' && Number.isFinite(v))) {
      fail(spec, line, `data file '${spec.name}': ${where} '${column}' is ${v === null ? 'null' : Array.isArray(v) ? 'a list' : 'an object'}`, 'values are strings, numbers or booleans');
    }
    values.push(v);
  }
  if (Object.keys(row).length !== t.columns.length) {
    const extra = Object.keys(row).find((k) => !t.columns.includes(k));
    fail(spec, line, `data file '${spec.name}': ${where} has a key '${extra}' the first row has not`, `every row has the keys of the first: ${t.columns.join(', ')}`);
  }
  const problem = t.addRow(values);
  if (problem) fail(spec, line, `data file '${spec.name}': ${where}: ${problem}`);
  return t;
}
