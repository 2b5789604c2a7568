// The explicit generator table, and compileField: a field spec → a bound draw function (unique or not).
import { didYouMean, UserError } from '../errors.ts';
import type { FieldSpec } from '../scenario/model.ts';
import { bool } from './bool.ts';
import { date } from './date.ts';
import { email } from './email.ts';
import { float } from './float.ts';
import { int } from './int.ts';
import { koreanName } from './korean-name.ts';
import { createPermutation } from './permute.ts';
import { phone } from './phone.ts';
import { pick } from './pick.ts';
import { regex } from './regex.ts';
import { deriveSeed, hashString } from './rng.ts';
import { sequence } from './sequence.ts';
import { string } from './string.ts';
import { GeneratorArgError, type FieldValue, type Generator, type GeneratorFactory, type Rng } from './types.ts';
import { uuid } from './uuid.ts';

/** Adding a generator = one file + one line here. */
export const generators = { string, koreanName, email, int, pick, sequence, uuid, phone, date, float, bool, regex } satisfies Record<string, GeneratorFactory>;

export type GeneratorName = keyof typeof generators;
export const generatorNames = Object.keys(generators) as GeneratorName[];

/** Generators whose plain draw already never repeats: `unique` keeps their order instead of permuting it. */
const inherentlyUnique: ReadonlySet<string> = new Set<GeneratorName>(['sequence']);

/** Generators that can be `unique` (they enumerate a finite space); for the error hint. */
const enumerable = ['string', 'koreanName', 'email', 'int', 'pick (without weights)', 'sequence', 'phone', 'date', 'float', 'bool', 'regex (one fixed shape: no | and fixed repeat counts)'];

/** A field ready for the hot path: one instance per field per run. */
export interface CompiledField {
  name: string;
  draw(rng: Rng): FieldValue;
}

class PlainField implements CompiledField {
  constructor(
    readonly name: string,
    private readonly gen: Generator,
  ) {}

  draw(rng: Rng): FieldValue {
    return this.gen.draw(rng);
  }
}

/**
 * Issues at(permute(0)), at(permute(1)), …: a keyed bijection over the generator's space, so values never
 * repeat and nothing issued is stored. The count is per field per run, hence independent of the rng.
 */
class UniqueField implements CompiledField {
  private count = 0;

  constructor(
    readonly name: string,
    private readonly gen: Generator & { at(index: number): FieldValue },
    private readonly size: number,
    private readonly permute: (index: number) => number,
  ) {}

  draw(): FieldValue {
    if (this.count >= this.size) {
      throw new Error(
        `unique values of field '${this.name}' exhausted after ${this.count} draws (its generator has only ${this.size} distinct values)`,
      );
    }
    return this.gen.at(this.permute(this.count++));
  }
}

/** Builds the field's generator; unknown generators and bad arguments become UserErrors at `spec.location`. */
export function compileField(spec: FieldSpec, runSeed: number): CompiledField {
  if (!Object.hasOwn(generators, spec.gen)) {
    const guess = didYouMean(spec.gen, generatorNames);
    const list = `generators: ${generatorNames.join(', ')}`;
    throw new UserError({
      message: `field '${spec.name}': unknown generator '${spec.gen}'`,
      location: spec.location,
      hint: guess ? `${guess} (${list})` : list,
    });
  }
  let gen: Generator;
  try {
    gen = generators[spec.gen as GeneratorName](spec.args);
  } catch (err) {
    if (!(err instanceof GeneratorArgError)) throw err;
    throw new UserError({ message: `field '${spec.name}' (gen ${spec.gen}): ${err.message}`, location: spec.location, hint: err.hint });
  }
  if (!spec.unique || inherentlyUnique.has(spec.gen)) return new PlainField(spec.name, gen);
  if (gen.size === undefined || gen.at === undefined) {
    throw new UserError({
      message: `field '${spec.name}': generator '${spec.gen}'${spec.gen === 'pick' ? ' with weights' : spec.gen === 'regex' ? ' with this pattern' : ''} cannot be unique`,
      location: spec.location,
      hint: `unique needs a finite space to enumerate: ${enumerable.join(', ')}`,
    });
  }
  // Keyed by the run seed and the field name, so two unique fields are not the same walk.
  const permute = createPermutation(gen.size, deriveSeed(runSeed, hashString(spec.name)));
  return new UniqueField(spec.name, gen as Generator & { at(index: number): FieldValue }, gen.size, permute);
}
