// phone, date, float, bool, regex: format, range, unique exhaustion, argument errors, and gen.* in code.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isUserError } from '../../src/errors.ts';
import { createGenerators } from '../../src/flow/code-generators.ts';
import { compileField, generators } from '../../src/generators/index.ts';
import { createRng } from '../../src/generators/rng.ts';
import { GeneratorArgError, type FieldValue } from '../../src/generators/types.ts';

const here = { file: '/x/s.yaml', line: 3, column: 5 };
const spec = (gen: string, args: Record<string, unknown>, unique = false) => ({ name: 'f', gen, args, unique, location: here });

function drawMany(gen: string, args: Record<string, unknown>, n: number, seed = 7): FieldValue[] {
  const f = compileField(spec(gen, args), 1);
  const rng = createRng(seed);
  return Array.from({ length: n }, (_, i) => f.draw(rng, i));
}

/** Draws the whole space of a unique field, then one more: every value once, and the next draw throws. */
function exhaust(gen: string, args: Record<string, unknown>, size: number): FieldValue[] {
  const f = compileField(spec(gen, args, true), 42);
  const rng = createRng(1);
  // A run draws with global draw numbers 0, 1, 2, …
  const values = Array.from({ length: size }, (_, i) => f.draw(rng, i));
  assert.equal(new Set(values).size, size, `${gen}: unique values repeat`);
  assert.throws(() => f.draw(rng, size), /exhausted after \d+ draws/);
  return values;
}

function argError(fn: () => unknown): GeneratorArgError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof GeneratorArgError, String(err));
    return err;
  }
  assert.fail('no error');
}

test('phone: 010-XXXX-XXXX by default, a format of its own, unique over its 10^digits space', () => {
  for (const v of drawMany('phone', {}, 200)) assert.match(String(v), /^010-\d{4}-\d{4}$/);
  for (const v of drawMany('phone', { format: '+1 (XXX) 555-XXXX' }, 50)) assert.match(String(v), /^\+1 \(\d{3}\) 555-\d{4}$/);
  const all = exhaust('phone', { format: '02-XX' }, 100);
  assert.deepEqual([...all].sort(), Array.from({ length: 100 }, (_, i) => `02-${String(i).padStart(2, '0')}`));
  assert.equal(argError(() => generators.phone({ format: '010-1234' })).key, 'format');
  assert.equal(argError(() => generators.phone({ format: 'X'.repeat(16) })).key, 'format');
});

test('date: inside [from, to] in its format; unique walks every day (or second) once', () => {
  for (const v of drawMany('date', { from: '2024-02-27', to: '2024-03-02' }, 100)) {
    assert.ok(['2024-02-27', '2024-02-28', '2024-02-29', '2024-03-01', '2024-03-02'].includes(String(v)), String(v));
  }
  for (const v of drawMany('date', { from: '2024-01-01', to: '2024-12-31', format: 'DD/MM/YYYY HH:mm:ss' }, 100)) {
    assert.match(String(v), /^\d{2}\/\d{2}\/2024 \d{2}:\d{2}:\d{2}$/);
  }
  const days = exhaust('date', { from: '2024-02-27', to: '2024-03-02', format: 'YYYYMMDD' }, 5);
  assert.deepEqual([...days].sort(), ['20240227', '20240228', '20240229', '20240301', '20240302']);
  const secs = exhaust('date', { from: '2024-01-01T00:00:00Z', to: '2024-01-01T00:00:09Z', format: 'unix' }, 10);
  assert.deepEqual([...secs].sort(), Array.from({ length: 10 }, (_, i) => 1704067200 + i));
  for (const v of drawMany('date', { from: '2020-01-01', to: '2020-01-02', format: 'iso' }, 20)) assert.match(String(v), /^2020-01-0[12]T\d\d:\d\d:\d\d\.000Z$/);
  assert.equal(argError(() => generators.date({ from: '2024-01-01' })).key, 'to');
  assert.equal(argError(() => generators.date({ from: '2024-02-30', to: '2024-03-01' })).key, 'from');
  assert.equal(argError(() => generators.date({ from: '2024-03-01', to: '2024-02-01' })).key, 'to');
  assert.equal(argError(() => generators.date({ from: '2024-01-01', to: '2024-02-01', format: 'hello' })).key, 'format');
});

