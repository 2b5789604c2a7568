// The remote-write body read back field by field (a small protobuf reader here, independent of the writer),
// snappy round trip, label order, stale markers for quiet seconds, and the one-walk quantiles against
// hdr-histogram-js's own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { uncompress } from 'snappyjs';
import { createGrowingHistogram, createHistogram, recordUs } from '../../src/metrics/histogram.ts';
import { PrometheusAggregate } from '../../src/output/prometheus/aggregate.ts';
import { valuesAtPercentiles } from '../../src/metrics/percentiles.ts';
import { createHttpSample } from '../../src/metrics/sample.ts';
import { Seconds } from '../../src/metrics/seconds.ts';
import { createWriteRequestEncoder, type Series } from '../../src/output/prometheus/remote-write.ts';

type Field = { field: number; wire: number; value: number | Uint8Array };

function readFields(b: Uint8Array): Field[] {
  const out: Field[] = [];
  let at = 0;
  const varint = (): number => {
    let v = 0;
    let mul = 1;
    for (;;) {
      const byte = b[at++];
      v += (byte & 0x7f) * mul;
      if (byte < 0x80) return v;
      mul *= 128;
    }
  };
  while (at < b.length) {
    const tag = varint();
    const wire = tag & 7;
    const field = tag >>> 3;
    if (wire === 0) out.push({ field, wire, value: varint() });
    else if (wire === 1) {
      out.push({ field, wire, value: new DataView(b.buffer, b.byteOffset + at, 8).getFloat64(0, true) });
      at += 8;
    } else if (wire === 2) {
      const n = varint();
      out.push({ field, wire, value: b.subarray(at, at + n) });
      at += n;
    } else throw new Error(`wire type ${wire}`);
  }
  assert.equal(at, b.length, 'no trailing bytes');
  return out;
}

const text = (v: number | Uint8Array): string => new TextDecoder().decode(v as Uint8Array);

test('WriteRequest → TimeSeries → labels sorted by bytes and samples (double value, int64 ms)', () => {
  const series: Series[] = [
    { labels: { __name__: 'runner_vus', testid: 'run-1', Zone: 'é/ü', name: '' }, samples: [{ value: 3, timestampMs: 1_764_000_000_123 }] },
    { labels: { __name__: 'runner_http_req_duration_seconds', quantile: '0.99' }, samples: [{ value: 0.0123, timestampMs: 1_764_000_001_000 }, { value: 0, timestampMs: 1_764_000_002_000 }] },
  ];
  const enc = createWriteRequestEncoder();
  const body = enc.encode(series);
  const raw = uncompress(body) as Uint8Array;
  assert.deepEqual(Buffer.from(raw), Buffer.from(enc.protobuf(series)));
  const top = readFields(raw);
  assert.deepEqual(top.map((f) => [f.field, f.wire]), [[1, 2], [1, 2]]);
  const decoded = top.map((ts) => {
    const parts = readFields(ts.value as Uint8Array);
    const labels = parts.filter((p) => p.field === 1).map((p) => readFields(p.value as Uint8Array).map((f) => text(f.value)));
    const samples = parts.filter((p) => p.field === 2).map((p) => readFields(p.value as Uint8Array).map((f) => f.value));
    return { labels, samples };
  });
  // Go string order: upper case before '_' before lower case.
  assert.deepEqual(decoded[0].labels, [['Zone', 'é/ü'], ['__name__', 'runner_vus'], ['name', ''], ['testid', 'run-1']]);
  assert.deepEqual(decoded[0].samples, [[3, 1_764_000_000_123]]);
  assert.deepEqual(decoded[1].samples, [[0.0123, 1_764_000_001_000], [0, 1_764_000_002_000]]);
  // The same series again (the cache of label bytes in use) encode to the same bytes.
  assert.deepEqual(Buffer.from(enc.protobuf(series)), Buffer.from(raw));
});

