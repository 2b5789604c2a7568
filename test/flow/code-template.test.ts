// template() of the public API: the YAML templates, rendered from a record, JSON-safe, strict on missing values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { template } from '../../src/index.ts';

test('renders JSON-safe from a record, reusing the compiled template', () => {
  const user = template('{ "userId": "{{userId}}", "age": {{age}}, "again": "{{userId}}" }');
  const body = user({ userId: 'a"b\\c', age: 7, extra: 'ignored' });
  assert.deepEqual(JSON.parse(body), { userId: 'a"b\\c', age: 7, again: 'a"b\\c' });
  assert.equal(user({ userId: 'x', age: 'y' }), '{ "userId": "x", "age": "y", "again": "x" }');
  assert.equal(template('id={{id}}', 'text')({ id: 'a b' }), 'id=a b');
});

test('a missing value or an env placeholder is an error naming it', () => {
  assert.throws(() => template('{{a}}{{b}}', 'text')({ a: 1 }), /no value for \{\{b\}\}/);
  assert.throws(() => template('{{env.HOME}}', 'text'), /process\.env\.HOME/);
  assert.throws(() => template('{{oops', 'text'), /unclosed|'\}\}'/i);
});
