// Generator `bool`: true with probability `probability` (default 0.5), else false.
import { checkKeys, describe } from './args.ts';
import { GeneratorArgError, type FieldValue, type Generator, type GeneratorFactory, type Rng } from './types.ts';

class BoolGenerator implements Generator {
  readonly size = 2;

  constructor(private readonly probability: number) {}

  draw(rng: Rng): FieldValue {
    return rng.nextFloat() < this.probability;
  }

  at(index: number): FieldValue {
    return index === 1;
  }
}

export const bool: GeneratorFactory = (args) => {
  checkKeys(args, ['probability']);
  const p = args.probability ?? 0.5;
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
    throw new GeneratorArgError(`argument 'probability' must be a number from 0 to 1, got ${describe(p)}`, 'probability', 'the chance of true, e.g. probability: 0.3');
  }
  return new BoolGenerator(p);
};
