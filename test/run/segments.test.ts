// A run cut into segments against a recording server: the segments' payloads together are byte-for-byte the
// unsharded run's (same seed), unique values never repeat across segments, and the CLI's --segment and
// --start-at say so in the result file or refuse loudly.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compilePlan } from '../../src/plan/compile.ts';
import { Run } from '../../src/run.ts';
import { loadYamlScenario } from '../../src/scenario/load-yaml.ts';
import { parseSegmentSpec, type SegmentTuple } from '../../src/scheduler/segment.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { runInProcess } from '../e2e/in-process.ts';

const servers: TestServer[] = [];
after(() => Promise.all(servers.map((s) => s.close())));
const dir = mkdtempSync(join(tmpdir(), 'runner-segments-'));

const scenario = (url: string, load: string) => `name: seg
target: ${url}
fields:
  id: { gen: string, length: 8, unique: true }
  n: { gen: int, min: 1, max: 1000000 }
  seq: { gen: sequence, prefix: "s-", pad: 6 }
requests:
  - name: post
    method: POST
    path: /x/{{n}}
    json: { id: "{{id}}", n: "{{n}}", seq: "{{seq}}" }
    expect: 200
load: ${load}
`;

async function bodies(load: string, segment?: SegmentTuple): Promise<{ bodies: string[]; requests: number }> {
  const server = await startTestServer();
  servers.push(server);
  const plan = compilePlan(loadYamlScenario(scenario(server.url, load), join(dir, 's.yaml')), { seed: 11, env: {}, segment });
  const result = await new Run(plan).start();
  assert.equal(result.totals.requests, server.count);
  return { bodies: server.received.map((r) => `${r.path} ${r.body}`), requests: result.totals.requests };
}

const hash = (list: string[]) => createHash('sha256').update([...list].sort().join('\n')).digest('hex');

for (const load of ['{ executor: shared-iterations, vus: 4, iterations: 300 }', '{ executor: per-vu-iterations, vus: 5, iterations: 40 }']) {
  test(`3 segments' payloads together are the unsharded run's, byte for byte: ${load}`, async () => {
    const whole = await bodies(load);
    const parts = [];
    for (let i = 1; i <= 3; i++) parts.push(await bodies(load, parseSegmentSpec(`${i}/3`)));
    const union = parts.flatMap((p) => p.bodies);
    assert.equal(union.length, whole.bodies.length);
    assert.equal(hash(union), hash(whole.bodies));
    const ids = union.map((b) => JSON.parse(b.slice(b.indexOf(' ') + 1)).id);
    assert.equal(new Set(ids).size, ids.length, 'unique ids never repeat across segments');
    assert.ok(parts.every((p) => p.requests > 0), 'every segment did some of the work');
  });
}

test('runner run --segment 2/3 --seed: the result names its segment; without a seed it refuses; --start-at late exits 2', async () => {
  const server = await startTestServer();
  servers.push(server);
  const file = join(dir, 'cli.yaml');
  writeFileSync(file, scenario(server.url, '{ executor: shared-iterations, vus: 3, iterations: 30 }'));
  const out = join(dir, 'seg.json');
  const startAt = new Date(Date.now() + 300).toISOString();
  const ok = await runInProcess(['run', file, '--segment', '2/3', '--seed', '5', '--start-at', startAt, '--out', out, '-q'], dir);
  assert.equal(ok.code, 0, ok.stderr);
  const r = JSON.parse(readFileSync(out, 'utf8'));
  assert.match(r.scenario.hash, /^sha256:[0-9a-f]{64}$/);
  assert.deepEqual(r.scenario, { name: 'seg', file, seed: 5, segment: '1/3:2/3', segmentIndex: 2, segmentCount: 3, segmentSequence: '0,1/3,2/3,1', startAt, hash: r.scenario.hash });
  assert.equal(r.iterations.started, 10);
  assert.equal(server.count, 10);
  assert.ok(Date.parse(r.startedAt) >= Date.parse(startAt) - 5, `started ${r.startedAt}, start-at ${startAt}`);

  const noSeed = await runInProcess(['run', file, '--segment', '2/3', '-q'], dir);
  assert.equal(noSeed.code, 2);
  assert.match(noSeed.stderr, /--segment needs a seed shared by every process/);
  const late = await runInProcess(['run', file, '--segment', '1/3', '--seed', '5', '--start-at', new Date(Date.now() - 5_000).toISOString(), '-q'], dir);
  assert.equal(late.code, 2);
  assert.match(late.stderr, /--start-at .* passed [\d.]+ s ago: this process is too late/);
  const bad = await runInProcess(['run', file, '--segment', '4/3', '--seed', '5', '-q'], dir);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /1 ≤ i ≤ n/);
  const zone = await runInProcess(['run', file, '--start-at', '2026-11-29 20:00', '-q'], dir);
  assert.equal(zone.code, 2);
  assert.match(zone.stderr, /--start-at takes an ISO-8601 instant/);
  assert.equal(server.count, 10, 'no refused run sent anything');
});
