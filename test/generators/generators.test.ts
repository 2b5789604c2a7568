// Generators: shapes, argument checks, size/at bijections, and unique fields through compileField.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isUserError, type UserError } from '../../src/errors.ts';
import { compileField, generators } from '../../src/generators/index.ts';
import { GIVEN_SYLLABLES, SURNAMES } from '../../src/generators/korean-name.ts';
import { createRng } from '../../src/generators/rng.ts';
import { GeneratorArgError, type FieldValue, type Generator } from '../../src/generators/types.ts';
import type { FieldSpec } from '../../src/scenario/model.ts';

const here = { file: '/x/test.yaml', line: 4, column: 3 };

function field(gen: string, args: Record<string, unknown>, unique = false, name = 'f'): FieldSpec {
  return { name, gen, args, unique, location: here };
}

/** n draws; a compiled field gets draw numbers 0..n-1, as a run gives them. */
function draws(g: { draw(rng: ReturnType<typeof createRng>, drawIndex: number): FieldValue }, n: number, seed = 1): FieldValue[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, (_, i) => g.draw(rng, i));
}

function argError(fn: () => unknown): GeneratorArgError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof GeneratorArgError, `expected GeneratorArgError, got ${String(err)}`);
    return err;
  }
  assert.fail('no error thrown');
}

function userError(fn: () => unknown): UserError {
  try {
    fn();
  } catch (err) {
    assert.ok(isUserError(err), `expected UserError, got ${String(err)}`);
    return err;
  }
  assert.fail('no error thrown');
}

/** Valid args per generator, plus one key given a value of the wrong type. */
const cases: { gen: keyof typeof generators; valid: Record<string, unknown>; wrong?: [string, unknown] }[] = [
  { gen: 'string', valid: { length: 8 }, wrong: ['length', '8'] },
  { gen: 'koreanName', valid: {}, wrong: ['given', 'two'] },
  { gen: 'email', valid: {}, wrong: ['domain', 5] },
  { gen: 'int', valid: { min: 1, max: 6 }, wrong: ['max', 6.5] },
  { gen: 'pick', valid: { values: ['a', 'b'] }, wrong: ['values', 'a,b'] },
  { gen: 'sequence', valid: {}, wrong: ['start', true] },
  { gen: 'uuid', valid: {} },
];

test('every factory accepts its valid args and rejects an unknown arg by name, with a did-you-mean', () => {
  for (const { gen, valid } of cases) {
    assert.doesNotThrow(() => generators[gen](valid), gen);
    const err = argError(() => generators[gen]({ ...valid, lenght: 3 }));
    assert.equal(err.key, 'lenght', gen);
    assert.match(err.message, /lenght/);
  }
  assert.match(argError(() => generators.string({ length: 8, charst: 'hex' })).hint ?? '', /did you mean 'charset'/);
});

test('every factory with arguments rejects a wrong type and names the key', () => {
  for (const { gen, valid, wrong } of cases) {
    if (!wrong) continue;
    const err = argError(() => generators[gen]({ ...valid, [wrong[0]]: wrong[1] }));
    assert.equal(err.key, wrong[0], gen);
    assert.ok(err.message.includes(`'${wrong[0]}'`), `${gen}: ${err.message}`);
  }
});

test('string: range checks on length and charset, chars/charset conflict, repeated chars', () => {
  assert.equal(argError(() => generators.string({})).key, 'length');
  assert.equal(argError(() => generators.string({ length: 0 })).key, 'length');
  assert.equal(argError(() => generators.string({ length: 4097 })).key, 'length');
  const bad = argError(() => generators.string({ length: 3, charset: 'alph' }));
  assert.equal(bad.key, 'charset');
  assert.match(bad.hint ?? '', /did you mean 'alpha'/);
  assert.equal(argError(() => generators.string({ length: 3, charset: 'hex', chars: 'ab' })).key, 'chars');
  assert.equal(argError(() => generators.string({ length: 3, chars: 'aba' })).key, 'chars');
});

test('string: alpha by default, named charsets respected', () => {
  for (const v of draws(generators.string({ length: 8 }), 1000)) assert.match(String(v), /^[a-zA-Z]{8}$/);
  for (const v of draws(generators.string({ length: 12, charset: 'hex' }), 1000)) assert.match(String(v), /^[0-9a-f]{12}$/);
  const all = draws(generators.string({ length: 1, charset: 'digits' }), 1000).join('');
  for (const d of '0123456789') assert.ok(all.includes(d), `digit ${d} never drawn`);
});

test('string: custom non-BMP chars count as one character each, and at() enumerates them', () => {
  const g = generators.string({ length: 4, chars: '😀a' });
  for (const v of draws(g, 200)) {
    const cps = Array.from(String(v));
    assert.equal(cps.length, 4);
    for (const c of cps) assert.ok(c === '😀' || c === 'a', `unexpected ${c}`);
  }
  assert.equal(g.size, 16);
  const all = new Set(Array.from({ length: 16 }, (_, i) => g.at!(i)));
  assert.equal(all.size, 16);
  assert.equal(g.at!(0), '😀😀😀😀');
  assert.equal(g.at!(15), 'aaaa');
});

