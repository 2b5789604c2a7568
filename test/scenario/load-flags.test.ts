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

test('validate takes the load flags of run: a file without load checks with the load they give, no traffic', async () => {
  const before = server.count;
  const yamlCheck = await runInProcess(['validate', yaml, '--vus', '2', '--duration', '1s'], tmp.dir);
  assert.equal(yamlCheck.code, 0, yamlCheck.stderr);
  assert.match(yamlCheck.stdout, /default: constant-vus, up to 2 VUs, 1 request/);
  const tsCheck = await runInProcess(['validate', ts, '--iterations', '4'], tmp.dir);
  assert.equal(tsCheck.code, 0, tsCheck.stderr);
  assert.match(tsCheck.stdout, /default: shared-iterations/);
  const rate = await runInProcess(['validate', yaml, '--rate', '20', '--duration', '2s'], tmp.dir);
  assert.equal(rate.code, 0, rate.stderr);
  assert.match(rate.stdout, /constant-arrival-rate/);
  const stages = await runInProcess(['validate', yaml, '--stages', '1s:3,1s:0'], tmp.dir);
  assert.equal(stages.code, 0, stages.stderr);
  assert.match(stages.stdout, /ramping-vus, up to 3 VUs/);
  // The same parsers and the same bounds as run: a bad value is exit 2 in both.
  for (const cmd of ['run', 'validate']) {
    const bad = await runInProcess([cmd, yaml, '--vus', '0'], tmp.dir);
    assert.equal(bad.code, 2, `${cmd}: ${bad.stderr}`);
    assert.match(bad.stderr, /--vus takes a whole number/);
  }
  assert.equal(server.count, before, 'validate sent nothing');
});

test("the missing-load hint names flags that both run and validate accept", async () => {
  for (const cmd of ['run', 'validate']) {
    const r = await runInProcess([cmd, yaml], tmp.dir);
    assert.equal(r.code, 2);
    const flags = r.stderr.match(/--[a-z]+ \d+\w*/g) ?? [];
    assert.ok(flags.length >= 2, r.stderr);
    const withFlags = await runInProcess(['validate', yaml, ...flags.flatMap((f) => f.split(' '))], tmp.dir);
    assert.equal(withFlags.code, 0, `the hint's flags (${flags.join(' ')}) work for validate: ${withFlags.stderr}`);
  }
});

test('validate takes --target as run does, and says when run needs one (a file with relative paths and no target)', async () => {
  const file = join(tmp.dir, 'no-target.yaml');
  writeFileSync(file, `requests:\n  - name: a\n    path: /a\n`);
  const before = server.count;
  // run refuses it without --target; validate says so instead of a bare "ok".
  const run = await runInProcess(['run', '-q', file, '--vus', '1'], tmp.dir);
  assert.equal(run.code, 2);
  assert.match(run.stderr, /no target/);
  const bare = await runInProcess(['validate', file, '--vus', '1'], tmp.dir);
  assert.equal(bare.code, 0, bare.stderr);
  assert.match(bare.stdout, /target: none in the file: run needs --target URL/);
  const withTarget = await runInProcess(['validate', file, '--vus', '1', '--target', server.url], tmp.dir);
  assert.equal(withTarget.code, 0, withTarget.stderr);
  assert.doesNotMatch(withTarget.stdout, /target: none/);
  const badTarget = await runInProcess(['validate', file, '--vus', '1', '--target', 'ftp://x'], tmp.dir);
  assert.equal(badTarget.code, 2);
  assert.match(badTarget.stderr, /--target takes an http\(s\) URL/);
  assert.equal(server.count, before, 'nothing sent');
});
