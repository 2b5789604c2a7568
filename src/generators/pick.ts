// Generator `pick`: one of `values`, uniformly or by `weights`.
import { checkKeys, describe } from './args.ts';
import { isJsonPlain } from './plain.ts';
import { intBelow, limitOf } from './rng.ts';
import { GeneratorArgError, type FieldValue, type Generator, type GeneratorFactory, type Rng } from './types.ts';

class UniformPick implements Generator {
  readonly size: number;
  /** Duplicates in `values` weight the draw, but `at` enumerates each distinct value once (unique stays exact). */
  private readonly distinct: readonly FieldValue[];
  private readonly limit: number;
  readonly plainString: boolean;

  constructor(private readonly values: readonly FieldValue[]) {
    this.distinct = [...new Set(values)];
    this.size = this.distinct.length;
    this.limit = limitOf(values.length);
    this.plainString = values.every((v) => typeof v === 'string' && isJsonPlain(v));
  }

  draw(rng: Rng): FieldValue {
    return this.values[intBelow(rng, this.values.length, this.limit)];
  }

  at(index: number): FieldValue {
    return this.distinct[index];
  }
}

/** No size/at: a weighted draw has no "each value once" order that honours the weights. */
class WeightedPick implements Generator {
  /** cumulative[i] = weights[0] + … + weights[i]. */
  private readonly cumulative: Float64Array;
  private readonly total: number;
  readonly plainString: boolean;

  constructor(
    private readonly values: readonly FieldValue[],
    weights: readonly number[],
  ) {
    this.plainString = values.every((v) => typeof v === 'string' && isJsonPlain(v));
    this.cumulative = new Float64Array(weights.length);
    let sum = 0;
    for (let i = 0; i < weights.length; i++) this.cumulative[i] = sum += weights[i];
    this.total = sum;
  }

  draw(rng: Rng): FieldValue {
    const u = rng.nextFloat() * this.total;
    const c = this.cumulative;
    // First i with u < cumulative[i]; the last index also catches rounding at the very top.
    let lo = 0;
    let hi = c.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (u < c[mid]) hi = mid;
      else lo = mid + 1;
    }
    return this.values[lo];
  }
}

export const pick: GeneratorFactory = (args) => {
  checkKeys(args, ['values', 'weights']);
  const values = args.values;
  if (!Array.isArray(values) || values.length === 0) {
    throw new GeneratorArgError(`argument 'values' must be a non-empty list, got ${describe(values)}`, 'values', 'e.g. values: [free, pro, team]');
  }
  for (const v of values) {
    if (typeof v !== 'string' && !(typeof v === 'number' && Number.isFinite(v))) {
      throw new GeneratorArgError(`argument 'values' may hold only strings and numbers, found ${describe(v)}`, 'values');
    }
  }
  if (args.weights === undefined) return new UniformPick(values);
  const weights = args.weights;
  if (!Array.isArray(weights) || weights.length !== values.length) {
    throw new GeneratorArgError(`argument 'weights' must be a list as long as 'values' (${values.length})`, 'weights', 'one positive number per value');
  }
  for (const w of weights) {
    if (typeof w !== 'number' || !Number.isFinite(w) || w <= 0) {
      throw new GeneratorArgError(`argument 'weights' must hold positive numbers, found ${describe(w)}`, 'weights');
    }
  }
  return new WeightedPick(values, weights);
};
