// Mapping a scenario exception to the user's .ts line: through the bundle's own inline source map (when the
// process runs without source maps), or from frames Node already mapped; runner's own frames are skipped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { transform } from 'esbuild';
import { inlineSourceMap, locateScriptError, type ScriptOrigin } from '../../src/scenario/script-location.ts';

const source = ['interface A { x: number }', 'const a: A = { x: 1 };', '', 'export function f(): never {', "  throw new Error('boom ' + a.x);", '}', ''].join('\n');

test('a frame in the bundle is mapped back through its inline source map', async () => {
  const out = await transform(source, { loader: 'ts', format: 'esm', sourcemap: 'inline', sourcefile: 'scenario.ts' });
  const genLines = out.code.split('\n');
  const line = genLines.findIndex((l) => l.includes('throw new Error'));
  const column = genLines[line].indexOf('new Error') + 1;
  const origin: ScriptOrigin = { bundlePath: '/tmp/dir/.runner-x.mjs', map: inlineSourceMap(out.code), runnerDirs: ['/opt/runner/dist/'] };
  assert.ok(origin.map, 'inline map found');
  const err = new Error('boom 1');
  err.stack = [
    'Error: boom 1',
    '    at CodeResponse.json (file:///opt/runner/dist/chunk-AB.js:10:5)',
    `    at f (file:///tmp/dir/.runner-x.mjs:${line + 1}:${column})`,
    '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
  ].join('\n');
  const loc = locateScriptError(err, origin);
  assert.deepEqual({ file: loc?.file, line: loc?.line, column: loc?.column }, { file: '/tmp/dir/scenario.ts', line: 5, column: 9 });
});

test('frames already mapped to a user file are taken as they are; node_modules and runner frames are skipped', () => {
  const origin: ScriptOrigin = { bundlePath: '/tmp/dir/.runner-x.mjs', map: undefined, runnerDirs: ['/opt/runner/src/'] };
  const err = new Error('x');
  err.stack = ['Error: x', '    at g (/opt/runner/src/flow/code-http.ts:1:1)', '    at h (/home/u/proj/node_modules/lib/index.js:2:2)', '    at /home/u/proj/flow.ts:12:7'].join('\n');
  assert.deepEqual(locateScriptError(err, origin), { file: '/home/u/proj/flow.ts', line: 12, column: 7 });
  assert.equal(locateScriptError('not an error', origin), undefined);
});
