// Worker threads post each closed second as a snapshot; the main thread merges them: the merged run must be the
// run recorded in one place, exactly (same histograms, same counts, same per-second series).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createCollector } from '../../src/metrics/collector.ts';
import { decodeHistogram } from '../../src/metrics/histogram.ts';
import { createSecondMerger, snapshotSecond, type SecondSnapshot } from '../../src/metrics/snapshot.ts';
import { createTimeSeries } from '../../src/metrics/time-series.ts';
import { fail, respond } from '../helpers/samples.ts';

test('two workers\' seconds, merged on the main thread, equal one collector that saw every request', () => {
  const names = ['signup', 'me'];
  let now = 0;
  const workers = [createCollector(names, () => now), createCollector(names, () => now)];
  const single = createCollector(names, () => now);
  const main = createCollector(names, () => now);
  const singleSeries = createTimeSeries();
  const mainSeries = createTimeSeries();
  single.onSecond((v) => singleSeries.add(v));
  main.onSecond((v) => mainSeries.add(v));
  const merger = createSecondMerger(2, (s) => main.addSecond(s));
  const posted: SecondSnapshot[][] = [[], []];
  workers.forEach((w, i) => w.onSecond((v) => posted[i].push(structuredClone(snapshotSecond(v)))));
  for (const c of [...workers, single]) c.begin();
  // 3.5 s of traffic: worker 0 gets even requests, worker 1 odd ones; worker 1 is idle in second 2.
  for (let i = 0; i < 3500; i++) {
    now = i;
    const w = workers[i % 2];
    if (i % 2 === 1 && now >= 2000 && now < 3000) continue;
    const latencyUs = 500 + ((i * 7919) % 20_000);
    const serviceUs = i % 3 === 0 ? latencyUs : latencyUs - 100;
    const status = i % 97 === 0 ? 503 : 200;
    for (const c of [w, single]) {
      c.started(i % 2, now);
      if (i % 250 === 0) fail(c, i % 2, 'timeout', 10, 0, now);
      else respond(c, i % 2, status, latencyUs, serviceUs, 100, 300, status === 200, now);
    }
    // Each worker's timer hands its seconds out as they close; here, every 100 ms of run time.
    if (i % 100 === 0) for (const c of workers) c.flush();
  }
  for (const c of [...workers, single]) c.finish();
  // Delivered out of step, as messages from two threads would be.
  for (const s of posted[1]) merger.add(1, s);
  for (const s of posted[0]) merger.add(0, s);
  merger.end(0);
  merger.end(1);
  main.finish();
  const a = single.toRequestResults(3500);
  const b = main.toRequestResults(3500);
  // Encodings may differ in bytes (array sizes); the histograms must not: every bucket the same.
  assert.deepEqual(distributions(b), distributions(a));
  assert.deepEqual(withoutHdr(b), withoutHdr(a));
  assert.equal(b.total.totals.requests, 3500 - 500);
  assert.deepEqual(withoutHdr(mainSeries.points()), withoutHdr(singleSeries.points()));
  assert.deepEqual(distributions(mainSeries.points()), distributions(singleSeries.points()));
  assert.equal(mainSeries.points().length, 4);
});

/** Every `hdr`/`serviceHdr` in `value`, decoded to its full percentile distribution (bucket by bucket). */
function distributions(value: unknown): string[] {
  const out: string[] = [];
  JSON.stringify(value, (k, v) => {
    if ((k === 'hdr' || k === 'serviceHdr') && typeof v === 'string') out.push(decodeHistogram(v).outputPercentileDistribution());
    return v;
  });
  return out;
}

function withoutHdr<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, (k, v) => (k === 'hdr' || k === 'serviceHdr' ? undefined : v)));
}

test('the merger holds a second until every running worker has passed it; an ended worker holds nothing', () => {
  const seen: number[] = [];
  const m = createSecondMerger(2, (s) => seen.push(s.t));
  const empty = (t: number): SecondSnapshot => ({ t, endMs: (t + 1) * 1000, started: 0, dropped: 0, iterationsStarted: 0, checksPassed: 0, checksFailed: 0, activeVus: 0, requests: [] });
  m.add(0, empty(0));
  m.add(0, empty(1));
  assert.deepEqual(seen, []);
  m.add(1, empty(0));
  assert.deepEqual(seen, [0]);
  m.end(1);
  assert.deepEqual(seen, [0, 1]);
  m.add(0, empty(2));
  assert.deepEqual(seen, [0, 1, 2]);
});
