// --setup-data file.json: the process takes setup()'s value from the file and runs neither setup() nor
// teardown(), on one thread and with --workers; so a segmented run runs setup() in one process only.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { RunResult } from '../../src/result/types.ts';
import { runInProcess } from '../e2e/in-process.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const servers: TestServer[] = [];
after(() => Promise.all(servers.map((s) => s.close())));
const dir = mkdtempSync(join(tmpdir(), 'runner-setup-data-'));

function scenario(name: string, url: string): string {
  const file = join(dir, `${name}.ts`);
  writeFileSync(
    file,
    `import { defineScenario } from 'runner';
export default defineScenario({
  target: '${url}',
  load: { executor: 'shared-iterations', vus: 2, iterations: 10 },
  setup: async ({ http }) => { await http.get('/setup', { name: 'setup' }); return { token: 'from-setup' }; },
  teardown: async ({ http }) => { await http.get('/teardown', { name: 'teardown' }); },
  iteration: async ({ http, data }) => { await http.get('/it?t=' + data.token, { name: 'it' }); },
});
`,
  );
  return file;
}

for (const workers of [[], ['--workers', '2']]) {
  test(`--setup-data ${workers.join(' ') || '(one thread)'}: setup() and teardown() do not run; every iteration gets the file's value`, async () => {
    const s = await startTestServer();
    servers.push(s);
    const file = scenario(`file${workers.length}`, s.url);
    writeFileSync(join(dir, 'setup.json'), JSON.stringify({ token: 'from-file' }));
    const out = join(dir, `r${workers.length}.json`);
    const r = await runInProcess(['run', file, '--setup-data', 'setup.json', '--seed', '1', '--out', out, '-q', ...workers], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(s.received.map((x) => x.path).sort(), Array(10).fill('/it?t=from-file'));
    const result = JSON.parse(readFileSync(out, 'utf8')) as RunResult;
    assert.equal(result.totals.requests, 10);
  });
}

test('--setup-data: a missing file, a file that is not JSON, a scenario without setup() are exit 2 with no traffic', async () => {
  const s = await startTestServer();
  servers.push(s);
  const file = scenario('bad', s.url);
  writeFileSync(join(dir, 'not.json'), '{ token: ');
  const missing = await runInProcess(['run', file, '--setup-data', 'nope.json', '-q'], dir);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /--setup-data: cannot read .*nope\.json: ENOENT/);
  const notJson = await runInProcess(['run', file, '--setup-data', 'not.json', '-q'], dir);
  assert.equal(notJson.code, 2);
  assert.match(notJson.stderr, /not\.json is not JSON/);
  const yaml = join(dir, 'plain.yaml');
  writeFileSync(yaml, `target: ${s.url}\nrequests:\n  - path: /x\nload:\n  executor: shared-iterations\n  vus: 1\n  iterations: 1\n`);
  const noSetup = await runInProcess(['run', yaml, '--setup-data', 'not.json', '-q'], dir);
  assert.equal(noSetup.code, 2);
  assert.match(noSetup.stderr, /exactly one setup\(\); this one has 0/);
  assert.equal(s.received.length, 0);
});

test('--setup-data: an output over the setup data file is refused (exit 2), the file kept', async () => {
  const s = await startTestServer();
  servers.push(s);
  const file = scenario('over', s.url);
  writeFileSync(join(dir, 'keep.json'), '{"token":"k"}');
  const r = await runInProcess(['run', file, '--setup-data', 'keep.json', '--out', 'keep.json', '-q'], dir);
  assert.equal(r.code, 2, r.stderr);
  assert.equal(readFileSync(join(dir, 'keep.json'), 'utf8'), '{"token":"k"}');
  assert.equal(s.received.length, 0);
});
