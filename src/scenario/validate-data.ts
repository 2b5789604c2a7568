// Validates the `data:` section: named data files (feeders) with their order. The files are only checked here
// (a readable regular file of a known kind and a sane size); loadDataFiles() reads them once the whole scenario
// is valid.
import { statSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { didYouMean } from '../errors.ts';
import type { Checker, Path } from './checker.ts';
import { LIMITS, formatBytes } from './limits.ts';
import type { DataOrder, DataSpec } from './model.ts';
import { NAME } from './validate-request.ts';

const dataKeys = ['file', 'order'];
export const dataOrders: readonly DataOrder[] = ['circular', 'queue', 'shuffle', 'random'];
const formats: Record<string, DataSpec['format']> = { '.csv': 'csv', '.json': 'json', '.jsonl': 'jsonl', '.ndjson': 'jsonl' };

export function checkData(c: Checker, raw: unknown, baseDir: string): DataSpec[] {
  const obj = c.object(raw, ['data'], "a mapping like '{ users: { file: users.csv } }'");
  const out: DataSpec[] = [];
  for (const [name, value] of Object.entries(obj ?? {})) {
    const path: Path = ['data', name];
    if (!NAME.test(name) || name === 'env') {
      c.fail(path, `data name '${name}' is not usable in a placeholder`, name === 'env' ? "'env' is taken by {{env.NAME}}: pick another name" : 'use letters, digits and _ (not starting with a digit)', true);
      continue;
    }
    const spec = typeof value === 'string' ? { file: value } : c.object(value, path, "a mapping like '{ file: users.csv, order: queue }'");
    if (!spec) continue;
    if (typeof value !== 'string') c.onlyKeys(spec, path, dataKeys);
    const filePath = typeof value === 'string' ? path : [...path, 'file'];
    const rel = spec.file === undefined ? c.fail(path, `data '${name}' needs 'file'`, "e.g. 'file: ../data/users.csv'") : c.string(spec.file, filePath);
    const order = spec.order === undefined ? 'circular' : checkOrder(c, spec.order, [...path, 'order']);
    if (rel === undefined || order === undefined) continue;
    const file = resolve(baseDir, rel);
    const format = formats[extname(file).toLowerCase()];
    if (format === undefined) {
      c.fail(filePath, `data file '${rel}' is not .csv, .json or .jsonl`, 'a CSV with a header row, a JSON array of objects, or one JSON object per line (.jsonl)');
      continue;
    }
    const problem = fileProblem(file, format === 'json' ? LIMITS.jsonDataFileBytes : LIMITS.dataFileBytes);
    if (problem) {
      c.fail(filePath, `cannot read data file '${rel}' (${problem.reason})`, problem.hint ?? `paths are relative to the scenario file's folder: looked for ${file}`);
      continue;
    }
    out.push({ name, file, format, order, location: c.locate(filePath) });
  }
  return out;
}

function checkOrder(c: Checker, raw: unknown, path: Path): DataOrder | undefined {
  if (typeof raw === 'string' && (dataOrders as readonly string[]).includes(raw)) return raw as DataOrder;
  const guess = typeof raw === 'string' ? didYouMean(raw, dataOrders) : undefined;
  const list = `one of: ${dataOrders.join(', ')}`;
  return c.fail(path, `unknown data order ${JSON.stringify(raw)}`, guess ? `${guess} (${list})` : list);
}

/** Why the file cannot be a data file: missing, not a regular file (a FIFO would block the read), too large. */
function fileProblem(file: string, maxBytes: number): { reason: string; hint?: string } | undefined {
  try {
    const st = statSync(file);
    if (!st.isFile()) return { reason: 'not a regular file', hint: 'name a regular file: not a folder, FIFO, socket or device' };
    if (st.size > maxBytes) {
      const hint = maxBytes === LIMITS.jsonDataFileBytes ? 'a .json file is parsed whole: write large data as .csv or .jsonl, which are streamed' : undefined;
      return { reason: `too large: ${formatBytes(st.size)}, the limit is ${formatBytes(maxBytes)}`, hint };
    }
    return undefined;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { reason: code === 'ENOENT' ? 'no such file' : (code ?? 'error') };
  }
}
