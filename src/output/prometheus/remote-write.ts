// Prometheus remote-write 1.0 on the wire: a WriteRequest protobuf, snappy-compressed (block format).
// The four messages we send are written by hand from prometheus/prompb (remote.proto, types.proto):
//   WriteRequest { repeated TimeSeries timeseries = 1; }
//   TimeSeries   { repeated Label labels = 1; repeated Sample samples = 2; }
//   Label        { string name = 1; string value = 2; }
//   Sample       { double value = 1; int64 timestamp = 2; }   // timestamp: ms since the Unix epoch
// A general protobuf library would bring reflection or code generation for these ~20 lines of varints.
import { compress } from 'snappyjs';

/** One series of a batch: its labels (`__name__` among them) and its samples. */
export interface Series {
  /** Label name → value; sorted by name when encoded, as the receiver requires. */
  labels: Record<string, string>;
  samples: { value: number; timestampMs: number }[];
}

/** The headers every remote-write 1.0 request carries. */
export const REMOTE_WRITE_HEADERS = {
  'content-type': 'application/x-protobuf',
  'content-encoding': 'snappy',
  'x-prometheus-remote-write-version': '0.1.0',
} as const;

/** The compressed body of one remote-write request. */
export function encodeWriteRequest(series: readonly Series[]): Uint8Array {
  return compress(encodeProtobuf(series));
}

/** The uncompressed WriteRequest bytes (exported for tests). */
export function encodeProtobuf(series: readonly Series[]): Uint8Array {
  const w = new Writer();
  for (const s of series) {
    const ts = new Writer();
    for (const name of Object.keys(s.labels).sort(byBytes)) {
      const label = new Writer();
      label.string(1, name);
      label.string(2, s.labels[name]);
      ts.message(1, label);
    }
    for (const sample of s.samples) {
      const sm = new Writer();
      sm.double(1, sample.value);
      sm.int64(2, sample.timestampMs);
      ts.message(2, sm);
    }
    w.message(1, ts);
  }
  return w.finish();
}

/** Prometheus sorts label names by their bytes (Go string order), not by locale. */
function byBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const encoder = new TextEncoder();

/** A growable byte buffer with the few protobuf field kinds used above. */
class Writer {
  private buf = new Uint8Array(64);
  private len = 0;

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  /** An unsigned varint below 2^53 (lengths, tags, non-negative timestamps). */
  private varint(v: number): void {
    this.reserve(10);
    while (v >= 0x80) {
      this.buf[this.len++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.len++] = v;
  }

  private tag(field: number, wireType: number): void {
    this.varint(field * 8 + wireType);
  }

  private bytes(field: number, data: Uint8Array): void {
    this.tag(field, 2);
    this.varint(data.length);
    this.reserve(data.length);
    this.buf.set(data, this.len);
    this.len += data.length;
  }

  string(field: number, s: string): void {
    this.bytes(field, encoder.encode(s));
  }

  message(field: number, m: Writer): void {
    this.bytes(field, m.finish());
  }

  double(field: number, v: number): void {
    this.tag(field, 1);
    this.reserve(8);
    new DataView(this.buf.buffer, this.buf.byteOffset + this.len, 8).setFloat64(0, v, true);
    this.len += 8;
  }

  /** int64 as a varint; timestamps are positive, so no two's-complement path is needed. */
  int64(field: number, v: number): void {
    this.tag(field, 0);
    this.varint(Math.max(0, Math.trunc(v)));
  }

  finish(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }
}
