// An empty output path (`--out json=`, `--out ndjson=`, `--hdr-log ''`, `--summary-export ''`, `report -o ''`)
// or a bare `--out ndjson` is exit 2 with a message, no traffic, and no file named `json=` in the working folder.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { runInProcess } from './in-process.ts';

let server: TestServer;
let dir: string;

before(async () => {
  server = await startTestServer();
  dir = await mkdtemp(join(tmpdir(), 'runner-empty-out-'));
  const scenario = ['target: ' + server.url, 'requests:', '  - name: hit', '    path: /hit', 'load: { executor: shared-iterations, vus: 1, iterations: 2 }', ''];
  await writeFile(join(dir, 's.yaml'), scenario.join('\n'));
});
after(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

test('every output flag refuses an empty path before the first request', async () => {
  const cases: [string[], RegExp][] = [
    [['run', 's.yaml', '--out', 'json='], /--out json= has no path after '='/],
    [['run', 's.yaml', '--out', 'ndjson='], /--out ndjson= has no path after '='/],
    [['run', 's.yaml', '--out', 'ndjson'], /--out ndjson: did you mean ndjson=<path>\?/],
    [['run', 's.yaml', '--out', 'json'], /--out json: did you mean json=<path>\?/],
    [['run', 's.yaml', '--out', ''], /--out '': the path is empty/],
    [['run', 's.yaml', '--hdr-log', ''], /--hdr-log '': the path is empty/],
    [['run', 's.yaml', '--summary-export', ''], /--summary-export '': the path is empty/],
    [['report', 's.yaml', '-o', ''], /-o '': the path is empty/],
  ];
  for (const [args, why] of cases) {
    const r = await runInProcess(args, dir);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, why, args.join(' '));
    assert.doesNotMatch(r.stderr, /internal error|\n\s+at /);
  }
  assert.equal(server.count, 0, 'no request sent');
  assert.deepEqual(readdirSync(dir), ['s.yaml'], 'no file written');
});

test('./ndjson still names a file called ndjson', async () => {
  const r = await runInProcess(['run', 's.yaml', '--quiet', '--out', './ndjson'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(readdirSync(dir).includes('ndjson'));
  assert.equal(server.count, 2);
});
