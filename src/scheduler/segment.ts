// Execution segments, with the semantics of k6's lib/execution_segment.go: a run is cut into rational
// segments (from, to] of [0, 1]; the global iteration indices 0, 1, 2, … are striped over the segments of a
// sequence so that each segment owns a disjoint, evenly spread subset and together they own every index.
// Each process computes its own share from its segment and the sequence alone: no coordinator.

/** A non-negative rational, reduced; den > 0. */
export interface Rational {
  num: number;
  den: number;
}

/** (from, to] with 0 ≤ from < to ≤ 1. */
export interface Segment {
  from: Rational;
  to: Rational;
}

/** Beyond this the striping table (one entry per position of the common denominator) is too big to build. */
const MAX_LCD = 1_000_000;

function gcd(a: number, b: number): number {
  // A NaN would never reach 0: refuse it rather than loop forever.
  if (!Number.isSafeInteger(a) || !Number.isSafeInteger(b)) throw new RangeError(`not whole numbers: ${a}, ${b}`);
  while (b !== 0) [a, b] = [b, a % b];
  return Math.abs(a);
}

export function rational(num: number, den: number): Rational {
  const g = gcd(num, den) || 1;
  return { num: num / g, den: den / g };
}

function compare(a: Rational, b: Rational): number {
  return a.num * b.den - b.num * a.den;
}

function sub(a: Rational, b: Rational): Rational {
  return rational(a.num * b.den - b.num * a.den, a.den * b.den);
}

export function formatRational(r: Rational): string {
  return r.den === 1 ? String(r.num) : `${r.num}/${r.den}`;
}

/** k6's text form, `from:to`, e.g. `1/3:2/3`. */
export function formatSegment(s: Segment): string {
  return `${formatRational(s.from)}:${formatRational(s.to)}`;
}

/** `1/3`, `0.25`, `25%`, `1`; undefined when it is none of these or outside [0, 1]. */
export function parseRational(text: string): Rational | undefined {
  const t = text.trim();
  let r: Rational | undefined;
  let m: RegExpMatchArray | null;
  if ((m = /^(\d{1,9})\/(\d{1,9})$/.exec(t))) r = Number(m[2]) === 0 ? undefined : rational(Number(m[1]), Number(m[2]));
  else if ((m = /^(\d{1,9})%$/.exec(t))) r = rational(Number(m[1]), 100);
  else if ((m = /^(\d)(?:\.(\d{1,6}))?$/.exec(t))) {
    const decimals = m[2] ?? '';
    r = rational(Number(m[1] + decimals), 10 ** decimals.length);
  }
  if (r === undefined || r.num > r.den) return undefined;
  return r;
}

/**
 * One segment of a sequence that covers [0, 1] without gaps (k6's ExecutionTuple), with the striping of
 * global indices precomputed: position p of every block of `lcd` indices belongs to exactly one segment.
 */
export class SegmentTuple {
  /** Least common denominator of the segments' lengths: the striping repeats every `lcd` indices. */
  readonly lcd: number;
  /** For each segment of the sequence, the positions in [0, lcd) it owns, ascending. */
  private readonly members: number[][];
  private readonly own: number[];
  private readonly owned: Uint8Array;
  /**
   * Set when this segment cuts another one (`--workers` inside `--segment`): this tuple stripes the parent's own
   * indices 0, 1, 2, …, not the global ones, so the threads of a process share exactly the process's indices.
   */
  private parent: SegmentTuple | undefined;

  private constructor(
    readonly sequence: readonly Segment[],
    /** 0-based position of this segment in the sequence. */
    readonly index: number,
  ) {
    const lengths = sequence.map((s) => sub(s.to, s.from));
    let lcd = 1;
    for (const l of lengths) {
      lcd = (lcd / gcd(lcd, l.den)) * l.den;
      if (lcd > MAX_LCD) throw new RangeError(`the segments' common denominator is over ${MAX_LCD}`);
    }
    this.lcd = lcd;
    this.members = stripe(lengths.map((l) => l.num * (lcd / l.den)), lcd);
    this.own = this.members[index];
    this.owned = new Uint8Array(lcd);
    for (const p of this.own) this.owned[p] = 1;
  }

  /** The whole run as one segment. */
  static full(): SegmentTuple {
    return new SegmentTuple([{ from: rational(0, 1), to: rational(1, 1) }], 0);
  }

