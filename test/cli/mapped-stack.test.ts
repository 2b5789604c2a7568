// An internal error's stack names runner's source lines although the process runs without source maps
// (bin.ts leaves them off for start-up): frames of a built file are mapped through the .map beside it.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, test } from 'node:test';
import { build } from 'esbuild';
import { mapStack } from '../../src/cli/mapped-stack.ts';

const dir = mkdtempSync(join(tmpdir(), 'runner-stack-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('frames of a built file with a .map are mapped to the source line; other frames stay as they were', async () => {
  writeFileSync(join(dir, 'boom.ts'), ['// a comment, so the lines differ', 'export function boom(n: number): never {', '  const why: string = `boom ${n}`;', '  throw new Error(why);', '}', ''].join('\n'));
  await build({ entryPoints: [join(dir, 'boom.ts')], bundle: true, format: 'esm', platform: 'node', sourcemap: true, outfile: join(dir, 'boom.js'), logLevel: 'silent' });
  // The frame V8 writes for the throw in the built file (tsx has the test process map stacks itself, so it is made here).
  const built = readFileSync(join(dir, 'boom.js'), 'utf8').split('\n');
  const line = built.findIndex((l) => l.includes('throw new Error'));
  const column = built[line].indexOf('throw') + 1;
  const stack = `Error: boom 1\n    at boom (${pathToFileURL(join(dir, 'boom.js')).href}:${line + 1}:${column})\n    at run (${pathToFileURL(join(dir, 'elsewhere.js')).href}:3:7)\n    at TestContext (/work/x/mapped-stack.test.ts:21:5)`;
  const mapped = mapStack(stack).split('\n');
  assert.equal(mapped[1], `    at boom (${join(dir, 'boom.ts')}:4:3)`);
  assert.equal(mapped[2], `    at run (${pathToFileURL(join(dir, 'elsewhere.js')).href}:3:7)`, 'no .map beside it: unchanged');
  assert.equal(mapped[3], '    at TestContext (/work/x/mapped-stack.test.ts:21:5)');
  assert.equal(mapStack('Error: no frames'), 'Error: no frames');
});
