// The CLI load flags set the load of a scenario that has none (item 21): `runner run file.yaml --vus 2
// --duration 1s` on a file without `load:` runs; without flags the missing `load:` is still an error.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { readResult, tempDir } from '../e2e/cli.ts';
import { runInProcess } from '../e2e/in-process.ts';

let tmp: Awaited<ReturnType<typeof tempDir>>;
let server: TestServer;
let yaml = '';
let ts = '';
before(async () => {
  tmp = await tempDir('runner-load-flags-');
  server = await startTestServer();
  yaml = join(tmp.dir, 'no-load.yaml');
  writeFileSync(yaml, `target: ${server.url}\nrequests:\n  - name: hit\n    path: /hit\n    think: 50ms\n`);
  ts = join(tmp.dir, 'no-load.mjs');
  writeFileSync(ts, `export default { target: '${server.url}', requests: [{ name: 'hit', path: '/ts' }] };\n`);
});
after(async () => {
  await server.close();
  await tmp.cleanup();
});

test('--vus 2 --duration 1s on a file without load: constant-vus, 2 VUs, requests sent', { timeout: 30_000 }, async () => {
  const before = server.count;
  const out = join(tmp.dir, 'r1.json');
  const r = await runInProcess(['run', '-q', yaml, '--vus', '2', '--duration', '1s', '--out', out], tmp.dir);
  assert.equal(r.code, 0, r.stderr);
  const result = await readResult(out);
  const sent = server.count - before;
  assert.ok(sent >= 4, `${sent} requests`);
  assert.equal(result.requests.hit.totals.requests, sent, 'runner counted what the server received');
  assert.equal(result.scenarios.default.executor, 'constant-vus');
});

test('--vus 3 alone: 3 VUs, one iteration each (k6 default)', async () => {
  const before = server.count;
  const r = await runInProcess(['run', '-q', yaml, '--vus', '3'], tmp.dir);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(server.count - before, 3);
});

test('--iterations 4 on a JS scenario without load', async () => {
  const before = server.received.length;
  const r = await runInProcess(['run', '-q', ts, '--iterations', '4'], tmp.dir);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(server.received.slice(before).map((q) => q.path), ['/ts', '/ts', '/ts', '/ts']);
});

test('without load flags the missing load is still an error (run and validate); --connections is no load flag', async () => {
  const before = server.count;
  for (const args of [['run', yaml], ['validate', yaml], ['run', yaml, '--connections', '2'], ['run', ts]]) {
    const r = await runInProcess(args, tmp.dir);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /has no 'load'/);
  }
  assert.equal(server.count, before);
});
