// Generator `string`: `length` characters drawn uniformly from a named charset or a custom `chars` set.
import { didYouMean } from '../errors.ts';
import { checkKeys, describe, intArg } from './args.ts';
import { charsetNames, charsets, isCharsetName } from './charsets.ts';
import { isJsonPlain } from './plain.ts';
import { intBelow, limitOf } from './rng.ts';
import { GeneratorArgError, type FieldValue, type Generator, type GeneratorFactory, type Rng } from './types.ts';

export const MAX_STRING_LENGTH = 4096;

/**
 * Fixed-length strings over `symbols` (each one code point, so non-BMP characters count once), plus an
 * optional constant suffix (email's `@domain`). `size`/`at` exist when symbols^length is a safe integer.
 */
export class SymbolStringGenerator implements Generator {
  readonly size?: number;
  /** limitOf(symbols.length), computed once for every draw of every character. */
  private readonly limit: number;
  readonly plainString: boolean;

  constructor(
    private readonly symbols: readonly string[],
    private readonly length: number,
    private readonly suffix = '',
  ) {
    let size = 1;
    for (let i = 0; i < length && size <= Number.MAX_SAFE_INTEGER; i++) size *= symbols.length;
    if (size <= Number.MAX_SAFE_INTEGER) this.size = size;
    this.limit = limitOf(symbols.length);
    this.plainString = symbols.every(isJsonPlain) && isJsonPlain(suffix);
  }

  /** One string per character appended (measured: as fast as filling a reused code array, and simpler). */
  draw(rng: Rng): FieldValue {
    const symbols = this.symbols;
    const n = symbols.length;
    const limit = this.limit;
    let s = '';
    for (let i = 0; i < this.length; i++) s += symbols[intBelow(rng, n, limit)];
    return this.suffix === '' ? s : s + this.suffix;
  }

  /** `index` written in base |symbols|, most significant symbol first, padded to `length`. */
  at(index: number): FieldValue {
    const symbols = this.symbols;
    const n = symbols.length;
    let s = this.suffix;
    let x = index;
    for (let i = 0; i < this.length; i++) {
      const q = Math.floor(x / n);
      s = symbols[x - q * n] + s;
      x = q;
    }
    return s;
  }
}

/** Reads `charset` (default `fallback`) or `chars` into a list of distinct one-code-point strings. */
export function symbolsArg(args: Record<string, unknown>, fallback: keyof typeof charsets): string[] {
  if (args.chars !== undefined) {
    if (args.charset !== undefined) throw new GeneratorArgError("give either 'charset' or 'chars', not both", 'chars');
    const chars = args.chars;
    if (typeof chars !== 'string' || chars.length === 0) {
      throw new GeneratorArgError(`argument 'chars' must be a non-empty string, got ${describe(chars)}`, 'chars', "e.g. chars: 'abc123'");
    }
    const symbols = Array.from(chars);
    const seen = new Set<string>();
    for (const c of symbols) {
      const code = c.codePointAt(0)!;
      if (code >= 0xd800 && code <= 0xdfff) {
        throw new GeneratorArgError(`argument 'chars' holds a lone surrogate (U+${code.toString(16).toUpperCase()})`, 'chars', 'use whole characters');
      }
      if (seen.has(c)) {
        throw new GeneratorArgError(`argument 'chars' repeats ${JSON.stringify(c)}`, 'chars', 'list each character once (a repeat would skew the draw and break unique)');
      }
      seen.add(c);
    }
    return symbols;
  }
  const name = args.charset ?? fallback;
  if (typeof name !== 'string' || !isCharsetName(name)) {
    const guess = typeof name === 'string' ? didYouMean(name, charsetNames) : undefined;
    const list = `charsets: ${charsetNames.join(', ')}; or give 'chars' with your own characters`;
    throw new GeneratorArgError(`unknown charset ${describe(name)}`, 'charset', guess ? `${guess} (${list})` : list);
  }
  return Array.from(charsets[name]);
}

export const string: GeneratorFactory = (args) => {
  checkKeys(args, ['length', 'charset', 'chars']);
  const length = intArg(args, 'length', 1, MAX_STRING_LENGTH);
  return new SymbolStringGenerator(symbolsArg(args, 'alpha'), length);
};
