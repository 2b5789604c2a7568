// --workers shares data tables: the main thread loads a file once and each worker thread reads the same memory.
// A table rebuilt from share() — sent through a real MessagePort, as workerData is — reads every cell alike,
// keeps JSON types, and is the same memory (a byte changed on one side is seen on the other: nothing was copied).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { MessageChannel } from 'node:worker_threads';
import { loadDataTable } from '../../src/data/load-table.ts';
import { DataTable, type SharedTable } from '../../src/data/table.ts';

const dir = mkdtempSync(join(tmpdir(), 'runner-shared-table-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** `value` as another thread receives it (structured clone through a MessagePort). */
async function viaPort<T>(value: T): Promise<T> {
  const { port1, port2 } = new MessageChannel();
  const got = new Promise<T>((resolve) => port2.once('message', (m: T) => resolve(m)));
  port1.postMessage(value);
  const out = await got;
  port1.close();
  port2.close();
  return out;
}

test('a shared CSV table reads every cell alike on the other side, over the same memory', async () => {
  // 70,000 rows × 2 columns: the cell offsets span three pages.
  const rows = 70_000;
  writeFileSync(join(dir, 'u.csv'), 'id,email\n' + Array.from({ length: rows }, (_, i) => `${i},user${i}@example.com`).join('\n') + '\n');
  const table = await loadDataTable({ name: 'u', file: join(dir, 'u.csv'), format: 'csv', order: 'circular' });
  const other = DataTable.fromShared(await viaPort<SharedTable>(table.share()));
  assert.equal(other.rows, rows);
  assert.deepEqual(other.columns, ['id', 'email']);
  for (const r of [0, 1, 65_535, 65_536, rows - 1]) assert.deepEqual(other.row(r), table.row(r));
  // The same bytes, not a copy: change one in the original's buffer and read it on the other side.
  const shared = table.share();
  new Uint8Array(shared.bytes)[0] = '9'.charCodeAt(0);
  assert.equal(other.value(0, 0), '9');
});

test('a shared JSON table keeps numbers and booleans', async () => {
  writeFileSync(join(dir, 'u.json'), JSON.stringify([{ n: 1.5, ok: true, s: 'a' }, { n: -2, ok: false, s: 'ü' }]));
  const table = await loadDataTable({ name: 'j', file: join(dir, 'u.json'), format: 'json', order: 'circular' });
  const other = DataTable.fromShared(await viaPort(table.share()));
  assert.deepEqual([other.row(0), other.row(1)], [{ n: 1.5, ok: true, s: 'a' }, { n: -2, ok: false, s: 'ü' }]);
});
