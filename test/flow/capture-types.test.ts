// A JSON capture keeps its JSON type: a captured true / 42 / 1.5 goes into a JSON value position as true / 42 /
// 1.5 (it was "true"), inside a string or a path as text. Runs the CLI in-process against a recording server.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { runInProcess } from '../e2e/in-process.ts';

let server: TestServer;
let dir: string;

before(async () => {
  server = await startTestServer({
    handle: (req) =>
      req.path === '/state'
        ? { kind: 'respond', status: 200, body: '{"active":true,"off":false,"count":42,"ratio":1.5,"name":"Ann"}', headers: { 'content-type': 'application/json' } }
        : { kind: 'respond', status: 200, body: '{}' },
  });
  dir = await mkdtemp(join(tmpdir(), 'runner-capture-types-'));
  await writeFile(join(dir, 'body.json'), '{"active": {{active}}, "off": {{off}}, "count": {{count}}, "label": "{{active}}/{{count}}"}\n');
  await writeFile(
    join(dir, 's.yaml'),
    [
      `target: ${server.url}`,
      'requests:',
      '  - name: state',
      '    path: /state',
      '    capture: { active: $.active, off: $.off, count: $.count, ratio: $.ratio, name: $.name }',
      '  - name: inline',
      '    method: POST',
      '    path: /x/{{active}}/{{count}}',
      '    json: { active: "{{active}}", off: "{{off}}", count: "{{count}}", ratio: "{{ratio}}", name: "{{name}}", text: "is {{active}}", list: ["{{off}}"] }',
      '  - name: file',
      '    method: POST',
      '    path: /y',
      '    headers: { x-active: "{{active}}" }',
      '    template: body.json',
      'load: { executor: shared-iterations, vus: 1, iterations: 1 }',
      '',
    ].join('\n'),
  );
});
after(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

test('captured booleans and numbers keep their JSON type in value position', async () => {
  const r = await runInProcess(['run', 's.yaml', '--quiet'], dir);
  assert.equal(r.code, 0, r.stderr);
  const [, inline, file] = server.received;
  assert.equal(inline.path, '/x/true/42');
  assert.deepEqual(JSON.parse(inline.body), { active: true, off: false, count: 42, ratio: 1.5, name: 'Ann', text: 'is true', list: [false] });
  assert.deepEqual(JSON.parse(file.body), { active: true, off: false, count: 42, label: 'true/42' });
  assert.equal(file.headers['x-active'], 'true');
});