  /** Segment `index` (0-based) of `sequence`, which must run from 0 to 1 without gaps or overlaps. */
  static of(sequence: readonly Segment[], index: number): SegmentTuple {
    if (sequence.length === 0 || compare(sequence[0].from, rational(0, 1)) !== 0 || compare(sequence[sequence.length - 1].to, rational(1, 1)) !== 0) {
      throw new RangeError('the segment sequence must start at 0 and end at 1');
    }
    for (let i = 0; i < sequence.length; i++) {
      if (compare(sequence[i].from, sequence[i].to) >= 0) throw new RangeError(`segment ${formatSegment(sequence[i])} is empty`);
      if (i > 0 && compare(sequence[i - 1].to, sequence[i].from) !== 0) throw new RangeError(`segment ${formatSegment(sequence[i])} does not start where ${formatSegment(sequence[i - 1])} ends`);
    }
    if (index < 0 || index >= sequence.length) throw new RangeError(`no segment ${index + 1} in a sequence of ${sequence.length}`);
    return new SegmentTuple(sequence, index);
  }

  /** The i-th of n equal segments (i 1-based): `--segment i/n`. */
  static nth(i: number, n: number): SegmentTuple {
    const sequence = Array.from({ length: n }, (_, k) => ({ from: rational(k, n), to: rational(k + 1, n) }));
    return SegmentTuple.of(sequence, i - 1);
  }

  /**
   * `inner` applied inside `parent`: the segment `inner` of what `parent` owns (a thread of `--workers` in a
   * process running `--segment`). Its shares, global indices and ownership are those of the parent's indices
   * cut by `inner`, so the threads of every process together own each global index once, as the unsharded run.
   */
  static within(parent: SegmentTuple, inner: SegmentTuple): SegmentTuple {
    if (parent.isFull) return inner;
    const t = new SegmentTuple(inner.sequence, inner.index);
    t.parent = inner.parent ? SegmentTuple.within(parent, inner.parent) : parent;
    return t;
  }

  get segment(): Segment {
    return this.sequence[this.index];
  }

  /** True when the run is not cut: every index is this segment's. */
  get isFull(): boolean {
    return this.sequence.length === 1 && (this.parent === undefined || this.parent.isFull);
  }

  /** How many of the global indices 0..value-1 this segment owns: its share of a count (VUs, iterations). */
  scale(value: number): number {
    return scaleOf(this.own, this.lcd, this.parent ? this.parent.scale(value) : value);
  }

  /** The global index (0-based) of this segment's k-th index (0-based). */
  globalIndex(k: number): number {
    const m = this.own.length;
    const i = Math.floor(k / m) * this.lcd + this.own[k % m];
    return this.parent ? this.parent.globalIndex(i) : i;
  }

  /** Whether global index `i` is this segment's. */
  owns(i: number): boolean {
    if (!this.parent) return this.owned[i % this.lcd] === 1;
    // The parent's own indices below i number i's place among them.
    return this.parent.owns(i) && this.owned[this.parent.scale(i) % this.lcd] === 1;
  }

  /**
   * k6's GetNewExecutionTupleFromValue: the sequence re-cut in proportion to how `value` (e.g. VUs) divides
   * over the segments, dropping those that get none, so a second count (iterations) follows the first: a
   * segment with no VU gets no iteration. Undefined when this segment gets none of `value`.
   */
  resegment(value: number): SegmentTuple | undefined {
    if (!this.parent) return this.resegmentOwn(value);
    // The parent divides the global count; this tuple then divides the parent's share of it.
    const outer = this.parent.resegment(value);
    const inner = this.resegmentOwn(this.parent.scale(value));
    return outer && inner && SegmentTuple.within(outer, inner);
  }

  private resegmentOwn(value: number): SegmentTuple | undefined {
    if (!(value >= 1)) return undefined;
    if (value % this.lcd === 0) return this.parent ? new SegmentTuple(this.sequence, this.index) : this;
    const sequence: Segment[] = [];
    let index = -1;
    let prev = 0;
    this.sequence.forEach((_, i) => {
      const share = scaleOf(this.members[i], this.lcd, value);
      if (share === 0) return;
      if (i === this.index) index = sequence.length;
      sequence.push({ from: rational(prev, value), to: rational(prev + share, value) });
      prev += share;
    });
    return index < 0 ? undefined : new SegmentTuple(sequence, index);
  }
}

