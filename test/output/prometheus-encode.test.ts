// The remote-write body read back field by field (a small protobuf reader here, independent of the writer),
// snappy round trip, label order, and the one-walk quantiles against hdr-histogram-js's own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { uncompress } from 'snappyjs';
import { createGrowingHistogram, createHistogram, recordUs } from '../../src/metrics/histogram.ts';
import { valuesAtPercentiles } from '../../src/output/prometheus/aggregate.ts';
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

test('quantiles in one walk equal getValueAtPercentile, for full and growing histograms', () => {
  for (const h of [createHistogram(), createGrowingHistogram()]) {
    let x = 12345;
    for (let i = 0; i < 5000; i++) {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      recordUs(h, 50 + (x % 2_000_000) * (i % 97 === 0 ? 10 : 0.01));
    }
    const ps = [50, 90, 95, 99, 99.9, 100];
    assert.deepEqual(valuesAtPercentiles(h, ps), ps.map((p) => h.getValueAtPercentile(p)));
  }
  const one = createHistogram();
  recordUs(one, 777);
  assert.deepEqual(valuesAtPercentiles(one, [50, 100]), [one.getValueAtPercentile(50), one.getValueAtPercentile(100)]);
});
