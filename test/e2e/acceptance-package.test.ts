// runner installed outside this clone, as the README says: the package is named `runner-loadtest` (npm's `runner`
// belongs to someone else), its command is `runner`, and a TypeScript scenario elsewhere still imports 'runner'.
// Packs the built package with `npm pack` (no scripts, no registry) and runs the packed CLI from a temp project.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { repoRoot, runCli, tempDir } from './cli.ts';

let server: TestServer;
let dir: string;
let cleanup: () => Promise<void>;

before(async () => {
  server = await startTestServer();
  ({ dir, cleanup } = await tempDir('runner-package-'));
});
after(async () => {
  await server.close();
  await cleanup();
});

test('the packed package is runner-loadtest with a `runner` command, and a TS scenario outside the clone imports runner', async () => {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
  assert.equal(pkg.name, 'runner-loadtest');
  assert.deepEqual(Object.keys(pkg.bin), ['runner']);

  const packed = execFileSync('npm', ['pack', '--ignore-scripts', '--silent', '--pack-destination', dir], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 }).trim();
  assert.equal(packed, 'runner-loadtest-0.1.0.tgz', 'the file name the README tells to install');

  // What `npm i -D ./runner-loadtest-0.1.0.tgz` lays out, with the dependencies linked from this clone (their own dependencies resolve
  // from there through the links).
  const project = join(dir, 'project');
  const installed = join(project, 'node_modules', 'runner-loadtest');
  mkdirSync(installed, { recursive: true });
  execFileSync('tar', ['-xzf', join(dir, packed), '-C', installed, '--strip-components=1']);
  mkdirSync(join(installed, 'node_modules'));
  for (const dep of Object.keys(pkg.dependencies)) symlinkSync(join(repoRoot, 'node_modules', dep), join(installed, 'node_modules', dep));
  const scenario = join(project, 'hits.ts');
  writeFileSync(
    scenario,
    [
      "import { defineScenario } from 'runner';",
      'export default defineScenario({',
      `  target: '${server.url}',`,
      "  load: { executor: 'shared-iterations', vus: 2, iterations: 6 },",
      "  iteration: async ({ http, check }) => { const r = await http.get('/hit', { name: 'hit' }); check(r, { 'hit ok': (x) => x.status === 200 }); },",
      '});',
      '',
    ].join('\n'),
  );
  // dist/ bundles the packages a YAML run loads (scripts/build.mjs): their licences travel with it.
  const licences = readFileSync(join(installed, 'dist', 'THIRD-PARTY-LICENSES.txt'), 'utf8');
  const bundled = new Set<string>();
  for (const file of readdirSync(join(installed, 'dist'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js.map'))) {
    for (const source of (JSON.parse(readFileSync(join(installed, 'dist', file), 'utf8')) as { sources: string[] }).sources) {
      const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(source);
      if (m) bundled.add(m[1]);
    }
  }
  assert.ok(bundled.has('undici') && bundled.has('yaml'), [...bundled].join(', '));
  for (const name of bundled) assert.match(licences, new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} \\S+ — `, 'm'), `${name}'s licence is in dist/THIRD-PARTY-LICENSES.txt`);

  const before = server.count;
  const r = await runCli(['run', scenario, '--quiet', '--out', join(project, 'r.json')], { cwd: project, bin: join(installed, 'dist', 'cli', 'bin.js') });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(server.count - before, 6);
  assert.equal(JSON.parse(readFileSync(join(project, 'r.json'), 'utf8')).requests.hit.totals.byStatus['200'], 6);
});
