// compileTemplate: escaping per mode, JSON string context, constants, and a JSON round-trip property test.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { createRng } from '../../src/generators/rng.ts';
import type { FieldValue } from '../../src/generators/types.ts';
import { compileTemplate, placeholdersOf } from '../../src/template/compile.ts';
import { parseTemplate } from '../../src/template/parse.ts';
import type { EscapeMode, ResolvePlaceholder } from '../../src/template/types.ts';

const origin = { file: 't', line: 1, column: 1 };

/** Fields resolve to slots in order of `names`; env vars to constants from `env`. */
function compile(text: string, mode: EscapeMode, names: string[], env: Record<string, string> = {}) {
  const resolve: ResolvePlaceholder = (p) => {
    if (p.env) return { constant: env[p.name] };
    const slot = names.indexOf(p.name);
    if (slot === -1) throw new Error(`unknown ${p.name}`);
    return { slot };
  };
  return compileTemplate(parseTemplate(text, origin), mode, resolve);
}

test('text mode inserts values as they are', () => {
  const r = compile('Hi {{name}}, #{{n}}!', 'text', ['name', 'n']);
  assert.equal(r(['a"b\nc', 7]), 'Hi a"b\nc, #7!');
});

test('url mode percent-encodes, lone surrogates included', () => {
  const r = compile('/users/{{id}}?q={{q}}', 'url', ['id', 'q']);
  assert.equal(r(['a b/c', 'x&y=z']), '/users/a%20b%2Fc?q=x%26y%3Dz');
  assert.equal(r(['\ud800', '😀']), '/users/%EF%BF%BD?q=%F0%9F%98%80');
});

test('header mode replaces CR and LF by spaces', () => {
  const r = compile('Bearer {{tok}}', 'header', ['tok']);
  assert.equal(r(['abc\r\nX-Evil: 1\n']), 'Bearer abc  X-Evil: 1 ');
  assert.equal(r(['plain']), 'Bearer plain');
});

test('a template with no slots renders its constant text, env placeholders folded in and escaped', () => {
  const r = compile('{"k": "${KEY}", "raw": {{env.KEY}}, "lit": "{{{{x}}"}', 'json', [], { KEY: 'a"b' });
  const out = r([]);
  assert.equal(out, '{"k": "a\\"b", "raw": "a\\"b", "lit": "{{x}}"}');
  assert.deepEqual(JSON.parse(out), { k: 'a"b', raw: 'a"b', lit: '{{x}}' });
});

test('json mode: inside a string the value is escaped without quotes; outside it is a JSON value', () => {
  const r = compile('{"id": "u-{{n}}", "n": {{n}}, "s": {{s}}, "list": [{{s}}, "{{s}}"]}', 'json', ['n', 's']);
  const out = r([42, 'he said "hi"\\']);
  assert.deepEqual(JSON.parse(out), { id: 'u-42', n: 42, s: 'he said "hi"\\', list: ['he said "hi"\\', 'he said "hi"\\'] });
  assert.equal(JSON.parse(r([-1.5, 'x'])).n, -1.5);
});

test('json mode tracks escaped quotes and backslashes in the template text', () => {
  // "x\"{{v}}" — the escaped quote does not close the string: v is inside it.
  const inside = compile('{"a": "x\\"{{v}}"}', 'json', ['v']);
  assert.deepEqual(JSON.parse(inside(['"'])), { a: 'x""' });
  // "a\\": {{v}} — an escaped backslash, then the quote closes the key: v is a value.
  const outside = compile('{"a\\\\": {{v}}}', 'json', ['v']);
  assert.deepEqual(JSON.parse(outside(['q"'])), { 'a\\': 'q"' });
});

test('placeholdersOf lists the placeholders in order', () => {
  const t = parseTemplate('{{a}} ${B} {{a}}', origin);
  assert.deepEqual(placeholdersOf(t).map((p) => [p.name, p.env]), [['a', false], ['B', true], ['a', false]]);
});

const userTemplate = readFileSync(new URL('../../templates/user.json', import.meta.url), 'utf8');
const userFields = ['userId', 'userName', 'email', 'userPw'];

test('templates/user.json is valid JSON before substitution and uses the four fields', () => {
  assert.deepEqual(Object.keys(JSON.parse(userTemplate)), userFields);
  assert.deepEqual(placeholdersOf(parseTemplate(userTemplate, origin)).map((p) => p.name), userFields);
});

/** Pieces that break naive JSON templating; a random string is a concatenation of them. */
function hostilePiece(rng: ReturnType<typeof createRng>): string {
  switch (rng.int(12)) {
    case 0: return '"';
    case 1: return '\\';
    case 2: return String.fromCharCode(rng.int(0x20)); // U+0000–U+001F
    case 3: return rng.int(2) ? '\u2028' : '\u2029';
    case 4: return String.fromCharCode(0xd800 + rng.int(0x400)); // lone high surrogate
    case 5: return String.fromCharCode(0xdc00 + rng.int(0x400)); // lone low surrogate
    case 6: return '😀';
    case 7: return '{{';
    case 8: return '}}';
    case 9: return '</script>';
    case 10: return '한';
    default: return String.fromCharCode(0x61 + rng.int(26));
  }
}

test('property: 100,000 hostile strings through templates/user.json parse back exactly', () => {
  const render = compile(userTemplate, 'json', userFields);
  const rng = createRng(20240601);
  const vars: FieldValue[] = ['', '', '', ''];
  for (let n = 0; n < 100_000; n++) {
    for (let f = 0; f < 4; f++) {
      let s = '';
      const len = rng.int(9);
      for (let k = 0; k < len; k++) s += hostilePiece(rng);
      vars[f] = s;
    }
    // Parse what a server receives: the body as UTF-8 bytes, where a raw lone surrogate would turn into U+FFFD.
    const out = Buffer.from(render(vars), 'utf8').toString('utf8');
    let obj: Record<string, unknown>;
    try {
      obj = JSON.parse(out);
    } catch (err) {
      assert.fail(`not JSON for ${JSON.stringify(vars)}: ${String(err)}`);
    }
    assert.deepEqual(Object.keys(obj), userFields);
    for (let f = 0; f < 4; f++) {
      if (obj[userFields[f]] !== vars[f]) assert.fail(`${userFields[f]}: ${JSON.stringify(obj[userFields[f]])} ≠ ${JSON.stringify(vars[f])}`);
    }
  }
});

test('property: hostile strings and numbers outside quotes are JSON values that round-trip', () => {
  const render = compile('{"s": {{s}}, "n": {{n}}, "both": [{{n}}, {{s}}]}', 'json', ['s', 'n']);
  const rng = createRng(7);
  for (let i = 0; i < 20_000; i++) {
    let s = '';
    for (let k = rng.int(6); k > 0; k--) s += hostilePiece(rng);
    const n = rng.int(3) === 0 ? rng.int(1000) : (rng.nextFloat() - 0.5) * 10 ** rng.int(20);
    const out = Buffer.from(render([s, n]), 'utf8').toString('utf8');
    assert.deepEqual(JSON.parse(out), { s, n, both: [n, s] });
  }
});
