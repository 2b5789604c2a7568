// The source locator of TS scenarios: keys and values of defineScenario's object literal, past strings,
// template literals, comments, methods and nested brackets; what it cannot follow falls back to the parent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSourceLocator } from '../../src/scenario/locate-ts.ts';

const source = `import { defineScenario } from 'runner';
const shared = { a: 1 };
export default defineScenario<{ n: number }>({
  name: 'odd } name, with { braces',
  // a comment with load: { executor } in it
  headers: { 'X-Id': \`\${'}'}{{id}}\`, Accept: "x" },
  requests: [
    { path: '/a', /* , */ expect: [200, 201] },
    { path: '/b', capture: { token: '$.token' } },
  ],
  async setup(ctx) { return { n: 1 }; },
  load: shared,
  fields,
  teardown: async ({ data }) => { if (data.n) { return; } },
  seed: 7,
});`;

const locate = createSourceLocator(source, '/x/s.ts');
const at = (path: (string | number)[], key = false): string => {
  const loc = locate(path, key);
  return loc ? `${loc.line}:${loc.column} ${loc.lineText?.slice(loc.column - 1, loc.column + 11)}` : 'none';
};

test('locates keys and values through the literal', () => {
  const table: [(string | number)[], boolean, string][] = [
    [['name'], false, "4:9 'odd } name,"],
    [['name'], true, "4:3 name: 'odd }"],
    [['headers', 'Accept'], false, '6:46 "x" },'],
    [['headers', 'X-Id'], true, "6:14 'X-Id': `${'"],
    [['requests', 1, 'capture', 'token'], false, "9:37 '$.token' } "],
    [['requests', 0, 'expect', 1], false, '8:41 201] },'],
    [['setup'], true, '11:9 setup(ctx) {'],
    [['load', 'executor'], false, '12:9 shared,'],
    [['fields'], true, '13:3 fields,'],
    [['seed'], false, '15:9 7,'],
    [['teardown'], true, '14:3 teardown: as'],
    [['nope', 'deeper'], false, '3:46 {'],
    [[], false, '3:46 {'],
  ];
  for (const [path, key, expected] of table) assert.equal(at(path, key), expected, JSON.stringify(path));
});

test('no defineScenario and no default object: nothing to locate', () => {
  assert.equal(createSourceLocator('export const x = 1;', '/x/s.ts')(['name']), undefined);
  assert.equal(createSourceLocator('export default { name: 1 };', '/x/s.ts')(['name'])?.line, 1);
});