test('string: size is |charset|^length, and absent when that is not a safe integer', () => {
  const g = generators.string({ length: 8 });
  assert.equal(g.size, 52 ** 8);
  assert.equal(g.at!(0), 'aaaaaaaa');
  assert.equal(g.at!(52 ** 8 - 1), 'ZZZZZZZZ');
  assert.equal(g.at!(52), 'aaaaaaba');
  assert.equal(g.at!(53), 'aaaaaabb');
  assert.equal(generators.string({ length: 10 }).size, undefined);
});

test('unique string of length 8 alpha: a million draws, no collision', () => {
  const f = compileField(field('string', { length: 8, charset: 'alpha' }, true, 'userId'), 42);
  const rng = createRng(1);
  const seen = new Set<FieldValue>();
  for (let i = 0; i < 1_000_000; i++) {
    const v = f.draw(rng, i) as string;
    assert.equal(v.length, 8);
    seen.add(v);
  }
  assert.equal(seen.size, 1_000_000);
});

test('koreanName: a surname from the surname set, then `given` syllables from the given-name set', () => {
  const surnames = new Set(SURNAMES);
  const given = new Set(GIVEN_SYLLABLES);
  assert.equal(SURNAMES.length, 82); // the seed's 100 surname runes, deduplicated
  assert.equal(GIVEN_SYLLABLES.length, 213);
  assert.ok(surnames.has('김') && surnames.has('황') && !surnames.has('가'));
  for (const n of [1, 2, 4]) {
    const args = n === 2 ? {} : { given: n };
    for (const v of draws(generators.koreanName(args), 2000)) {
      const chars = Array.from(String(v));
      assert.equal(chars.length, 1 + n);
      assert.ok(surnames.has(chars[0]), `surname ${chars[0]}`);
      for (const c of chars.slice(1)) assert.ok(given.has(c), `given syllable ${c}`);
    }
  }
  assert.equal(argError(() => generators.koreanName({ given: 5 })).key, 'given');
});

test('koreanName unique: every name once, then a clear exhaustion error', () => {
  const f = compileField(field('koreanName', { given: 1 }, true, 'userName'), 9);
  const size = 82 * 213;
  const rng = createRng(1);
  const seen = new Set<FieldValue>();
  for (let i = 0; i < size; i++) seen.add(f.draw(rng, i));
  assert.equal(seen.size, size);
  assert.throws(() => f.draw(rng, size), /unique values of field 'userName' exhausted after 17466 draws/);
});

test('email: the seed shape with length 5, alpha, gmail.com; lower@example.com by default', () => {
  const seedShape = generators.email({ length: 5, charset: 'alpha', domain: 'gmail.com' });
  for (const v of draws(seedShape, 1000)) assert.match(String(v), /^[a-zA-Z]{5}@gmail\.com$/);
  for (const v of draws(generators.email({}), 1000)) assert.match(String(v), /^[a-z]{8}@example\.com$/);
  assert.equal(seedShape.size, 52 ** 5);
  assert.equal(seedShape.at!(0), 'aaaaa@gmail.com');
  assert.equal(argError(() => generators.email({ domain: 'a@b.com' })).key, 'domain');
});

test('int: inclusive bounds, every value reached, 53-bit ranges, bad ranges', () => {
  const dice = generators.int({ min: 1, max: 6 });
  const seen = new Set(draws(dice, 1000));
  assert.deepEqual([...seen].sort(), [1, 2, 3, 4, 5, 6]);
  assert.equal(dice.size, 6);
  assert.equal(dice.at!(5), 6);
  const wide = generators.int({ min: -(2 ** 50), max: 2 ** 50 });
  let negative = 0;
  for (const v of draws(wide, 10_000)) {
    assert.ok(Number.isSafeInteger(v) && (v as number) >= -(2 ** 50) && (v as number) <= 2 ** 50);
    if ((v as number) < 0) negative++;
  }
  assert.ok(negative > 4500 && negative < 5500, `${negative} negative of 10000`);
  assert.equal(argError(() => generators.int({ min: 5, max: 4 })).key, 'max');
  assert.equal(argError(() => generators.int({ min: 0 })).key, 'max');
  assert.equal(argError(() => generators.int({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER })).key, 'max');
});

