// Prometheus remote-write 1.0 on the wire: a WriteRequest protobuf, snappy-compressed (block format).
// The four messages we send are written by hand from prometheus/prompb (remote.proto, types.proto):
//   WriteRequest { repeated TimeSeries timeseries = 1; }
//   TimeSeries   { repeated Label labels = 1; repeated Sample samples = 2; }
//   Label        { string name = 1; string value = 2; }
//   Sample       { double value = 1; int64 timestamp = 2; }   // timestamp: ms since the Unix epoch
// A general protobuf library would bring reflection or code generation for these few fields of varints.
import { createRequire } from 'node:module';

// Loaded on the first batch, not with the module: a run without --out prometheus= never pays for it (start-up).
let snappy: ((input: Uint8Array) => Uint8Array) | undefined;
function compress(input: Uint8Array): Uint8Array {
  snappy ??= (createRequire(import.meta.url)('snappyjs') as typeof import('snappyjs')).compress;
  return snappy(input);
}

/** One series of a batch: its labels (`__name__` among them) and its samples. */
export interface Series {
  /** Label name → value; sorted by name when encoded, as the receiver requires. */
  labels: Record<string, string>;
  samples: Sample[];
}

export interface Sample {
  value: number;
  timestampMs: number;
  /**
   * Prometheus's staleness marker instead of `value`: the series has no value from here on (a second without
   * responses has no latency), so queries show a gap instead of repeating the last value for 5 minutes.
   */
  stale?: boolean;
}

/** The headers every remote-write 1.0 request carries. */
export const REMOTE_WRITE_HEADERS = {
  'content-type': 'application/x-protobuf',
  'content-encoding': 'snappy',
  'x-prometheus-remote-write-version': '0.1.0',
} as const;

/**
 * An encoder of remote-write bodies. Label names and values repeat every second (the same series each batch),
 * so their UTF-8 bytes are kept; sizes are computed first and the body written once into one exact buffer.
 */
export function createWriteRequestEncoder(): { encode(series: readonly Series[]): Uint8Array; protobuf(series: readonly Series[]): Uint8Array } {
  const utf8 = new Map<string, Uint8Array>();
  const bytesOf = (s: string): Uint8Array => {
    let b = utf8.get(s);
    if (b === undefined) {
      // Bounded: a run whose names never repeat (ids in names) must not grow this without end.
      if (utf8.size >= 20_000) utf8.clear();
      b = encoder.encode(s);
      utf8.set(s, b);
    }
    return b;
  };
  const protobuf = (series: readonly Series[]): Uint8Array => {
    // Pass 1: the size of every nested message.
    const sorted: string[][] = [];
    const labelSizes: number[][] = [];
    const seriesSizes: number[] = [];
    let total = 0;
    for (const s of series) {
      const names = Object.keys(s.labels).sort(byBytes);
      const sizes: number[] = [];
      let size = 0;
      for (const name of names) {
        const n = bytesOf(name).length;
        const v = bytesOf(s.labels[name]).length;
        const inner = 1 + varintSize(n) + n + 1 + varintSize(v) + v;
        sizes.push(inner);
        size += 1 + varintSize(inner) + inner;
      }
      for (const sample of s.samples) {
        const inner = 9 + 1 + varintSize(timestampOf(sample.timestampMs));
        size += 1 + varintSize(inner) + inner;
      }
      sorted.push(names);
      labelSizes.push(sizes);
      seriesSizes.push(size);
      total += 1 + varintSize(size) + size;
    }
    // Pass 2: write.
    const out = new Uint8Array(total);
    const view = new DataView(out.buffer);
    let at = 0;
    const varint = (v: number): void => {
      while (v >= 0x80) {
        out[at++] = (v % 0x80) | 0x80;
        v = Math.floor(v / 0x80);
      }
      out[at++] = v;
    };
    const bytes = (field: number, b: Uint8Array): void => {
      out[at++] = (field << 3) | 2;
      varint(b.length);
      out.set(b, at);
      at += b.length;
    };
    series.forEach((s, i) => {
      out[at++] = (1 << 3) | 2;
      varint(seriesSizes[i]);
      sorted[i].forEach((name, k) => {
        out[at++] = (1 << 3) | 2;
        varint(labelSizes[i][k]);
        bytes(1, bytesOf(name));
        bytes(2, bytesOf(s.labels[name]));
      });
      for (const sample of s.samples) {
        const ts = timestampOf(sample.timestampMs);
        out[at++] = (2 << 3) | 2;
        varint(9 + 1 + varintSize(ts));
        out[at++] = (1 << 3) | 1;
        if (sample.stale) {
          // StaleNaN, 0x7ff0000000000002 (prometheus/model/value): a NaN with this payload, written as bits
          // because JavaScript does not promise to keep a NaN's payload through a float64 store.
          view.setUint32(at, 0x00000002, true);
          view.setUint32(at + 4, 0x7ff00000, true);
        } else view.setFloat64(at, sample.value, true);
        at += 8;
        out[at++] = (2 << 3) | 0;
        varint(ts);
      }
    });
    return out;
  };
  return { protobuf, encode: (series) => compress(protobuf(series)) };
}

/** int64 timestamps are positive here: a plain varint, no two's-complement path. */
function timestampOf(ms: number): number {
  return Math.max(0, Math.trunc(ms));
}

function varintSize(v: number): number {
  let n = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 0x80);
    n++;
  }
  return n;
}

/** Prometheus sorts label names by their bytes (Go string order), not by locale. */
function byBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const encoder = new TextEncoder();
