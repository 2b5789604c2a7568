// The JSON path subset of captures: a table of paths (parsed or rejected) and of selections.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseJsonPath, selectJsonPath } from '../../src/scenario/json-path.ts';

test('parses the subset and rejects the rest', () => {
  const table: [string, (string | number)[] | undefined][] = [
    ['$', []],
    ['$.token', ['token']],
    ['$.auth.token', ['auth', 'token']],
    ['$.items[0].id', ['items', 0, 'id']],
    ['$[12]', [12]],
    ["$['odd key']", ['odd key']],
    ['$["a.b"][1]', ['a.b', 1]],
    ['$.$ref', ['$ref']],
    ['$.x-y', ['x-y']],
    ['token', undefined],
    ['$.', undefined],
    ['$..token', undefined],
    ['$.items[*]', undefined],
    ['$.items[-1]', undefined],
    ["$['unclosed]", undefined],
    ['$.a b', undefined],
  ];
  for (const [path, expected] of table) assert.deepEqual(parseJsonPath(path), expected, path);
});

test('selects values; any missing step gives undefined', () => {
  const doc = { token: 'abc', n: 0, items: [{ id: 7 }, { id: 8 }], 'odd key': null, nested: { a: [[1, 2]] } };
  const sel = (path: string) => selectJsonPath(doc, parseJsonPath(path)!);
  assert.equal(sel('$.token'), 'abc');
  assert.equal(sel('$.n'), 0);
  assert.equal(sel('$.items[1].id'), 8);
  assert.equal(sel('$.nested.a[0][1]'), 2);
  assert.equal(sel("$['odd key']"), null);
  assert.equal(sel('$.items[2].id'), undefined);
  assert.equal(sel('$.items.id'), undefined, 'a key on an array');
  assert.equal(sel('$.token[0]'), undefined, 'an index on a string');
  assert.equal(sel('$.toString'), undefined, 'inherited properties are not fields');
  assert.equal(sel('$.items.length'), undefined);
  assert.equal(selectJsonPath(undefined, ['a']), undefined);
});