test('float: within [min, max] with at most `decimals` digits; unique exhausts the grid', () => {
  const values = drawMany('float', { min: 1.5, max: 2.25 }, 500) as number[];
  for (const v of values) {
    assert.ok(v >= 1.5 && v <= 2.25, String(v));
    assert.match(String(v), /^\d+(\.\d{1,2})?$/);
  }
  assert.ok(new Set(values).size > 50, 'draws spread over the grid');
  const all = exhaust('float', { min: 0, max: 1, decimals: 1 }, 11) as number[];
  assert.deepEqual([...all].sort((a, b) => a - b), [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]);
  assert.deepEqual(drawMany('float', { min: -3, max: 3, decimals: 0 }, 300).every((v) => Number.isInteger(v)), true);
  assert.equal(argError(() => generators.float({ min: 2, max: 1 })).key, 'max');
  assert.equal(argError(() => generators.float({ max: 1, decimals: 11 })).key, 'decimals');
  assert.equal(argError(() => generators.float({ min: 0.11, max: 0.19, decimals: 0 })).key, 'decimals');
});

test('bool: true and false, weighted by probability; unique gives each once', () => {
  const half = drawMany('bool', {}, 1000);
  const trues = half.filter((v) => v === true).length;
  assert.ok(trues > 400 && trues < 600, String(trues));
  assert.ok(half.every((v) => typeof v === 'boolean'));
  assert.ok(drawMany('bool', { probability: 0 }, 100).every((v) => v === false));
  assert.ok(drawMany('bool', { probability: 1 }, 100).every((v) => v === true));
  assert.deepEqual(new Set(exhaust('bool', {}, 2)), new Set([true, false]));
  assert.equal(argError(() => generators.bool({ probability: 1.5 })).key, 'probability');
});

test('regex: every string matches its pattern; a fixed shape is unique over its whole space', () => {
  const patterns = ['[A-Z]{3}-\\d{4}', '^(foo|bar|baz)_[a-f0-9]{2,6}$', 'x+y*z?', '[^a-z]{5}', '(?:ab|cd){2}\\.\\w\\s.', 'a{2,}b'];
  for (const p of patterns) {
    const re = new RegExp(`^(?:${p.replace(/^\^|\$$/g, '')})$`);
    for (const v of drawMany('regex', { pattern: p }, 200)) assert.match(String(v), re, `${p} → ${JSON.stringify(v)}`);
  }
  const codes = exhaust('regex', { pattern: '[AB]\\d' }, 20);
  assert.ok(codes.every((v) => /^[AB]\d$/.test(String(v))));
  const err = (() => {
    try {
      compileField(spec('regex', { pattern: 'a|b' }, true), 1);
    } catch (e) {
      return e;
    }
  })();
  assert.ok(isUserError(err) && /with this pattern cannot be unique/.test(err.diagnostics[0].message));
  for (const bad of ['(ab', '[a-', '*a', '(?=x)', '\\1', 'a{3,1}', '[z-a]', 'a{5000}']) {
    assert.equal(argError(() => generators.regex({ pattern: bad })).key, 'pattern', bad);
  }
});

test('gen.phone/date/float/bool/regex in code draw from the iteration stream: same seed, same values', () => {
  const run = (seed: number) => {
    const rng = createRng(seed);
    const gen = createGenerators(() => rng);
    return [gen.phone(), gen.phone('XX-XX'), gen.date('2024-01-01', '2024-12-31', 'YYYY/MM/DD'), gen.float(0, 10, 3), gen.bool(0.5), gen.regex('[a-z]{4}\\d')];
  };
  const a = run(5);
  assert.deepEqual(a, run(5));
  assert.match(a[0] as string, /^010-\d{4}-\d{4}$/);
  assert.match(a[1] as string, /^\d\d-\d\d$/);
  assert.match(a[2] as string, /^2024\/\d\d\/\d\d$/);
  assert.ok(typeof a[3] === 'number' && a[3] >= 0 && a[3] <= 10);
  assert.equal(typeof a[4], 'boolean');
  assert.match(a[5] as string, /^[a-z]{4}\d$/);
  assert.throws(() => createGenerators(() => createRng(1)).regex('(x'), /gen\.regex: argument 'pattern'/);
});
