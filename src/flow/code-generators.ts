// `ctx.gen`: the YAML generators as functions drawing from the iteration's seeded stream. A generator is
// built once per distinct argument list and reused.
import { generators } from '../generators/index.ts';
import { GeneratorArgError, type FieldValue, type Generator, type Rng } from '../generators/types.ts';
import type { Generators } from './context.ts';

/** `rng()` returns the stream of the iteration in progress on this VU. */
export function createGenerators(rng: () => Rng): Generators {
  const cache = new Map<string, Generator>();
  const draw = (name: keyof typeof generators, args: Record<string, unknown>): FieldValue => {
    const key = `${name}:${JSON.stringify(args)}`;
    let g = cache.get(key);
    if (!g) {
      try {
        g = generators[name](args);
      } catch (err) {
        if (err instanceof GeneratorArgError) throw new TypeError(`gen.${name}: ${err.message}${err.hint ? ` (${err.hint})` : ''}`);
        throw err;
      }
      cache.set(key, g);
    }
    return g.draw(rng());
  };
  return {
    string: (length, charset) => String(draw('string', typeof charset === 'object' ? { length, chars: charset.chars } : { length, charset: charset ?? 'alpha' })),
    koreanName: (given) => String(draw('koreanName', given === undefined ? {} : { given })),
    email: (opts) => String(draw('email', { ...opts })),
    int: (min, max) => draw('int', { min, max }) as number,
    pick: (values, weights) => draw('pick', weights === undefined ? { values } : { values, weights }) as never,
    uuid: () => String(draw('uuid', {})),
    phone: (format) => String(draw('phone', format === undefined ? {} : { format })),
    date: (from, to, format) => String(draw('date', format === undefined ? { from, to } : { from, to, format })),
    float: (min, max, decimals) => draw('float', decimals === undefined ? { min, max } : { min, max, decimals }) as number,
    bool: (probability) => draw('bool', probability === undefined ? {} : { probability }) as boolean,
    regex: (pattern) => String(draw('regex', { pattern })),
  };
}
