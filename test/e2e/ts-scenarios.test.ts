// TypeScript scenarios through the built CLI: signup.ts stores valid users, errors exit 2 with file:line:col
// and no stack, a runtime error is reported at its .ts line and the run goes on, a scenario outside the repo
// imports 'runner', and validate --typecheck reports type errors (or says how to install TypeScript).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from './cli.ts';
import { createExampleApi } from '../../src/example/api.ts';
import type { RunResult } from '../../src/result/types.ts';
import { startTestServer } from '../helpers/server.ts';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const fixtures = join(repo, 'test', 'fixtures', 'ts');
const bin = join(repo, 'dist', 'cli', 'bin.js');
const dir = await mkdtemp(join(tmpdir(), 'runner-ts-'));
after(() => rm(dir, { recursive: true, force: true }));

function cli(args: string[], binPath = bin) {
  return runCli(args, { cwd: repo, bin: binPath });
}

test('signup.ts --iterations 2000 --vus 50 stores 2,000 valid users', async () => {
  const api = createExampleApi();
  const url = await api.listen();
  try {
    const out = join(dir, 'signup-ts.json');
    const { code, stderr } = await cli(['run', 'scenarios/signup.ts', '--target', url, '--iterations', '2000', '--vus', '50', '--out', out, '-q']);
    assert.equal(code, 0, stderr);
    const users = [...api.users().values()];
    assert.equal(users.length, 2000);
    assert.equal(api.stats().duplicates + api.stats().badRequests, 0);
    for (const u of users) {
      assert.match(u.userId, /^[A-Za-z]{8}$/);
      assert.match(u.userName, /^[가-힣]{3}$/);
      assert.match(u.email, /^[A-Za-z]{5}@gmail\.com$/);
      assert.match(u.userPw, /^[A-Za-z]{10}$/);
    }
    const result = JSON.parse(await readFile(out, 'utf8')) as RunResult;
    assert.deepEqual(result.totals.byStatus, { '200': 2000 });
    assert.equal(result.iterations.completed, 2000);
  } finally {
    await api.close();
  }
});

test('a TypeScript syntax error exits 2 with file.ts:line:col, the line and no stack', async () => {
  const { code, stdout, stderr } = await cli(['run', 'test/fixtures/ts/syntax-error.ts', '--target', 'http://127.0.0.1:9']);
  assert.equal(code, 2);
  assert.equal(stdout, '');
  // Diagnostics name files relative to the working directory (the repo here).
  assert.ok(stderr.startsWith('test/fixtures/ts/syntax-error.ts:3:36: error: Unexpected ";"\n'), stderr);
  assert.match(stderr, /3 \| const name = '김민준'; const broken = ;/);
  assert.doesNotMatch(stderr, /^\s+at /m);
});

test('a runtime error in an iteration is counted at its .ts line; the run completes', async () => {
  const server = await startTestServer({ behaviour: { kind: 'respond', status: 200, body: 'plain text' } });
  try {
    const out = join(dir, 'runtime-error.json');
    const { code, stdout, stderr } = await cli(['run', 'test/fixtures/ts/runtime-error.ts', '--target', server.url, '--out', out, '--no-color']);
    assert.equal(code, 0, stderr);
    assert.equal(server.count, 6);
    const file = join(fixtures, 'runtime-error.ts');
    assert.ok(stdout.includes(`3 × odd iteration  at ${file}:9:40`), stdout);
    const result = JSON.parse(await readFile(out, 'utf8')) as RunResult;
    assert.deepEqual(result.iterations, { started: 6, completed: 0, failed: 6, dropped: 0, aborted: 0 });
    assert.deepEqual(result.iterationErrors?.map((e) => [e.count, e.location]), [[3, `${file}:10:9`], [3, `${file}:9:40`]]);
  } finally {
    await server.close();
  }
});

