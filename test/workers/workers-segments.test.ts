// --segment i/n with --workers N: each process's threads cut the process's own segment, so two processes of two
// threads each, started at one instant and merged, are the unsharded run: the same payloads (hash), the same
// totals and iterations, unique values unique. Each result file names the process's segment, which merge checks.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { decodeHistogram } from '../../src/metrics/histogram.ts';
import type { RunResult } from '../../src/result/types.ts';
import { runCli } from '../e2e/cli.ts';
import { runInProcess } from '../e2e/in-process.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const servers: TestServer[] = [];
after(() => Promise.all(servers.map((s) => s.close())));
const dir = mkdtempSync(join(tmpdir(), 'runner-workers-seg-'));
const hash = (list: string[]): string => createHash('sha256').update([...list].sort().join('\n')).digest('hex');
const read = (name: string) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as RunResult;

test('--segment 1/2 and 2/2, each with --workers 2, from one --start-at, merged = the unsharded run (was: refused, exit 2)', { timeout: 90_000 }, async () => {
  const server = await startTestServer();
  servers.push(server);
  writeFileSync(
    join(dir, 's.yaml'),
    `name: shop\ntarget: ${server.url}\nfields:\n  userId: { gen: string, length: 8, unique: true }\n  n: { gen: int, min: 1, max: 1000000 }\nrequests:\n  - name: signup\n    method: POST\n    path: /signup/{{n}}\n    json: { userId: "{{userId}}", n: "{{n}}" }\n    expect: 200\nload: { executor: shared-iterations, vus: 5, iterations: 203 }\n`,
  );
  // Far enough ahead for two Node start-ups and their threads on a loaded 2-core machine.
  const startAt = new Date(Date.now() + 10_000).toISOString();
  const runs = await Promise.all([1, 2].map((i) => runCli(['run', 's.yaml', '--seed', '5', '--segment', `${i}/2`, '--workers', '2', '--start-at', startAt, '-q', '--out', `seg-${i}.json`], { cwd: dir })));
  runs.forEach((r, i) => assert.equal(r.code, 0, `segment ${i + 1}: ${r.stderr}`));
  const sharded = server.received.map((r) => `${r.path} ${r.body}`);
  const merged = await runInProcess(['merge', 'seg-1.json', 'seg-2.json', '--out', 'merged.json'], dir);
  assert.equal(merged.code, 0, merged.stderr);
  const before = server.count;
  const whole = await runInProcess(['run', 's.yaml', '--seed', '5', '-q', '--out', 'whole.json'], dir);
  assert.equal(whole.code, 0, whole.stderr);
  const unsharded = server.received.slice(before).map((r) => `${r.path} ${r.body}`);

  const [m, w, one, two] = [read('merged.json'), read('whole.json'), read('seg-1.json'), read('seg-2.json')];
  assert.equal(sharded.length, 203);
  assert.equal(hash(sharded), hash(unsharded), 'the same payloads: every global identity is the unsharded run\'s');
  assert.equal(new Set(sharded.map((b) => JSON.parse(b.slice(b.indexOf(' ') + 1)).userId)).size, 203);
  assert.equal(m.totals.requests, w.totals.requests);
  assert.deepEqual(m.totals.byStatus, w.totals.byStatus);
  assert.deepEqual(m.iterations, w.iterations);
  assert.equal(decodeHistogram(m.latency.hdr).totalCount, 203);
  // Each file is the process's segment (its threads' sub-segments are not the run's business).
  assert.deepEqual([one.scenario.segment, one.scenario.segmentCount, two.scenario.segment], ['0:1/2', 2, '1/2:1']);
  assert.ok(one.totals.requests > 0 && two.totals.requests > 0);
  assert.deepEqual(m.merged, { files: 2, segments: ['0:1/2', '1/2:1'], partial: false });
});
