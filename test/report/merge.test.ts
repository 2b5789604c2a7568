// runner merge: the results of a run's segments become the result of the whole run, exactly. Result files are
// built here from samples we choose, so the merged numbers can be checked against one collector that saw them all.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { createCollector, type Collector } from '../../src/metrics/collector.ts';
import { decodeHistogram } from '../../src/metrics/histogram.ts';
import { createTimeSeries } from '../../src/metrics/time-series.ts';
import { buildRunResult } from '../../src/report/result.ts';
import type { RunResult } from '../../src/result/types.ts';
import { runInProcess } from '../e2e/in-process.ts';
import { fail, respond } from '../helpers/samples.ts';
import { startTestServer } from '../helpers/server.ts';

const T0 = Date.parse('2026-11-29T20:00:00.000Z');
const SEQUENCE = '0,1/3,2/3,1';
const SEGMENTS = ['0:1/3', '1/3:2/3', '2/3:1'];
let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'runner-merge-'));
});
after(() => rm(dir, { recursive: true, force: true }));

/** The sample of segment `seg`, number `i`: latency spread over 1–80 ms, a few 503s and timeouts, two names. */
function feed(c: Collector, seg: number, i: number, atMs: number): void {
  const latencyUs = 1000 + ((i * 7919 + seg * 104_729) % 79_000);
  const id = i % 2;
  if (i % 101 === 0) fail(c, id, 'timeout', 50, 0, atMs);
  else respond(c, id, i % 37 === 0 ? 503 : 200, latencyUs, latencyUs - (seg === 1 ? 200 : 0), 120, 400, i % 37 !== 0, atMs);
}

/** A segment's result file, as `runner run --segment` writes it: `count` requests over `durationMs`, starting `offsetMs` after T0. */
function segmentResult(seg: number, count: number, durationMs: number, offsetMs: number, all?: Collector): RunResult {
  let now = 0;
  const c = createCollector(['signup', 'me'], () => now);
  const series = createTimeSeries();
  c.onSecond((v) => series.add(v));
  c.begin();
  for (let i = 0; i < count; i++) {
    now = (i * durationMs) / count;
    c.started(i % 2, now);
    feed(c, seg, i, now);
    if (all) feed(all, seg, i, 0);
    c.flush();
  }
  now = durationMs;
  c.finish();
  const metrics = c.toRequestResults(durationMs);
  const iterations = { started: count / 2, completed: count / 2, failed: 0, dropped: seg, aborted: 0 };
  const r = buildRunResult({
    runner: 'test',
    scenario: { name: 'shop', file: 'shop.yaml', seed: 42, segment: SEGMENTS[seg], segmentIndex: seg + 1, segmentCount: 3, segmentSequence: SEQUENCE, startAt: new Date(T0).toISOString() },
    target: 'http://127.0.0.1:1',
    startedAt: new Date(T0 + offsetMs),
    durationMs,
    outcome: 'completed',
    iterations,
    metrics,
    checks: { 'is 200': { passes: count - seg, fails: seg } },
    scenarios: { default: { executor: 'shared-iterations', model: 'closed', ...metrics.total, totals: { ...metrics.total.totals, dropped: seg }, iterations } },
    timeSeries: series.points(),
  });
  r.thresholds = { 'http_req_duration': [{ expression: 'p(99)<100', ok: true, value: 1 }], 'http_req_duration{name:me}': [{ expression: 'p(50)<1', ok: false, value: 2 }] };
  return JSON.parse(JSON.stringify(r));
}

async function write(name: string, r: RunResult): Promise<string> {
  await writeFile(join(dir, name), JSON.stringify(r));
  return name;
}

