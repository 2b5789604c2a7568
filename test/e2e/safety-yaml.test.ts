// YAML scenarios are plain data: no tag can run code or build objects, and no key can reach a prototype.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { isUserError, type UserError } from '../../src/errors.ts';
import { loadYamlScenario } from '../../src/scenario/load-yaml.ts';

const exec = promisify(execFile);
const bin = fileURLToPath(new URL('../../dist/cli/bin.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'runner-safety-yaml-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const rest = 'target: http://127.0.0.1:1\nrequests:\n  - { name: hit, path: / }\nload: { executor: shared-iterations, vus: 1, iterations: 1 }\n';

function loadError(text: string): UserError {
  try {
    loadYamlScenario(text, '/virtual/s.yaml');
  } catch (err) {
    assert.ok(isUserError(err), `not a UserError: ${String(err)}`);
    return err as UserError;
  }
  assert.fail('loaded without an error');
}

const tags = [
  "!!js/function 'function () { return 1 }'",
  '!!js/regexp /x/',
  '!!js/undefined ~',
  "!!python/object/apply:os.system ['touch pwned']",
  '!!binary aGVsbG8=',
  '!!set { a }',
  '!!timestamp 2001-12-14',
  '!custom x',
  '!<tag:example.com,2000:app/foo> x',
];

for (const tag of tags) {
  test(`YAML tag ${tag.split(' ')[0]} is rejected with a position and a hint`, () => {
    const err = loadError(`name: ${tag}\n${rest}`);
    const d = err.diagnostics[0];
    assert.match(d.message, /^YAML: Unresolved tag/);
    assert.deepEqual([d.location?.line, d.location?.column], [1, 7]);
    assert.match(d.hint ?? '', /custom YAML tags are not supported/);
  });
}

test('the core schema tags still work: !!str, !!int', () => {
  const model = loadYamlScenario(`name: !!str 123\nseed: !!int "7"\n${rest}`, '/virtual/s.yaml');
  assert.equal(model.name, '123');
  assert.equal(model.seed, 7);
});

test('__proto__ keys are plain unknown keys and pollute nothing', () => {
  const err = loadError(`__proto__: { polluted: true }\n${rest}`);
  assert.match(err.diagnostics[0].message, /unknown key '__proto__'/);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  const err2 = loadError(`${rest}http:\n  __proto__: { insecure: true }\n`);
  assert.match(err2.diagnostics[0].message, /unknown key '__proto__' at 'http.__proto__'/);
});

test('a YAML function tag never runs, through the CLI: exit 2, no side effect', async () => {
  const marker = join(dir, 'pwned');
  const file = join(dir, 'evil.yaml');
  const js = `function () { require('fs').writeFileSync(${JSON.stringify(marker)}, 'x'); process.exit(7) }`;
  writeFileSync(file, `name: !!js/function ${JSON.stringify(js)}\n${rest}`);
  const r = await exec(process.execPath, [bin, 'run', file], { cwd: dir }).then(
    () => ({ code: 0, stderr: '' }),
    (e: { code: number; stderr: string }) => e,
  );
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^evil\.yaml:1:7: error: YAML: Unresolved tag: tag:yaml\.org,2002:js\/function$/m);
  assert.equal(existsSync(marker), false);
});