test("a code scenario outside the repo imports 'runner' and runs its flow", async () => {
  const outside = await mkdtemp(join(tmpdir(), 'runner-outside-'));
  const api = createExampleApi();
  const url = await api.listen();
  try {
    await writeFile(
      join(outside, 'flow.mts'),
      [
        "import { defineScenario, type IterationContext } from 'runner';",
        'async function one({ http, gen, check }: IterationContext) {',
        "  const user = { userId: gen.uuid(), userName: gen.koreanName(), email: gen.email({ domain: 'x.org' }), userPw: gen.string(12) };",
        "  const res = await http.post('/signup', user);",
        "  check(res, { 'stored': (r) => r.status === 200 });",
        '}',
        "export default defineScenario({ load: { executor: 'shared-iterations', vus: 4, iterations: 40 }, iteration: one });",
      ].join('\n'),
    );
    const { code, stdout, stderr } = await cli(['run', join(outside, 'flow.mts'), '--target', url, '--no-color']);
    assert.equal(code, 0, stderr);
    assert.equal(api.stats().signups, 40);
    assert.match(stdout, /stored\s+40\s+0/);
    assert.match(stdout, /POST \/signup\s+40 /);
    assert.deepEqual((await readdir(outside)).sort(), ['flow.mts'], 'no temp module left');
  } finally {
    await api.close();
    await rm(outside, { recursive: true, force: true });
  }
});

test('validate --typecheck reports type errors at file:line:col and passes clean scenarios', async () => {
  const bad = await cli(['validate', '--typecheck', 'test/fixtures/ts/type-errors.ts']);
  assert.equal(bad.code, 2);
  const file = 'test/fixtures/ts/type-errors.ts';
  const heads = bad.stderr.split('\n').filter((l) => l.includes(': error: '));
  assert.deepEqual(heads, [
    `${file}:7:11: error: Type 'string' is not assignable to type 'number'.`,
    `${file}:8:40: error: Property 'statuz' does not exist on type 'HttpResponse'. Did you mean 'status'?`,
  ]);
  const typeOnly = await cli(['validate', '--typecheck', 'test/fixtures/ts/type-only-import.ts']);
  assert.equal(typeOnly.code, 2);
  assert.ok(typeOnly.stderr.startsWith(`test/fixtures/ts/type-only-import.ts:1:28: error: Cannot find module 'no-such-package-for-runner'`), typeOnly.stderr);
  const good = await cli(['validate', '--typecheck', 'scenarios/login-flow.ts']);
  assert.equal(good.code, 0, good.stderr);
  assert.match(good.stdout, /types: no errors \(tsc\)/);
});

test('validate --typecheck without TypeScript installed says how to add it', async () => {
  // A copy of the built runner whose node_modules has everything but typescript.
  const pkg = await mkdtemp(join(tmpdir(), 'runner-nots-'));
  try {
    await cp(join(repo, 'dist'), join(pkg, 'dist'), { recursive: true });
    const { name } = JSON.parse(await readFile(join(repo, 'package.json'), 'utf8')) as { name: string };
    await writeFile(join(pkg, 'package.json'), JSON.stringify({ name, type: 'module' }));
    await mkdir(join(pkg, 'node_modules'));
    for (const name of await readdir(join(repo, 'node_modules'))) {
      if (name !== 'typescript' && !name.startsWith('.')) await symlink(join(repo, 'node_modules', name), join(pkg, 'node_modules', name));
    }
    const scenario = join(pkg, 'scenario.ts');
    await writeFile(scenario, "import { defineScenario } from 'runner';\nexport default defineScenario({ load: { executor: 'shared-iterations' }, iteration: async () => {} });\n");
    const { code, stderr } = await cli(['validate', '--typecheck', scenario], join(pkg, 'dist', 'cli', 'bin.js'));
    assert.equal(code, 2);
    assert.match(stderr, /--typecheck needs the TypeScript compiler, which is not installed/);
    assert.match(stderr, /npm i -D typescript/);
  } finally {
    await rm(pkg, { recursive: true, force: true });
  }
});
