// The TypeScript loader: every failure is a UserError at the exact file:line:col of the user's source (one
// fixture per failure under test/fixtures/ts), good files load into the model, and no temp file is left behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isUserError, type Diagnostic, type UserError } from '../../src/errors.ts';
import { loadScriptScenario } from '../../src/scenario/load-ts.ts';
import { loadScenario } from '../../src/scenario/load.ts';

const fixtures = fileURLToPath(new URL('../fixtures/ts/', import.meta.url));
const repo = fileURLToPath(new URL('../../', import.meta.url));

async function loadError(name: string): Promise<Diagnostic[]> {
  try {
    await loadScriptScenario(join(fixtures, name));
  } catch (err) {
    assert.ok(isUserError(err), `expected a UserError, got ${String(err)}`);
    return (err as UserError).diagnostics;
  }
  assert.fail(`${name} loaded without an error`);
}

function where(d: Diagnostic): string {
  return d.location ? `${d.location.file.replace(fixtures, '')}:${d.location.line}:${d.location.column}` : '(none)';
}

test('syntax error: position in characters (not UTF-8 bytes) after Korean text, with the line', async () => {
  const [d, ...rest] = await loadError('syntax-error.ts');
  assert.equal(rest.length, 0);
  assert.equal(where(d), 'syntax-error.ts:3:36');
  assert.equal(d.message, 'Unexpected ";"');
  assert.equal(d.location?.lineText, "const name = '김민준'; const broken = ;");
  assert.equal(d.location?.lineText?.[d.location.column - 1], ';');
  assert.match(d.hint ?? '', /typecheck/);
});

test('a missing npm package is reported at its import, with how to install it', async () => {
  const [d] = await loadError('missing-package.ts');
  assert.equal(where(d), 'missing-package.ts:2:21');
  assert.equal(d.message, 'Could not resolve "no-such-package-for-runner"');
  assert.equal(d.hint, 'install it where the scenario is: npm i no-such-package-for-runner');
});

test('a type-only import of a missing module is erased: the scenario loads (tsc reports it, see validate --typecheck)', async () => {
  const model = await loadScriptScenario(join(fixtures, 'type-only-import.ts'));
  assert.equal(model.name, 'type-only-import');
  assert.equal(model.scenarios[0].flow.kind, 'function');
});

test('a throw at the top level points at the .ts line that threw', async () => {
  const [d] = await loadError('throw-at-top.ts');
  assert.equal(where(d), 'throw-at-top.ts:4:9');
  assert.equal(d.message, 'the scenario threw while loading: config file missing');
  assert.equal(d.location?.lineText, "  throw new Error('config file missing');");
});

test('unknown and bad keys of defineScenario are located in the source, every one of them', async () => {
  const ds = await loadError('unknown-key.ts');
  const byMessage = Object.fromEntries(ds.map((d) => [d.message, where(d)]));
  assert.deepEqual(byMessage, {
    "unknown key 'thinkTime' at 'thinkTime'": 'unknown-key.ts:12:3',
    "unknown key 'iteratons' at 'load.iteratons'": 'unknown-key.ts:10:5',
    "2 VUs for 1 iterations: some VUs would never run at 'load.vus'": 'unknown-key.ts:9:10',
  });
  assert.equal(ds.find((d) => d.message.includes('iteratons'))?.hint, "did you mean 'iterations'?");
});

test('a file exporting nothing usable, or k6-style, gets a hint', async () => {
  const [none] = await loadError('no-default.ts');
  assert.equal(none.message, 'the scenario exports nothing usable: no default export');
  assert.match(none.hint ?? '', /export default defineScenario/);
  const [k6] = await loadError('k6-style.ts');
  assert.equal(k6.message, "the scenario's default export is a function");
  assert.match(k6.hint ?? '', /iteration: async \(ctx\)/);
});

test('no temp module is left next to the fixtures', async () => {
  const left = (await readdir(fixtures)).filter((f) => f.startsWith('.runner-'));
  assert.deepEqual(left, []);
});

test("signup.ts is the same model as signup.yaml", async () => {
  const ts = await loadScenario('scenarios/signup.ts', repo);
  const yaml = await loadScenario('scenarios/signup.yaml', repo);
  const strip = (m: typeof ts) => JSON.parse(JSON.stringify({ ...m, file: '' }, (k, v) => (k === 'location' || k === 'pathLocation' ? undefined : v)));
  assert.deepEqual(strip(ts), strip(yaml));
});

test("a scenario outside the repo imports 'runner' and an npm package installed next to it", async () => {
  const dir = await mkdtemp(join(tmpdir(), 'runner-outside-'));
  try {
    const pkgDir = join(dir, 'node_modules', 'shout');
    await mkdir(pkgDir, { recursive: true });
    await writeFile(join(pkgDir, 'package.json'), JSON.stringify({ name: 'shout', type: 'module', exports: { import: './index.js' } }));
    await writeFile(join(pkgDir, 'index.js'), 'export const shout = (s) => s.toUpperCase() + "!";\n');
    await writeFile(
      join(dir, 'outside.ts'),
      [
        "import { defineScenario } from 'runner';",
        "import { shout } from 'shout';",
        "import { join } from 'node:path';",
        'export default defineScenario({',
        '  name: shout(join("a", "b")),',
        "  load: { executor: 'per-vu-iterations', vus: 3, iterations: 2 },",
        '  iteration: async () => {},',
        '});',
      ].join('\n'),
    );
    const model = await loadScriptScenario(join(dir, 'outside.ts'));
    assert.equal(model.name, 'A/B!');
    assert.deepEqual(model.scenarios[0].load, { executor: 'per-vu-iterations', vus: 3, iterations: 2, maxDurationMs: 600_000, startTimeMs: 0, gracefulStopMs: 30_000 });
    assert.deepEqual((await readdir(dir)).filter((f) => f.startsWith('.runner-')), []);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('.mjs and .js scenarios load too, with or without defineScenario', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'runner-js-'));
  try {
    await writeFile(join(dir, 'plain.mjs'), "export default { name: 'plain', requests: [{ path: '/x' }], load: { executor: 'shared-iterations', iterations: 3 } };\n");
    await writeFile(join(dir, 'code.js'), "import { defineScenario } from 'runner';\nexport default defineScenario({ load: { executor: 'constant-vus', vus: 2, duration: '1s' }, iteration: async () => {} });\n");
    const plain = await loadScriptScenario(join(dir, 'plain.mjs'));
    assert.equal(plain.scenarios[0].flow.kind, 'requests');
    assert.equal(plain.name, 'plain');
    const code = await loadScriptScenario(join(dir, 'code.js'));
    assert.equal(code.name, 'code');
    assert.deepEqual(code.scenarios[0].load, { executor: 'constant-vus', vus: 2, durationMs: 1000, startTimeMs: 0, gracefulStopMs: 30_000 });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("'iteration' must be a function, and cannot be combined with 'requests'", async () => {
  const dir = await mkdtemp(join(tmpdir(), 'runner-bad-'));
  try {
    const file = join(dir, 'both.ts');
    await writeFile(file, "export default {\n  requests: [{ path: '/x' }],\n  load: { executor: 'shared-iterations' },\n  iteration: 'nope',\n};\n");
    await assert.rejects(loadScriptScenario(file), (err: unknown) => {
      assert.ok(isUserError(err));
      assert.deepEqual(
        (err as UserError).diagnostics.map((d) => `${d.location?.line}:${d.location?.column} ${d.message}`),
        ["4:14 'iteration' must be a function", "2:3 give either 'requests' or 'iteration', not both"],
      );
      return true;
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
