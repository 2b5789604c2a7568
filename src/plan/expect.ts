// The expected-status table a request is checked against: expect[status] === 1 when the status counts as success.

const STATUS_LIMIT = 600;

/** A table for `statuses`; `undefined` means any 2xx or 3xx (the default of YAML and code requests). */
export function createExpectTable(statuses: readonly number[] | undefined): Uint8Array {
  const table = new Uint8Array(STATUS_LIMIT);
  if (statuses === undefined) return table.fill(1, 200, 400);
  for (const s of statuses) if (Number.isInteger(s) && s >= 0 && s < STATUS_LIMIT) table[s] = 1;
  return table;
}
