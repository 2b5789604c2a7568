// Generator `float`: a number in [min, max] with `decimals` digits after the point (default 2), uniform over
// that grid: the value is k / 10^decimals for an integer k, so the space is finite and `unique` can enumerate it.
import { checkKeys, describe, intArg } from './args.ts';
import { intBelow, limitOf } from './rng.ts';
import { GeneratorArgError, type FieldValue, type Generator, type GeneratorFactory, type Rng } from './types.ts';

const TWO_32 = 4294967296;

class FloatGenerator implements Generator {
  /** limitOf(size) when size ≤ 2^32. */
  private readonly limit32: number;

  constructor(
    /** min × 10^decimals, an integer. */
    private readonly first: number,
    readonly size: number,
    private readonly scale: number,
  ) {
    this.limit32 = size <= TWO_32 ? limitOf(size) : 0;
  }

  draw(rng: Rng): FieldValue {
    // Above 2^32 grid points a 53-bit float picks the point (unbiased enough at that width, and exact below it).
    const k = this.size <= TWO_32 ? intBelow(rng, this.size, this.limit32) : Math.floor(rng.nextFloat() * this.size);
    return this.at(k);
  }

  at(index: number): FieldValue {
    // Dividing (not multiplying by 0.01) gives the shortest decimal: 1234 / 100 is 12.34 exactly as printed.
    return (this.first + index) / this.scale;
  }
}

export const float: GeneratorFactory = (args) => {
  checkKeys(args, ['min', 'max', 'decimals']);
  const decimals = intArg(args, 'decimals', 0, 10, 2);
  const scale = 10 ** decimals;
  const min = numberArg(args, 'min', 0);
  const max = numberArg(args, 'max');
  if (max < min) throw new GeneratorArgError(`'max' (${max}) is below 'min' (${min})`, 'max', 'both bounds are inclusive');
  // The grid points inside [min, max]; rounded inward so every value drawn lies in the range.
  const first = Math.ceil(round(min * scale));
  const last = Math.floor(round(max * scale));
  if (last < first) throw new GeneratorArgError(`no value with ${decimals} decimals lies between ${min} and ${max}`, 'decimals', 'allow more decimals or widen the range');
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(last) || last - first + 1 > Number.MAX_SAFE_INTEGER) {
    throw new GeneratorArgError('the range is too wide for that many decimals', 'max', 'use fewer decimals or a narrower range');
  }
  return new FloatGenerator(first, last - first + 1, scale);
};

/** 12.34 × 100 is 1233.9999999999998: undo the binary rounding before ceil/floor. */
function round(x: number): number {
  const r = Math.round(x);
  return Math.abs(x - r) < 1e-6 ? r : x;
}

function numberArg(args: Record<string, unknown>, key: string, fallback?: number): number {
  const v = args[key];
  if (v === undefined && fallback !== undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new GeneratorArgError(
      v === undefined ? `missing required argument '${key}'` : `argument '${key}' must be a number, got ${describe(v)}`,
      key,
      `e.g. ${key}: 9.99`,
    );
  }
  return v;
}
