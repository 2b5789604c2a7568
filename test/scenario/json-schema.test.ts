// schema/scenario.schema.json: generated from the validator's key tables (npm run schema), it accepts every bundled
// scenario and rejects the structural cases of the bad-input corpus. Validated with ajv, as editors do.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { renderScenarioJsonSchema, scenarioJsonSchema, undescribedKeys } from '../../src/scenario/json-schema.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const bad = join(root, 'test/fixtures/bad');
const validate = new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync(join(root, 'schema/scenario.schema.json'), 'utf8')));

/** Bad-input fixtures whose problem is the file's shape: unknown keys, wrong types, out-of-range numbers, missing keys. */
const structural = [
  'bad-duration', 'bad-expect-status', 'bad-header-name', 'bad-method', 'bad-rate', 'bad-stage', 'bad-target-url', 'body-and-json',
  'empty-requests', 'executor-foreign-key', 'generator-and-validation-errors', 'generator-missing-gen', 'missing-requests', 'misspelt-load', 'negative-duration',
  'unknown-executor', 'unknown-generator', 'unknown-http-key', 'unknown-request-key', 'unknown-top-key', 'version-2', 'vus-over-limit',
  'wrong-type-insecure', 'wrong-type-requests', 'wrong-type-timeout', 'wrong-type-vus', 'yaml-empty', 'yaml-top-level-list', 'zero-rate', 'zero-vus',
  'ws-steps',
];
/** Problems that need context the schema does not have (other keys' values, files, env, placeholders, generator args): the validator's job. */
const semantic = [
  'bad-capture-path', 'bad-think-range', 'capture-used-before-defined', 'duplicate-request-names', 'env-var-missing',
  'generator-bad-arg-value', 'generator-unknown-arg', 'header-expect', 'header-value-crlf', 'header-value-korean', 'maxvus-below-preallocated',
  // load may come from CLI flags (--vus, --duration …), so the file may leave it out.
  'missing-load', 'missing-template-file', 'no-target', 'path-placeholder-no-field', 'path-space', 'placeholder-in-host', 'placeholder-no-field',
  'template-not-json', 'template-placeholder-no-field', 'template-unclosed-placeholder', 'threshold-unparsable', 'vus-more-than-iterations', 'zero-duration',
];
/** Not YAML data at all (the editor's YAML parser reports these), or YAML that only runner's parse rejects. */
const yamlLevel = [
  'yaml-alias-bomb', 'yaml-bad-indent', 'yaml-custom-tag-js-function', 'yaml-custom-tag-local', 'yaml-duplicate-key', 'yaml-tab-indent',
  'yaml-unclosed-bracket', 'yaml-unclosed-quote', 'yaml-unclosed-single-quote', 'unquoted-placeholder',
];

const errorsOf = () => (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`).join('; ');

test('every key of the validator has a description in the schema', () => {
  assert.deepEqual(undescribedKeys(), []);
});

test('schema/scenario.schema.json is what `npm run schema` generates now (run it after adding a key)', () => {
  assert.equal(readFileSync(join(root, 'schema/scenario.schema.json'), 'utf8'), renderScenarioJsonSchema());
});

test('the schema accepts every bundled scenario and the corpus\'s ok.yaml', () => {
  const files = [...readdirSync(join(root, 'scenarios')).filter((f) => /\.ya?ml$/.test(f)).map((f) => join(root, 'scenarios', f)), join(bad, 'ok.yaml')];
  assert.ok(files.length >= 3);
  for (const file of files) assert.ok(validate(parse(readFileSync(file, 'utf8'))), `${file}: ${errorsOf()}`);
});

test('the schema rejects every structural case of the bad-input corpus, and every fixture is classified', () => {
  const fixtures = readdirSync(bad).filter((f) => f.endsWith('.yaml') && f !== 'ok.yaml').map((f) => f.replace(/\.yaml$/, ''));
  const classified = [...structural, ...semantic, ...yamlLevel];
  assert.deepEqual(fixtures.filter((f) => !classified.includes(f)), [], 'new fixtures: add them to one of the lists');
  for (const name of structural) {
    const data = parse(readFileSync(join(bad, `${name}.yaml`), 'utf8'));
    assert.equal(validate(data), false, `${name} should be rejected`);
  }
  // The line between schema and validator is where this test says: the semantic cases pass the schema.
  const rejected = semantic.filter((name) => !validate(parse(readFileSync(join(bad, `${name}.yaml`), 'utf8'))));
  assert.deepEqual(rejected, [], 'these pass the schema (the validator catches them)');
});

test('the schema knows HTTP/2 and TLS keys, executors by name, and the rules tying keys together', () => {
  const base = { target: 'https://x.test', requests: [{ path: '/' }] };
  assert.ok(validate({ ...base, http: { version: 2, ca: 'ca.pem', cert: 'c.pem', key: 'k.pem' }, load: { executor: 'constant-vus', vus: 2, duration: '1m' } }), errorsOf());
  assert.equal(validate({ ...base, http: { cert: 'c.pem' } }), false, 'cert needs key');
  assert.equal(validate({ ...base, load: { executor: 'constant-vus', vus: 2, duration: '1m', rate: 3 } }), false, 'rate is not a constant-vus key');
  assert.equal(validate({ ...base, scenarios: { a: { load: { executor: 'shared-iterations' }, requests: [{ path: '/' }] } } }), false, 'scenarios with top-level requests');
  assert.ok(validate({ target: 'http://x.test', scenarios: { a: { load: { executor: 'shared-iterations' }, requests: [{ url: 'http://y.test/' }] } } }), errorsOf());
  assert.equal(validate({ ...base, requests: [{ path: '/', url: 'http://x/' }] }), false, 'path and url');
  assert.ok(JSON.stringify(scenarioJsonSchema()).includes('"ramping-arrival-rate"'));
});
