// Generator `sequence`: start, start+step, start+2·step, … as numbers, or as `prefix` + zero-padded digits;
// `repeat: N` issues each value N times in a row (rooms of N users: room-1 ×N, room-2 ×N, …).
import { checkKeys, intArg, stringArg } from './args.ts';
import { isJsonPlain } from './plain.ts';
import { GeneratorArgError, type FieldValue, type Generator, type GeneratorFactory } from './types.ts';

const MAX = Number.MAX_SAFE_INTEGER;

/**
 * Counts per instance and ignores the rng: the plan builds one instance per field per run, and the run is
 * single-threaded, so the values are issued in order without gaps or repeats.
 */
class SequenceGenerator implements Generator {
  readonly size: number;
  /** With a prefix every value is a string: the prefix, perhaps '-', then digits. */
  readonly plainString: boolean;
  private count = 0;

  constructor(
    private readonly start: number,
    private readonly step: number,
    private readonly prefix: string | undefined,
    private readonly pad: number,
    private readonly repeat: number,
  ) {
    // Values are issued while they stay safe integers; size is how many that is.
    const span = step > 0 ? MAX - start : start + MAX;
    let size = Math.min(MAX, Math.floor(span / Math.abs(step)) + 1);
    // span may have been rounded above 2^53; step back until the last value really is safe.
    while (size > 1 && !Number.isSafeInteger(start + (size - 1) * step)) size--;
    this.size = Math.min(MAX, size * repeat);
    this.plainString = prefix !== undefined && isJsonPlain(prefix);
  }

  draw(): FieldValue {
    if (this.count >= this.size) {
      throw new Error(`sequence exhausted after ${this.count} values (the next would not be a safe integer)`);
    }
    return this.at(this.count++);
  }

  at(index: number): FieldValue {
    const n = this.start + Math.floor(index / this.repeat) * this.step;
    if (this.prefix === undefined) return n;
    if (n < 0) return `${this.prefix}-${String(-n).padStart(this.pad, '0')}`;
    return this.prefix + String(n).padStart(this.pad, '0');
  }
}

export const sequence: GeneratorFactory = (args) => {
  checkKeys(args, ['start', 'step', 'prefix', 'pad', 'repeat']);
  const start = intArg(args, 'start', -MAX, MAX, 1);
  const step = intArg(args, 'step', -MAX, MAX, 1);
  if (step === 0) throw new GeneratorArgError("argument 'step' must not be 0", 'step', 'a zero step repeats one value forever');
  const prefix = stringArg(args, 'prefix', undefined, true);
  const pad = intArg(args, 'pad', 0, 20, 0);
  if (pad > 0 && prefix === undefined) {
    throw new GeneratorArgError("argument 'pad' needs 'prefix'", 'pad', "padded values are strings: add e.g. prefix: 'user-' (or prefix: '' for bare digits)");
  }
  const repeat = intArg(args, 'repeat', 1, 1_000_000_000, 1);
  return new SequenceGenerator(start, step, prefix, pad, repeat);
};
