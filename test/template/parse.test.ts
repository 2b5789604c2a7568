// parseTemplate: the grammar as a table, and exact file positions for placeholders and errors.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isUserError, type Diagnostic } from '../../src/errors.ts';
import { parseTemplate } from '../../src/template/parse.ts';
import type { TemplatePart } from '../../src/template/types.ts';

const origin = { file: 'body.json', line: 1, column: 1 };

/** Parts without locations, as compact tuples: text, or [name, env]. */
function shape(parts: TemplatePart[]): (string | [string, boolean])[] {
  return parts.map((p) => (p.kind === 'text' ? p.text : [p.name, p.env]));
}

test('grammar table', () => {
  const table: [string, (string | [string, boolean])[]][] = [
    ['', []],
    ['plain {"a": 1}', ['plain {"a": 1}']],
    ['{{a}}', [['a', false]]],
    ['{{ userId }}', [['userId', false]]],
    ['{{\t_x9 \t}}', [['_x9', false]]],
    ['x{{env.HOME}}y', ['x', ['HOME', true], 'y']],
    ['{{ env.API_KEY }}', [['API_KEY', true]]],
    ['Bearer ${TOKEN}!', ['Bearer ', ['TOKEN', true], '!']],
    ['{{a}}{{b}}', [['a', false], ['b', false]]],
    ['{{{{a}}', ['{{a}}']],
    ['a {{{{ b }} {{c}}', ['a {{ b }} ', ['c', false]]],
    ['$${HOME} ${X}', ['${HOME} ', ['X', true]]],
    ['cost: $5, {a}, }}, $$, \\{', ['cost: $5, {a}, }}, $$, \\{']],
    ['"\\\\{{v}}"', ['"\\\\', ['v', false], '"']],
  ];
  for (const [text, expected] of table) assert.deepEqual(shape(parseTemplate(text, origin).parts), expected, JSON.stringify(text));
});

test('placeholders carry their 1-based position, across lines and from a shifted origin', () => {
  const t = parseTemplate('ab {{x}}\ncd\r\n  ${Y}', { file: 'f.yaml', line: 10, column: 5 });
  const [, x, , y] = t.parts;
  assert.ok(x.kind === 'placeholder' && y.kind === 'placeholder');
  assert.deepEqual(x.location, { file: 'f.yaml', line: 10, column: 8, lineText: '    ab {{x}}' });
  assert.deepEqual(y.location, { file: 'f.yaml', line: 12, column: 3, lineText: '  ${Y}' });
});

function parseError(text: string, at = origin): Diagnostic {
  try {
    parseTemplate(text, at);
  } catch (err) {
    assert.ok(isUserError(err), `expected a UserError for ${JSON.stringify(text)}, got ${String(err)}`);
    assert.equal(err.diagnostics.length, 1);
    return err.diagnostics[0];
  }
  assert.fail(`no error for ${JSON.stringify(text)}`);
}

test('error table: message, line, column, line text', () => {
  const table: [text: string, message: RegExp, line: number, column: number, lineText: string][] = [
    ['{\n  "a": 1,\n  "b": {{name\n}', /unclosed '\{\{'/, 3, 8, '  "b": {{name'],
    ['a\nb\nhello {{name', /unclosed '\{\{'/, 3, 7, 'hello {{name'],
    ['{{a\n}}', /unclosed/, 1, 1, '{{a'],
    ['{{a {{b}}', /unclosed/, 1, 1, '{{a {{b}}'],
    ['x {{ 1abc }}', /invalid placeholder name '1abc'/, 1, 6, 'x {{ 1abc }}'],
    ['{{a-b}}', /invalid placeholder name 'a-b'/, 1, 3, '{{a-b}}'],
    ['{{user.id.x}}', /invalid placeholder name 'user.id.x'/, 1, 3, '{{user.id.x}}'],
    ['{{env.}}', /invalid placeholder name 'env.'/, 1, 3, '{{env.}}'],
    ['ok\n {{ }}', /empty placeholder/, 2, 2, ' {{ }}'],
    ['${}', /must be followed by an environment variable name/, 1, 1, '${}'],
    ['line\n  ${HOME', /unclosed '\$\{HOME'/, 2, 3, '  ${HOME'],
    ['${A:-x}', /unclosed '\$\{A'/, 1, 1, '${A:-x}'],
    ['{{{a}}}', /invalid placeholder name '\{a'/, 1, 3, '{{{a}}}'],
  ];
  for (const [text, message, line, column, lineText] of table) {
    const d = parseError(text);
    assert.match(d.message, message, JSON.stringify(text));
    assert.deepEqual(d.location, { file: 'body.json', line, column, lineText }, JSON.stringify(text));
    assert.ok(d.hint && d.hint.length > 0, `no hint for ${JSON.stringify(text)}`);
  }
});

test('errors from a text that starts mid-line in its file (e.g. a YAML value)', () => {
  const d = parseError('Bearer {{tok', { file: 's.yaml', line: 7, column: 14 });
  assert.deepEqual(d.location, { file: 's.yaml', line: 7, column: 21, lineText: `${' '.repeat(13)}Bearer {{tok` });
  const d2 = parseError('a\r\nb\r\n  {{ x y }}', { file: 's.yaml', line: 7, column: 14 });
  assert.deepEqual(d2.location, { file: 's.yaml', line: 9, column: 6, lineText: '  {{ x y }}' });
});

test('unclosed-brace hint names the escape', () => {
  assert.match(parseError('{{').hint ?? '', /'\{\{\{\{'/);
});
