// Builds dist/ (`npm run build`): one esbuild bundle of the CLI, the public API and the example, with the
// runtime dependencies a YAML run loads (undici, commander, yaml, hdr-histogram-js and theirs) bundled in, so
// that Node compiles a few chunks instead of resolving, reading and wrapping ~150 CommonJS files one by one.
// Packages that only some runs need stay external and are loaded lazily where they are used. The licences of
// what is bundled are written to dist/THIRD-PARTY-LICENSES.txt. Plain JS: it runs before anything is built.
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist');

/** Loaded only by the runs that need them: TS/k6 scenarios, cookies, WebSockets, CSV data, remote write. */
const external = ['esbuild', 'acorn', 'tough-cookie', 'ws', 'csv-parse', 'snappyjs', 'typescript', 'tsx'];

// Stale chunks (their names carry a hash) would otherwise pile up in dist/ and in the packed package.
rmSync(outdir, { recursive: true, force: true });

const result = await build({
  absWorkingDir: root,
  entryPoints: ['src/cli/bin.ts', 'src/index.ts', 'src/example/main.ts', 'src/example/demo.ts'],
  bundle: true,
  splitting: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  external,
  sourcemap: true,
  outbase: 'src',
  outdir,
  metafile: true,
  logLevel: 'warning',
  // hdr-histogram-js finds zlib with eval('require("zlib")'), which resolves to the banner's `require` below.
  logOverride: { 'direct-eval': 'silent' },
  // Bundled CommonJS packages require Node built-ins; in an ES module `require` has to be made. (So no module of
  // runner may declare its own top-level `require`: the chunk would fail to load. Call createRequire's result
  // something else.)
  banner: { js: "import { createRequire as __runnerCreateRequire } from 'node:module'; const require = __runnerCreateRequire(import.meta.url);" },
});

writeFileSync(join(outdir, 'THIRD-PARTY-LICENSES.txt'), renderLicences(Object.keys(result.metafile.inputs)));

/** The name, version, licence and licence text of every package with a file in the bundle. */
function renderLicences(inputs) {
  const dirs = new Set();
  for (const input of inputs) {
    const m = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (m) dirs.add(m[1]);
  }
  const parts = [...dirs].sort().map((dir) => {
    const pkg = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
    const file = readdirSync(join(root, dir)).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f));
    const text = file !== undefined && existsSync(join(root, dir, file)) ? readFileSync(join(root, dir, file), 'utf8').trim() : `${pkg.license} (the package ships no licence file)`;
    return `${pkg.name} ${pkg.version} — ${pkg.license}\n\n${text}\n`;
  });
  return `runner's dist/ bundles these packages; their licences follow.\n\n${parts.join('\n' + '-'.repeat(72) + '\n\n')}`;
}
