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
  /**
   * The field's value for the draw numbered `drawIndex` (0-based, unique across the whole run and all its
   * segments and workers: the run derives it from the global iteration number); random values come from `rng`.
   */
  draw(rng: Rng, drawIndex: number): FieldValue;
  /** Every value is a string JSON takes as it is (Generator.plainString). */
  readonly plainString: boolean;
}

class PlainField implements CompiledField {
  readonly plainString: boolean;

  constructor(
    readonly name: string,
    private readonly gen: Generator,
  ) {
    this.plainString = gen.plainString === true;
  }

  draw(rng: Rng): FieldValue {
    return this.gen.draw(rng);
  }
}

/**
 * Issues at(permute(drawIndex)): a keyed bijection over the generator's space, so values never repeat and
 * nothing issued is stored. The index is the run's global draw number, not a counter of this process, so
 * segments and workers never issue the same value. `permute` absent: at(drawIndex) in order (sequence).
 */
class IndexedField implements CompiledField {
  readonly plainString: boolean;

  constructor(
    readonly name: string,
    private readonly gen: Generator & { at(index: number): FieldValue },
    private readonly size: number,
    private readonly permute: ((index: number) => number) | undefined,
    private readonly what: 'unique values of field' | 'sequence of field',
  ) {
    this.plainString = gen.plainString === true;
  }

  draw(_rng: Rng, drawIndex: number): FieldValue {
    // The message names no draw number: every failing draw of the run then counts under one message.
    if (drawIndex >= this.size) {
      throw new Error(`${this.what} '${this.name}' exhausted after ${this.size} draws (its generator has only ${this.size} distinct values)`);
    }
    return this.gen.at(this.permute ? this.permute(drawIndex) : drawIndex);
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
  // A sequence counts by the global draw number, so segments and workers continue one sequence between them.
  if (inherentlyUnique.has(spec.gen) && gen.size !== undefined && gen.at !== undefined) {
    return new IndexedField(spec.name, gen as Generator & { at(index: number): FieldValue }, gen.size, undefined, 'sequence of field');
  }
  if (!spec.unique) return new PlainField(spec.name, gen);
  if (gen.size === undefined || gen.at === undefined) {
    throw new UserError({
      message: `field '${spec.name}': generator '${spec.gen}'${spec.gen === 'pick' ? ' with weights' : spec.gen === 'regex' ? ' with this pattern' : ''} cannot be unique`,
      location: spec.location,
      hint: `unique needs a finite space to enumerate: ${enumerable.join(', ')}`,
    });
  }
  // Keyed by the run seed and the field name, so two unique fields are not the same walk.
  const permute = createPermutation(gen.size, deriveSeed(runSeed, hashString(spec.name)));
  return new IndexedField(spec.name, gen as Generator & { at(index: number): FieldValue }, gen.size, permute, 'unique values of field');
}
