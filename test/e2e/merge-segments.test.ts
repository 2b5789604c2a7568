// Issue 12's end-to-end check: three processes run segments 1/3, 2/3 and 3/3 of one scenario from one start
// instant, `runner merge` joins their result files, and the merged run is the unsharded run: the same totals, the
// same payloads on the server (a multiset), unique values unique, the histogram holding every request.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { decodeHistogram } from '../../src/metrics/histogram.ts';
import type { RunResult } from '../../src/result/types.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { runCli, tempDir } from './cli.ts';
import { runInProcess } from './in-process.ts';

let server: TestServer;
let tmp: Awaited<ReturnType<typeof tempDir>>;

before(async () => {
  server = await startTestServer();
  tmp = await tempDir('runner-merge-seg-');
  await writeFile(
    join(tmp.dir, 's.yaml'),
    `name: shop
target: ${server.url}
fields:
  userId: { gen: string, length: 8, unique: true }
  n: { gen: int, min: 1, max: 1000000 }
requests:
  - name: signup
    method: POST
    path: /signup/{{n}}
    json: { userId: "{{userId}}", n: "{{n}}" }
    expect: 200
load: { executor: shared-iterations, vus: 3, iterations: 240 }
thresholds:
  http_req_duration: ['p(99)<60000']
`,
  );
});
after(async () => {
  await server.close();
  await tmp.cleanup();
});

const hash = (list: string[]): string => createHash('sha256').update([...list].sort().join('\n')).digest('hex');

test('3 processes with --segment i/3 and one --start-at, then runner merge = the unsharded run', { timeout: 90_000 }, async () => {
  // Far enough ahead for three Node start-ups on a loaded 2-core machine (more than 1 s late is refused).
  const startAt = new Date(Date.now() + 12_000).toISOString();
  const runs = await Promise.all(
    [1, 2, 3].map((i) => runCli(['run', 's.yaml', '--seed', '7', '--segment', `${i}/3`, '--start-at', startAt, '--quiet', '--out', `seg-${i}.json`], { cwd: tmp.dir })),
  );
  runs.forEach((r, i) => assert.equal(r.code, 0, `segment ${i + 1}: ${r.stderr}`));
  const sharded = server.received.map((r) => `${r.path} ${r.body}`);
  const merged = await runInProcess(['merge', 'seg-1.json', 'seg-2.json', 'seg-3.json', '--out', 'merged.json'], tmp.dir);
  assert.equal(merged.code, 0, merged.stderr);
  const m = JSON.parse(await readFile(join(tmp.dir, 'merged.json'), 'utf8')) as RunResult;
  const parts = await Promise.all([1, 2, 3].map(async (i) => JSON.parse(await readFile(join(tmp.dir, `seg-${i}.json`), 'utf8')) as RunResult));

  const before = server.count;
  const whole = await runInProcess(['run', 's.yaml', '--seed', '7', '--quiet', '--out', 'whole.json'], tmp.dir);
  assert.equal(whole.code, 0, whole.stderr);
  const unsharded = server.received.slice(before).map((r) => `${r.path} ${r.body}`);
  const w = JSON.parse(await readFile(join(tmp.dir, 'whole.json'), 'utf8')) as RunResult;

  // The same work: totals, statuses, iterations; every segment did some of it.
  assert.equal(m.totals.requests, 240);
  assert.equal(m.totals.requests, w.totals.requests);
  assert.deepEqual(m.totals.byStatus, w.totals.byStatus);
  assert.deepEqual(m.iterations, w.iterations);
  assert.ok(parts.every((p) => p.totals.requests > 0));
  // The same payloads, and unique userIds unique across the three processes.
  assert.equal(sharded.length, 240);
  assert.equal(hash(sharded), hash(unsharded));
  const ids = sharded.map((b) => JSON.parse(b.slice(b.indexOf(' ') + 1)).userId);
  assert.equal(new Set(ids).size, 240);
  // The merged histogram holds every request of every segment.
  assert.equal(decodeHistogram(m.latency.hdr).totalCount, parts.reduce((n, p) => n + decodeHistogram(p.latency.hdr).totalCount, 0));
  assert.equal(m.latency.count, 240);
  // One start instant: the files started within a second of each other, and the merge knows the whole run.
  const starts = parts.map((p) => Date.parse(p.startedAt));
  assert.ok(Math.max(...starts) - Math.min(...starts) < 1000, String(starts));
  assert.deepEqual(m.merged, { files: 3, segments: ['0:1/3', '1/3:2/3', '2/3:1'], partial: false });
  assert.equal(m.scenario.startAt, startAt);
  assert.deepEqual(m.thresholds?.http_req_duration.map((t) => t.ok), [true]);
});
