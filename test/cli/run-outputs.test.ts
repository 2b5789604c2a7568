// The output table behind `--out <kind>=<target>`: every kind by its table name, the older flags as aliases,
// and the refusals (unknown kind, a kind given twice, a bare kind, nothing after '=').
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { parseOutputSpecs } from '../../src/cli/run-outputs.ts';
import { outputKinds } from '../../src/output/index.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { runInProcess } from '../e2e/in-process.ts';

let server: TestServer;
let dir: string;

before(async () => {
  server = await startTestServer();
  dir = await mkdtemp(join(tmpdir(), 'runner-out-kinds-'));
  const scenario = ['target: ' + server.url, 'requests:', '  - name: hit', '    path: /hit', 'load: { executor: shared-iterations, vus: 1, iterations: 3 }', ''];
  await writeFile(join(dir, 's.yaml'), scenario.join('\n'));
});
after(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

test('parseOutputSpecs: a plain path is the result file; kind=target names a table entry; old flags are aliases', () => {
  assert.deepEqual(parseOutputSpecs(['r.json', 'ndjson=s.ndjson', 'hdr-log=run.hlog'], { summaryExport: 'sum.json' }), [
    { kind: 'json', target: 'r.json', flag: '--out' },
    { kind: 'ndjson', target: 's.ndjson', flag: '--out ndjson=' },
    { kind: 'hdr-log', target: 'run.hlog', flag: '--out hdr-log=' },
    { kind: 'summary-export', target: 'sum.json', flag: '--summary-export' },
  ]);
  assert.deepEqual(parseOutputSpecs(undefined, { hdrLog: 'a.hlog' }), [{ kind: 'hdr-log', target: 'a.hlog', flag: '--hdr-log' }]);
  assert.deepEqual(parseOutputSpecs(['json=x.json']), [{ kind: 'json', target: 'x.json', flag: '--out' }]);
  for (const kind of Object.keys(outputKinds)) {
    assert.throws(() => parseOutputSpecs([kind]), new RegExp(`did you mean ${kind}=<`), kind);
    assert.throws(() => parseOutputSpecs([`${kind}=`]), /has no (path|target) after '='/, kind);
  }
  assert.throws(() => parseOutputSpecs(['nope=x']), /kind of json, ndjson, hdr-log, summary-export, prometheus; got 'nope=x'/);
  assert.throws(() => parseOutputSpecs(['hdr-log=a.hlog'], { hdrLog: 'b.hlog' }), /--out hdr-log given twice/);
  assert.throws(() => parseOutputSpecs(['a.json', 'json=b.json']), /--out json given twice/);
});

test('--out hdr-log= and --out summary-export= write what --hdr-log and --summary-export write', async () => {
  const r = await runInProcess(['run', 's.yaml', '--quiet', '--seed', '1', '--out', 'r.json', '--out', 'hdr-log=run.hlog', '--out', 'summary-export=sum.json', '--out', 'ndjson=s.ndjson'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(server.count, 3);
  const result = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8'));
  assert.equal(result.totals.requests, 3);
  assert.match(readFileSync(join(dir, 'run.hlog'), 'utf8'), /Histogram log format version 1\.3/);
  assert.equal(JSON.parse(readFileSync(join(dir, 'sum.json'), 'utf8')).metrics.http_reqs.count, 3);
  assert.equal(readFileSync(join(dir, 's.ndjson'), 'utf8').trim().split('\n').length, 3);
  // A folder given as a kind's target is refused with that kind's spelling and example name, before any traffic.
  const bad = await runInProcess(['run', 's.yaml', '--quiet', '--out', 'hdr-log=./'], dir);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--out hdr-log=.*names a folder.*run\.hlog/s);
  assert.equal(server.count, 3);
  assert.ok(!existsSync(join(dir, 'hdr-log=')));
});