function scaleOf(own: readonly number[], lcd: number, value: number): number {
  const rest = value % lcd;
  let n = Math.floor(value / lcd) * own.length;
  for (const p of own) {
    if (p >= rest) break;
    n++;
  }
  return n;
}

/**
 * k6's striping: positions 0..lcd-1 go one by one to the largest segment (by share) whose quota is due, so
 * each segment's positions are spread as evenly as they can be. `shares[i]` is segment i's length × lcd.
 */
function stripe(shares: readonly number[], lcd: number): number[][] {
  const order = shares.map((share, i) => ({ share, i })).sort((a, b) => b.share - a.share);
  const chosen = new Array<number>(order.length).fill(0);
  const members = shares.map(() => [] as number[]);
  for (let p = 0; p < lcd; p++) {
    for (let k = 0; k < order.length; k++) {
      const num = chosen[k] * lcd;
      const den = order[k].share;
      const q = Math.floor(num / den);
      if (p > q || (p === q && num % den === 0)) {
        chosen[k]++;
        members[order[k].i].push(p);
        break;
      }
    }
  }
  return members;
}

/**
 * The segment a process runs, from `--segment` and `--segment-sequence`:
 * - `i/n` (1 ≤ i ≤ n): the i-th of n equal segments;
 * - `from:to` (k6's `--execution-segment`, e.g. `1/3:2/3`, `0.5:1`, `25%:50%`), in `sequence` when given
 *   (k6's `--execution-segment-sequence`, e.g. `0,1/3,2/3,1`), else in the sequence that fills [0, 1] around it.
 * Throws a RangeError whose message says what is wrong.
 */
export function parseSegmentSpec(text: string, sequenceText?: string): SegmentTuple {
  const t = text.trim();
  const nth = /^(\d{1,6})\/(\d{1,6})$/.exec(t);
  if (nth && sequenceText === undefined) {
    const i = Number(nth[1]);
    const n = Number(nth[2]);
    if (n < 1 || i < 1 || i > n) throw new RangeError(`--segment ${t}: i/n needs 1 ≤ i ≤ n`);
    return SegmentTuple.nth(i, n);
  }
  const parts = t.split(':');
  if (parts.length !== 2) throw new RangeError(`--segment takes i/n (e.g. 2/3) or from:to (e.g. 1/3:2/3), got '${text}'`);
  const [from, to] = parts.map(parseRational);
  if (!from || !to || compare(from, to) >= 0) throw new RangeError(`--segment ${t}: from:to needs 0 ≤ from < to ≤ 1, as fractions, decimals or percentages`);
  const segment = { from, to };
  let sequence: Segment[];
  if (sequenceText !== undefined) {
    const points = sequenceText.split(',').map((p) => parseRational(p));
    if (points.length < 2 || points.some((p) => p === undefined)) throw new RangeError(`--segment-sequence takes points from 0 to 1 like 0,1/3,2/3,1, got '${sequenceText}'`);
    sequence = [];
    for (let i = 1; i < points.length; i++) sequence.push({ from: points[i - 1]!, to: points[i]! });
  } else {
    sequence = [segment];
    if (from.num !== 0) sequence.unshift({ from: rational(0, 1), to: from });
    if (compare(to, rational(1, 1)) !== 0) sequence.push({ from: to, to: rational(1, 1) });
  }
  const index = sequence.findIndex((s) => compare(s.from, from) === 0 && compare(s.to, to) === 0);
  if (index < 0) throw new RangeError(`--segment ${t} is not one of the segments of --segment-sequence ${sequenceText}`);
  return SegmentTuple.of(sequence, index);
}

/** The sequence's text form, `0,1/3,2/3,1`. */
export function formatSequence(sequence: readonly Segment[]): string {
  return [sequence[0].from, ...sequence.map((s) => s.to)].map(formatRational).join(',');
}

/** How a result file names its segment (RunResult.scenario): merge checks that a set of files covers the run. */
export function segmentIdentity(t: SegmentTuple): { segment: string; segmentIndex: number; segmentCount: number; segmentSequence: string } {
  return { segment: formatSegment(t.segment), segmentIndex: t.index + 1, segmentCount: t.sequence.length, segmentSequence: formatSequence(t.sequence) };
}
