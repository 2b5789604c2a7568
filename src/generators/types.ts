// The contract between field specs and the code that draws values.

/**
 * A value a field or capture holds; placeholders render it. Generators draw strings and numbers; a JSON capture
 * keeps its JSON type (number, boolean), so in a JSON value position it is sent as 42 or true, not "42"/"true".
 */
export type FieldValue = string | number | boolean;

/** A seeded pseudo-random stream (never Math.random). */
export interface Rng {
  /** Uniform 32-bit unsigned integer. */
  nextU32(): number;
  /** Uniform float in [0, 1). */
  nextFloat(): number;
  /** Uniform integer in [0, maxExclusive); maxExclusive ≤ 2^32. */
  int(maxExclusive: number): number;
}

/** One generator instance, built once per field with its arguments bound. */
export interface Generator {
  draw(rng: Rng): FieldValue;
  /**
   * Number of distinct values `at` can produce, when the space is finite and enumerable
   * (≤ Number.MAX_SAFE_INTEGER). Absent = the generator cannot be `unique`.
   */
  readonly size?: number;
  /** The value at position `index` in [0, size); a bijection, used for unique fields. */
  at?(index: number): FieldValue;
  /**
   * True when every value draw() and at() return is a string with nothing JSON must escape (isJsonPlain): a
   * JSON template then writes it between quotes as it is. Absent: values are checked as they are written.
   */
  readonly plainString?: boolean;
}

/** Thrown by a factory for bad arguments; the loader adds the file position. */
export class GeneratorArgError extends Error {
  constructor(
    message: string,
    /** The offending argument key, when one is to blame. */
    readonly key?: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'GeneratorArgError';
  }
}

export type GeneratorFactory = (args: Record<string, unknown>) => Generator;