test('a stale marker is written as the exact StaleNaN bits Prometheus looks for', () => {
  const raw = createWriteRequestEncoder().protobuf([{ labels: { __name__: 'x' }, samples: [{ value: Number.NaN, timestampMs: 5, stale: true }] }]);
  const sample = readFields(readFields(readFields(raw)[0].value as Uint8Array)[1].value as Uint8Array);
  assert.equal(sample[0].wire, 1);
  const at = Buffer.from(raw).indexOf(Buffer.from([0x02, 0, 0, 0, 0, 0, 0xf0, 0x7f]));
  assert.ok(at > 0, Buffer.from(raw).toString('hex'));
});

test('a quiet second writes no quantile, and ends the series that had values with stale markers', () => {
  let nowMs = 0;
  const seconds = new Seconds([], () => nowMs, undefined);
  const batches: Series[][] = [];
  const a = new PrometheusAggregate([{ name: 'home', scenario: 's', method: 'GET' }], 's');
  const run = { iterations: { completed: 1, failed: 0, dropped: 0 }, checks: { toJSON: () => ({}) } };
  seconds.listen((v) => batches.push(a.second(v, 1000 * (v.t + 1), run, { testid: 't' })));
  seconds.begin();
  const s = createHttpSample();
  Object.assign(s, { requestId: 0, status: 200, latencyUs: 2000, serviceUs: 1500, expected: true, error: null, atMs: 100 });
  seconds.record(s);
  Object.assign(s, { status: 0, error: 'timeout', atMs: 200 });
  seconds.record(s);
  nowMs = 3500;
  seconds.finish();
  assert.deepEqual(batches.length, 4, 'seconds 0, 1, 2 and the partial 3');
  const quantileSeries = (batch: Series[]) => batch.filter((x) => x.labels.quantile !== undefined);
  const first = quantileSeries(batches[0]);
  assert.equal(first.length, 2 * 2 * 5, 'latency and service time, all requests and per name, 5 quantiles');
  assert.ok(first.every((x) => !x.samples[0].stale && x.samples[0].value > 0));
  assert.equal(first.find((x) => x.labels.name === 'home' && x.labels.quantile === '1' && x.labels.__name__ === 'runner_http_req_service_time_seconds')?.samples[0].value, 0.0015);
  const second = quantileSeries(batches[1]);
  assert.equal(second.length, 20);
  assert.ok(second.every((x) => x.samples[0].stale === true));
  assert.deepEqual(quantileSeries(batches[2]), [], 'once ended, nothing more');
  // The counters go on every second, as running totals, with the testid.
  const reqs = batches[2].filter((x) => x.labels.__name__ === 'runner_http_reqs_total');
  assert.deepEqual(reqs.map((x) => [x.labels.status, x.labels.error, x.labels.testid, x.samples[0].value]), [['200', undefined, 't', 1], ['0', 'timeout', 't', 1]]);
  assert.equal(batches[2].find((x) => x.labels.__name__ === 'runner_http_req_failed_total')?.samples[0].value, 1);
});

test('quantiles in one walk equal getValueAtPercentile, for full and growing histograms', () => {
  for (const h of [createHistogram(), createGrowingHistogram()]) {
    let x = 12345;
    for (let i = 0; i < 5000; i++) {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      recordUs(h, 50 + (x % 2_000_000) * (i % 97 === 0 ? 10 : 0.01));
    }
    const ps = [50, 90, 95, 99, 99.9, 100];
    assert.deepEqual(valuesAtPercentiles([h], ps), ps.map((p) => h.getValueAtPercentile(p)));
  }
  const one = createHistogram();
  recordUs(one, 777);
  assert.deepEqual(valuesAtPercentiles([one], [50, 100]), [one.getValueAtPercentile(50), one.getValueAtPercentile(100)]);
  assert.equal(valuesAtPercentiles([null, createHistogram()], [50]), null);
});

test('quantiles of two histograms together equal those of their sum, without adding them', () => {
  const a = createGrowingHistogram();
  const b = createHistogram();
  for (let i = 0; i < 3000; i++) recordUs(a, 100 + i * 3);
  for (let i = 0; i < 1000; i++) recordUs(b, 50_000 + i * 900);
  const sum = createHistogram();
  sum.add(a);
  sum.add(b);
  const ps = [50, 90, 95, 99, 100];
  assert.deepEqual(valuesAtPercentiles([a, null, b], ps), ps.map((p) => sum.getValueAtPercentile(p)));
});