test('pick: uniform over values, weighted by weights, and only unweighted is enumerable', () => {
  const g = generators.pick({ values: ['a', 'b', 'a', 3] });
  assert.equal(g.size, 3);
  assert.deepEqual([0, 1, 2].map((i) => g.at!(i)), ['a', 'b', 3]);
  const weighted = generators.pick({ values: ['rare', 'common'], weights: [1, 3] });
  assert.equal(weighted.size, undefined);
  const common = draws(weighted, 20_000).filter((v) => v === 'common').length;
  assert.ok(Math.abs(common / 20_000 - 0.75) < 0.015, `common ${common / 20_000}`);
  assert.equal(argError(() => generators.pick({ values: ['a'], weights: [1, 2] })).key, 'weights');
  assert.equal(argError(() => generators.pick({ values: ['a', 'b'], weights: [1, 0] })).key, 'weights');
  assert.equal(argError(() => generators.pick({ values: [] })).key, 'values');
  assert.equal(argError(() => generators.pick({ values: [{ a: 1 }] })).key, 'values');
});

test('sequence: counts per instance, ignores the rng, pads with a prefix', () => {
  assert.deepEqual(draws(generators.sequence({}), 3), [1, 2, 3]);
  assert.deepEqual(draws(generators.sequence({ start: 10, step: -5 }), 3), [10, 5, 0]);
  const ids = generators.sequence({ prefix: 'user-', pad: 5, start: 41 });
  assert.deepEqual(draws(ids, 2, 1), ['user-00041', 'user-00042']);
  assert.equal(ids.at!(0), 'user-00041');
  assert.equal(argError(() => generators.sequence({ step: 0 })).key, 'step');
  assert.equal(argError(() => generators.sequence({ pad: 3 })).key, 'pad');
  const nearEnd = generators.sequence({ start: Number.MAX_SAFE_INTEGER - 1 });
  assert.equal(nearEnd.size, 2);
  draws(nearEnd, 2);
  assert.throws(() => nearEnd.draw(createRng(1)), /sequence exhausted after 2/);
});

test('unique sequence keeps its order (no permutation)', () => {
  const f = compileField(field('sequence', { prefix: 'u', pad: 3 }, true), 5);
  assert.deepEqual(draws(f, 3), ['u001', 'u002', 'u003']);
});

test('uuid: v4 layout with version and variant bits, reproducible from the seed', () => {
  const g = generators.uuid({});
  const values = draws(g, 10_000, 3);
  for (const v of values) assert.match(String(v), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(new Set(values).size, 10_000);
  assert.deepEqual(draws(g, 5, 3), values.slice(0, 5));
  assert.equal((g as Generator).size, undefined);
});

test('compileField: unknown generator → UserError at the field, with did-you-mean and the list', () => {
  const err = userError(() => compileField(field('strng', {}), 1));
  const d = err.diagnostics[0];
  assert.deepEqual(d.location, here);
  assert.match(d.message, /unknown generator 'strng'/);
  assert.match(d.hint ?? '', /did you mean 'string'\?/);
  assert.match(d.hint ?? '', /koreanName/);
  assert.match(userError(() => compileField(field('toString', {}), 1)).message, /unknown generator/);
});

test('compileField: bad args → UserError at the field naming the key', () => {
  const err = userError(() => compileField(field('string', { length: 8, charset: 'hexx' }), 1));
  assert.deepEqual(err.diagnostics[0].location, here);
  assert.match(err.diagnostics[0].message, /charset/);
  assert.match(err.diagnostics[0].hint ?? '', /did you mean 'hex'/);
});

test('compileField: unique on a generator with no finite space → UserError naming the ones that can', () => {
  for (const [gen, args] of [['uuid', {}], ['pick', { values: ['a', 'b'], weights: [1, 2] }]] as const) {
    const err = userError(() => compileField(field(gen, args, true), 1));
    assert.match(err.diagnostics[0].message, /cannot be unique/);
    assert.match(err.diagnostics[0].hint ?? '', /string, koreanName/);
  }
});

test('unique fields: reproducible per run seed, and uncorrelated between fields and seeds', () => {
  const spec = (name: string) => field('int', { min: 0, max: 999_999 }, true, name);
  const a = draws(compileField(spec('a'), 1), 100);
  assert.deepEqual(draws(compileField(spec('a'), 1), 100), a);
  const b = draws(compileField(spec('b'), 1), 100);
  const a2 = draws(compileField(spec('a'), 2), 100);
  assert.ok(a.filter((v, i) => v === b[i]).length < 3, 'fields a and b walk the same order');
  assert.ok(a.filter((v, i) => v === a2[i]).length < 3, 'run seeds 1 and 2 walk the same order');
  // Not the identity order either: a unique int should not read 0, 1, 2, …
  assert.ok(a.filter((v, i) => v === i).length < 3);
});

test('non-unique fields draw from the rng: the same seed repeats, another differs', () => {
  const f = compileField(field('string', { length: 10 }), 1);
  assert.deepEqual(draws(f, 50, 8), draws(f, 50, 8));
  assert.notDeepEqual(draws(f, 50, 8), draws(f, 50, 9));
});
