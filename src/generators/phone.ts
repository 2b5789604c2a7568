// Generator `phone`: a phone number from a format where each `X` is a random digit; by default a Korean mobile
// number, `010-XXXX-XXXX`.
import { checkKeys, stringArg } from './args.ts';
import { isJsonPlain } from './plain.ts';
import { intBelow, limitOf } from './rng.ts';
import { GeneratorArgError, type FieldValue, type Generator, type GeneratorFactory, type Rng } from './types.ts';

export const DEFAULT_PHONE_FORMAT = '010-XXXX-XXXX';

/** More digits than this would make the value space larger than a safe integer: `unique` could not enumerate it. */
const MAX_DIGITS = 15;
const DIGITS: readonly string[] = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
const DIGIT_LIMIT = limitOf(10);

class PhoneGenerator implements Generator {
  readonly size: number;
  readonly plainString: boolean;

  constructor(
    /** The literal text between digit slots: parts[0] X parts[1] X … parts[n]. */
    private readonly parts: readonly string[],
  ) {
    this.size = 10 ** (parts.length - 1);
    this.plainString = parts.every(isJsonPlain);
  }

  draw(rng: Rng): FieldValue {
    const parts = this.parts;
    let s = parts[0];
    for (let i = 1; i < parts.length; i++) {
      s += DIGITS[intBelow(rng, 10, DIGIT_LIMIT)];
      // Mostly empty: the format's X's stand side by side.
      if (parts[i] !== '') s += parts[i];
    }
    return s;
  }

  /** `index` as decimal digits, most significant first, padded to the number of slots. */
  at(index: number): FieldValue {
    const digits = String(index).padStart(this.parts.length - 1, '0');
    let s = this.parts[0];
    for (let i = 1; i < this.parts.length; i++) s += digits[i - 1] + this.parts[i];
    return s;
  }
}

export const phone: GeneratorFactory = (args) => {
  checkKeys(args, ['format']);
  const format = stringArg(args, 'format', DEFAULT_PHONE_FORMAT)!;
  const parts = format.split('X');
  const digits = parts.length - 1;
  if (digits === 0) throw new GeneratorArgError(`argument 'format' has no 'X' (a random digit): ${JSON.stringify(format)}`, 'format', "e.g. format: '+1-XXX-XXX-XXXX'");
  if (digits > MAX_DIGITS) throw new GeneratorArgError(`argument 'format' has ${digits} 'X' digits; at most ${MAX_DIGITS}`, 'format');
  return new PhoneGenerator(parts);
};
