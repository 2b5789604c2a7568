// Generator `int`: a uniform integer in [min, max], both inclusive.
import { checkKeys, intArg } from './args.ts';
import { intBelow, limitOf } from './rng.ts';
import { GeneratorArgError, type FieldValue, type Generator, type GeneratorFactory, type Rng } from './types.ts';

const TWO_32 = 4294967296;
const TWO_53 = 9007199254740992;

class IntGenerator implements Generator {
  /** Values ≥ size in a 53-bit draw are rejected so every value stays equally likely. */
  private readonly limit53: number;
  /** limitOf(size) when size ≤ 2^32. */
  private readonly limit32: number;

  constructor(
    private readonly min: number,
    readonly size: number,
  ) {
    this.limit53 = TWO_53 - (TWO_53 % size);
    this.limit32 = size <= TWO_32 ? limitOf(size) : 0;
  }

  draw(rng: Rng): FieldValue {
    if (this.size <= TWO_32) return this.min + intBelow(rng, this.size, this.limit32);
    // Wider than 32 bits: build 53 bits from two draws and reject the top partial block.
    let x: number;
    do x = (rng.nextU32() & 0x1fffff) * TWO_32 + rng.nextU32();
    while (x >= this.limit53);
    return this.min + (x % this.size);
  }

  at(index: number): FieldValue {
    return this.min + index;
  }
}

export const int: GeneratorFactory = (args) => {
  checkKeys(args, ['min', 'max']);
  const min = intArg(args, 'min', Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, 0);
  const max = intArg(args, 'max', Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  if (max < min) throw new GeneratorArgError(`'max' (${max}) is below 'min' (${min})`, 'max', 'both bounds are inclusive');
  // Keep the count of values a safe integer, so draws and `at` stay exact.
  if (max - min >= Number.MAX_SAFE_INTEGER) {
    throw new GeneratorArgError('the range max − min is too wide', 'max', `keep max − min below ${Number.MAX_SAFE_INTEGER}`);
  }
  return new IntGenerator(min, max - min + 1);
};
