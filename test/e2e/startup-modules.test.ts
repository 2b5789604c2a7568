// What the built CLI loads, pinned: start-up time is mostly module loading (README "Benchmarks"), so a YAML run
// must load no esbuild, acorn, ws, tough-cookie, snappyjs, csv-parse or TypeScript, none of the HTML report,
// compare, k6-script-loader or TS-loader code, neither undici's package index nor Node's own bundled undici, and
// `--version` nothing beyond the CLI itself. The process runs under test/helpers/module-trace.mjs, which lists
// every module loaded; a dist/ chunk stands for the sources its source map names (what esbuild put in it).
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { binPath, repoRoot, spawnCollect, tempDir } from './cli.ts';

let server: TestServer;
let dir: string;
let cleanup: () => Promise<void>;

before(async () => {
  server = await startTestServer();
  ({ dir, cleanup } = await tempDir('runner-modules-'));
});
after(async () => {
  await server.close();
  await cleanup();
});

/** Runs the built CLI under the module trace; returns the exit code and every file loaded, relative to the repo (`node:` modules as they are). */
async function loadedBy(args: string[], name: string): Promise<{ code: number | null; stderr: string; files: string[] }> {
  const trace = join(dir, `${name}.trace`);
  const r = await spawnCollect(process.execPath, ['--import', join(repoRoot, 'test', 'helpers', 'module-trace.mjs'), binPath, ...args], {
    env: { RUNNER_MODULE_TRACE: trace },
    timeoutMs: 30_000,
  });
  const files = new Set<string>();
  for (const line of new Set(readFileSync(trace, 'utf8').split('\n'))) {
    if (line.startsWith('node:')) files.add(line);
    if (!line.startsWith('file:')) continue;
    const file = fileURLToPath(line);
    const map = `${file}.map`;
    if (file.startsWith(join(repoRoot, 'dist')) && existsSync(map)) {
      for (const source of (JSON.parse(readFileSync(map, 'utf8')) as { sources: string[] }).sources) files.add(relative(repoRoot, resolve(dirname(file), source)));
    } else files.add(relative(repoRoot, file));
  }
  return { code: r.code, stderr: r.stderr, files: [...files].sort() };
}

/** The npm packages among `files`, by name. */
function packagesOf(files: string[]): string[] {
  return [...new Set(files.map((f) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(f)?.[1]).filter((p) => p !== undefined))].sort();
}

test('a YAML run loads only undici, commander, yaml and hdr-histogram-js (with its pako and base64-js), and none of runner\'s code for other commands', async () => {
  const before = server.count;
  const { code, stderr, files } = await loadedBy(
    ['run', join(repoRoot, 'scenarios', 'signup.yaml'), '--target', server.url, '--vus', '1', '--iterations', '3', '--quiet', '--seed', '1', '--out', join(dir, 'r.json')],
    'yaml-run',
  );
  assert.equal(code, 0, stderr);
  assert.equal(server.count - before, 3, 'the run sent its requests');
  assert.ok(files.includes('src/run.ts') && files.includes('src/scenario/load-yaml.ts'), 'the trace sees the run path');

  assert.deepEqual(packagesOf(files), ['base64-js', 'commander', 'hdr-histogram-js', 'pako', 'undici', 'yaml']);
  const unwanted = files.filter(
    (f) =>
      /^src\/report\/(html|compare|render-compare|noise|plot|spectrum|svg-chart)/.test(f) ||
      /^src\/cli\/commands\/(?!run-command)[a-z0-9]+-command\.ts$/.test(f) ||
      // The k6 script loader (acorn, esbuild, the k6 modules); k6 metric merging is shared with result merging.
      /^src\/k6\/(load-k6|transform|bundle|runtime|instance|k6-modules|http-client|k6-flow)\.ts$/.test(f) ||
      /^src\/scenario\/(load-ts|locate-ts|script-location)\.ts$/.test(f) ||
      f === 'src/data/load-table.ts' ||
      // undici's index (fetch, WebSocket, mocks…) and the HistogramLogWriter (an Intl.NumberFormat at load).
      f === 'node_modules/undici/index.js' ||
      f === 'node_modules/hdr-histogram-js/dist/index.js' ||
      f === 'node_modules/hdr-histogram-js/dist/HistogramLogWriter.js' ||
      f.startsWith('node:internal/deps/undici'),
  );
  assert.deepEqual(unwanted, []);
});

test('--version loads the CLI and commander, nothing of a run', async () => {
  const { code, files } = await loadedBy(['--version'], 'version');
  assert.equal(code, 0);
  assert.deepEqual(packagesOf(files), ['commander']);
  // The flag parsers reach small helpers (executor table, durations, --tag labels, redaction); nothing that runs.
  const runPath = files.filter((f) => /^src\/(run|http|metrics|plan|flow|ws|workers)\b|^src\/scenario\/load|^src\/report\/(summary|html|compare)/.test(f));
  assert.deepEqual(runPath, []);
});