test('merge of 3 segments: p99 = p99 of all samples, hdr count = the sum, rates over the true span, seconds aligned', async () => {
  const all = createCollector(['signup', 'me']);
  const parts = [segmentResult(0, 3000, 3000, 0, all), segmentResult(1, 2000, 2500, 400, all), segmentResult(2, 1000, 3000, 1200, all)];
  const files = [await write('s2.json', parts[2]), await write('s0.json', parts[0]), await write('s1.json', parts[1])];
  const r = await runInProcess(['merge', ...files, '--out', 'merged.json'], dir);
  // One threshold fails on the merged numbers too (p(50)<1 ms for 'me'): exit 99, as runner run would.
  assert.equal(r.code, 99, r.stderr);
  // Files without a scenario hash (older runners) still merge, with a warning that this was not checked.
  assert.match(r.stderr, /^warning: s2\.json, s0\.json, s1\.json have no scenario hash/m);
  assert.match(r.stdout, /^merged: 3 result files, segments 0:1\/3, 1\/3:2\/3, 2\/3:1$/m);
  const m = JSON.parse(await readFile(join(dir, 'merged.json'), 'utf8')) as RunResult;
  const one = all.toRequestResults(1);
  // Exact: the merged histograms are the histogram of every sample, bucket by bucket.
  assert.equal(decodeHistogram(m.latency.hdr).outputPercentileDistribution(), decodeHistogram(one.total.latency.hdr).outputPercentileDistribution());
  assert.equal(m.latency.p99, one.total.latency.p99);
  assert.equal(m.latency.p50, one.total.latency.p50);
  assert.equal(m.requests.me.latency.p99, one.byName.me.latency.p99);
  assert.equal(m.serviceTime.p999, one.total.serviceTime.p999);
  assert.equal(decodeHistogram(m.latency.hdr).totalCount, parts.reduce((n, p) => n + p.latency.count, 0));
  assert.deepEqual(m.totals.byStatus, one.total.totals.byStatus);
  assert.equal(m.totals.requests, 6000);
  assert.equal(m.totals.dropped, 3);
  assert.deepEqual(m.iterations, { started: 3000, completed: 3000, failed: 0, dropped: 3, aborted: 0 });
  assert.deepEqual(m.checks, { 'is 200': { passes: 5997, fails: 3 } });
  // The run spans T0 … T0+4.2 s (the last segment started 1.2 s late): rps over 4.2 s, never the sum of the files'.
  assert.equal(m.startedAt, new Date(T0).toISOString());
  assert.equal(m.durationMs, 4200);
  assert.equal(m.totals.rps, Math.round((6000 / 4.2) * 1000) / 1000);
  assert.notEqual(m.totals.rps, parts.reduce((n, p) => n + p.totals.rps, 0));
  // Seconds by absolute second: segment 2's second 0 is the run's second 1.
  assert.equal(m.timeSeries.length, 5);
  assert.equal(m.timeSeries.reduce((n, p) => n + p.finished, 0), 6000);
  const second1 = parts[0].timeSeries[1].finished + parts[1].timeSeries[1].finished + parts[2].timeSeries[0].finished;
  assert.equal(m.timeSeries[1].finished, second1);
  assert.equal(decodeHistogram(m.timeSeries[1].hdr ?? '').totalCount, second1 - m.timeSeries[1].errors);
  // The identity of the whole run; which files made it.
  assert.deepEqual(m.scenario, { name: 'shop', file: 'shop.yaml', seed: 42, segmentCount: 3, segmentSequence: SEQUENCE, startAt: new Date(T0).toISOString() });
  assert.deepEqual(m.merged, { files: 3, segments: SEGMENTS, partial: false });
  assert.deepEqual(m.thresholds?.['http_req_duration']?.map((t) => t.ok), [true]);
  assert.deepEqual(m.thresholds?.['http_req_duration{name:me}']?.map((t) => t.ok), [false]);
  // compare and report read a merged file like any other.
  assert.equal((await runInProcess(['compare', 'merged.json', 's0.json'], dir)).code, 0);
  const rep = await runInProcess(['report', 'merged.json', '-o', 'm.html'], dir);
  assert.equal(rep.code, 0, rep.stderr);
});

