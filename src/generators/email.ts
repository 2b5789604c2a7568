// Generator `email`: a random local part over a charset, then `@domain`.
import { checkKeys, intArg, stringArg } from './args.ts';
import { MAX_STRING_LENGTH, SymbolStringGenerator, symbolsArg } from './string.ts';
import { GeneratorArgError, type GeneratorFactory } from './types.ts';

export const email: GeneratorFactory = (args) => {
  checkKeys(args, ['length', 'charset', 'chars', 'domain']);
  const length = intArg(args, 'length', 1, MAX_STRING_LENGTH, 8);
  // Default `lower`, not the seed's `alpha`: mail systems fold case, so "Ab@x" and "ab@x" would be the
  // same account and a unique field could collide server-side. `charset: alpha` gives the seed's shape.
  const symbols = symbolsArg(args, 'lower');
  const domain = stringArg(args, 'domain', 'example.com')!;
  for (let i = 0; i < domain.length; i++) {
    const c = domain.charCodeAt(i);
    if (c <= 0x20 || c === 0x40 || c === 0x7f) {
      throw new GeneratorArgError(`argument 'domain' must not contain '@', spaces or control characters`, 'domain', 'e.g. domain: gmail.com');
    }
  }
  return new SymbolStringGenerator(symbols, length, `@${domain}`);
};
