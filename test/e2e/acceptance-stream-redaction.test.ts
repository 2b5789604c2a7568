// The streams written during a run (--out ndjson=, --hdr-log) redact request names like every other output: a
// `user:pass@` URL of a request (not only the target) and an environment secret in a name given at run time never
// reach them, for YAML names known before the run and for names a code scenario makes up as it goes.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { tempDir } from './cli.ts';
import { runInProcess } from './in-process.ts';

const PASSWORD = 'carols-pw-4711';
const ENV_SECRET = 'envsecret-0815';

let server: TestServer;
let dir: string;
let cleanup: () => Promise<void>;

before(async () => {
  server = await startTestServer();
  ({ dir, cleanup } = await tempDir('runner-stream-redaction-'));
});
after(async () => {
  await server.close();
  await cleanup();
});

function assertRedacted(files: string[]): void {
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    assert.ok(!text.includes(PASSWORD), `${f} shows the URL password:\n${text.slice(0, 600)}`);
    assert.ok(!text.includes(ENV_SECRET), `${f} shows the environment secret`);
    assert.ok(text.includes('carol:***@'), `${f} keeps the request, with its password redacted`);
  }
}

test("a request URL's password stays out of NDJSON and the HDR log (YAML names, known before the run)", async () => {
  const url = server.url.replace('http://', `http://carol:${PASSWORD}@`);
  const file = join(dir, 'url-pw.yaml');
  writeFileSync(file, ['name: url-pw', `target: ${server.url}`, 'requests:', `  - url: ${url}/hit`, 'load: { executor: shared-iterations, vus: 1, iterations: 3 }', ''].join('\n'));
  const ndjson = join(dir, 'yaml.ndjson');
  const hlog = join(dir, 'yaml.hlog');
  const result = join(dir, 'yaml.json');
  const r = await runInProcess(['run', file, '--quiet', '--out', result, '--out', `ndjson=${ndjson}`, '--hdr-log', hlog], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(readFileSync(ndjson, 'utf8').trim().split('\n').length, 3);
  assertRedacted([ndjson, hlog, result]);
});

test('names a code scenario makes up at run time reach NDJSON and the HDR log redacted', async () => {
  const url = server.url.replace('http://', `http://carol:${PASSWORD}@`);
  const file = join(dir, 'code-pw.ts');
  writeFileSync(
    file,
    [
      "import { defineScenario } from 'runner';",
      'export default defineScenario({',
      `  target: '${server.url}',`,
      '  headers: { "x-key": "${API_KEY}" },',
      "  load: { executor: 'shared-iterations', vus: 1, iterations: 2 },",
      '  iteration: async ({ http }) => {',
      `    await http.get('${url}/hit', { name: 'GET ${url}/hit' });`,
      "    await http.get('/hit', { name: 'key ' + process.env.API_KEY });",
      '  },',
      '});',
      '',
    ].join('\n'),
  );
  const ndjson = join(dir, 'code.ndjson');
  const hlog = join(dir, 'code.hlog');
  // In process, scenario code reads the test's own environment; runner's secrets come from the Io's.
  process.env.API_KEY = ENV_SECRET;
  const r = await runInProcess(['run', file, '--quiet', '--out', `ndjson=${ndjson}`, '--hdr-log', hlog], dir, { API_KEY: ENV_SECRET }).finally(() => delete process.env.API_KEY);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(readFileSync(ndjson, 'utf8').trim().split('\n').length, 4);
  assertRedacted([ndjson, hlog]);
  assert.match(readFileSync(ndjson, 'utf8'), /"name":"key \*\*\*"/);
});
