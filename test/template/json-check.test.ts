// findJsonTemplateError: a `.json` template is JSON whatever its placeholders hold (table test).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findJsonTemplateError } from '../../src/template/json-check.ts';
import { inlineJsonTemplate } from '../../src/scenario/request-body.ts';

test('templates that render JSON whatever the values are', () => {
  for (const t of [
    '{}',
    '[]',
    ' {"a": {{x}}, "b": "{{y}}", "c": [{{x}}, ${TOKEN}, "${TOKEN}"]}\n',
    '{"a": "x{{y}}z", "b": "\\"{{y}}\\u00e9", "n": -0.5e-3, "t": true, "f": false, "z": null}',
    '{{x}}',
    '"{{{{ literal"',
  ]) {
    assert.equal(findJsonTemplateError(t), undefined, t);
  }
});

test('templates that cannot render JSON: first error and its offset', () => {
  const cases: [string, number, RegExp][] = [
    ['{"a": 1,}', 8, /trailing comma/],
    ['[1, 2,]', 6, /trailing comma/],
    ['{"a": x}', 6, /'x' cannot start a JSON value/],
    ["{'a': 1}", 1, /double-quoted/],
    ['{"a": {{x}}y}', 11, /expected ',' or '}'/],
    ['{ {{k}}: 1 }', 2, /key must be a double-quoted string/],
    ['{"a": "b\n"}', 8, /control character/],
    ['{"a": "\\x"}', 7, /not a JSON escape/],
    ['{"a": 01}', 7, /expected ',' or '}'/],
    ['{"a": {{{{x}}}}}', 6, /escaped literal/],
    ['{"a": 1} {"b": 2}', 9, /after the JSON value/],
    ['', 0, /ends where a value should be/],
    ['{"a": "open', 6, /never closed/],
  ];
  for (const [text, offset, message] of cases) {
    const e = findJsonTemplateError(text);
    assert.ok(e, `no error for ${JSON.stringify(text)}`);
    assert.equal(e.offset, offset, `${JSON.stringify(text)}: ${e.message}`);
    assert.match(e.message, message);
  }
});

test('inline json: a whole-placeholder string is written bare (value position), any other string quoted', () => {
  assert.equal(
    inlineJsonTemplate({ a: '{{x}}', b: '{{ env.T }}', c: '${T}', d: 'id-{{x}}', e: ['{{x}}', 1, true, null], f: { g: '{{x}} ' }, 'k"': 'v' }),
    '{"a":{{x}},"b":{{ env.T }},"c":${T},"d":"id-{{x}}","e":[{{x}},1,true,null],"f":{"g":"{{x}} "},"k\\"":"v"}',
  );
  assert.equal(inlineJsonTemplate('{{x}}'), '{{x}}');
  assert.equal(inlineJsonTemplate('{{x}}{{y}}'), '"{{x}}{{y}}"');
});