test('merge refuses overlapping segments, an incomplete set and files of another run (exit 2, naming what is wrong)', async () => {
  const [a, b, c] = [segmentResult(0, 100, 1000, 0), segmentResult(1, 100, 1000, 0), segmentResult(2, 100, 1000, 0)];
  await write('a.json', a);
  await write('b.json', b);
  await write('c.json', c);
  await write('a-again.json', a);
  await write('other-seed.json', { ...c, scenario: { ...c.scenario, seed: 7 } });
  await write('whole.json', { ...a, scenario: { name: 'shop', file: 'shop.yaml', seed: 42 } });
  const hashed = (r: RunResult, hash: string): RunResult => ({ ...r, scenario: { ...r.scenario, hash: `sha256:${hash.repeat(64)}` } });
  await write('a-h.json', hashed(a, 'a'));
  await write('b-h.json', hashed(b, 'b'));
  await write('c-h.json', hashed(c, 'a'));
  const cases: [string[], RegExp][] = [
    [['a.json', 'a-again.json', 'b.json', 'c.json'], /a\.json \(segment 0:1\/3\) and a-again\.json \(segment 0:1\/3\) overlap/],
    [['a.json', 'c.json'], /the set is incomplete: no file ran segment 1\/3:2\/3[\s\S]*--allow-partial/],
    [['a.json', 'b.json', 'other-seed.json'], /not the same seed: a\.json has 42, b\.json has 42, other-seed\.json has 7/],
    [['whole.json', 'b.json'], /overlap/],
    [['a-h.json', 'b-h.json', 'c-h.json'], /not the same scenario files: a-h\.json ran sha256:aaaaaaaaaaaa…, b-h\.json ran sha256:bbbbbbbbbbbb…, c-h\.json ran sha256:aaaaaaaaaaaa…[\s\S]*never merge/],
    [['a-h.json', 'b-h.json', '--allow-partial'], /not the same scenario files/],
    [['a.json', 'b.json', 'c.json', '--out', 'a.json'], /--out .*a\.json: is an input of this command/],
  ];
  for (const [args, why] of cases) {
    const r = await runInProcess(['merge', ...args], dir);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, why, args.join(' '));
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  }
  // Overlap stays refused with --allow-partial; a gap is merged and the result says so.
  assert.equal((await runInProcess(['merge', 'a.json', 'a-again.json', '--allow-partial'], dir)).code, 2);
  const r = await runInProcess(['merge', 'a.json', 'c.json', '--allow-partial', '--out', 'partial.json'], dir);
  assert.equal(r.code, 99, r.stderr);
  assert.match(r.stdout, /^merged: 2 result files, segments 0:1\/3, 2\/3:1  PARTIAL: missing 1\/3:2\/3$/m);
  assert.equal((await runInProcess(['merge', 'a.json', 'c.json', '--allow-partial', '-q'], dir)).stdout, '');
  const m = JSON.parse(await readFile(join(dir, 'partial.json'), 'utf8')) as RunResult;
  assert.deepEqual(m.merged, { files: 2, segments: ['0:1/3', '2/3:1'], partial: true, missing: ['1/3:2/3'] });
  assert.match(m.warnings[0], /^partial merge \(--allow-partial\): no result for segment 1\/3:2\/3/);
  assert.equal(m.totals.requests, 200);
  assert.ok(!existsSync(join(dir, 'merged-never.json')));
});

test('runner run writes a hash of the scenario and the files it reads; merge refuses segments whose template differed', { timeout: 60_000 }, async () => {
  const server = await startTestServer({ record: false });
  try {
    const scenario = `name: hashed\ntarget: ${server.url}\nrequests:\n  - { name: post, method: POST, path: /, template: body.json }\nload: { executor: shared-iterations, vus: 1, iterations: 2 }\n`;
    await writeFile(join(dir, 'hashed.yaml'), scenario);
    const run = async (segment: string, out: string, body: string) => {
      await writeFile(join(dir, 'body.json'), body);
      const r = await runInProcess(['run', 'hashed.yaml', '--segment', segment, '--seed', '4', '--out', out, '-q'], dir);
      assert.equal(r.code, 0, r.stderr);
      return (JSON.parse(await readFile(join(dir, out), 'utf8')) as RunResult).scenario.hash;
    };
    const h1 = await run('1/2', 'h1.json', '{"v":1}');
    const h2 = await run('2/2', 'h2.json', '{"v":1}');
    const changed = await run('2/2', 'h2-changed.json', '{"v":2}');
    assert.match(h1 ?? '', /^sha256:[0-9a-f]{64}$/);
    assert.equal(h2, h1, 'the same files: the same hash');
    assert.notEqual(changed, h1, 'a changed template changes the hash');
    const ok = await runInProcess(['merge', 'h1.json', 'h2.json', '-q'], dir);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stderr, '');
    const refused = await runInProcess(['merge', 'h1.json', 'h2-changed.json'], dir);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /not the same scenario files: h1\.json ran sha256:[0-9a-f]{12}…, h2-changed\.json ran/);
  } finally {
    await server.close();
  }
});
