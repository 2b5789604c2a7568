// Loads a TypeScript/JavaScript scenario: esbuild bundles it for Node (ESM, inline source map, npm packages
// left external), the output is written next to the scenario (so its bare imports resolve from there),
// imported, and deleted. `import … from 'runner'` is mapped to this runner's own entry, wherever the file is.
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import { createRequire, isBuiltin } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { randomBytes } from 'node:crypto';
import { build, type BuildFailure, type Message, type Plugin } from 'esbuild';
import { UserError, type Diagnostic, type Location } from '../errors.ts';
import { createSourceLocator } from './locate-ts.ts';
import type { FlowSpec, TestModel } from './model.ts';
import { inlineSourceMap, locateScriptError, type ScriptOrigin } from './script-location.ts';
import { validateScenario } from './validate.ts';

/** The package root of the running runner and the entry `import 'runner'` must load. */
export interface RunnerPackage {
  root: string;
  /** `dist/index.js` when running built, `src/index.ts` when running from sources (tests under tsx). */
  entry: string;
  /** `src/index.ts`: the types a scenario is checked against. */
  typesEntry: string;
}

let runnerPackage: RunnerPackage | undefined;

/**
 * The name runner is published under (npm's `runner` belongs to someone else); the command and the name scenarios
 * import stay `runner`.
 */
export const PACKAGE_NAME = 'runner-loadtest';

/** Finds the runner package from this module's own URL: the nearest package.json named PACKAGE_NAME above it. */
export function findRunnerPackage(): RunnerPackage {
  if (runnerPackage) return runnerPackage;
  const here = fileURLToPath(import.meta.url);
  let dir = dirname(here);
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === PACKAGE_NAME) break;
    const up = dirname(dir);
    if (up === dir) throw new Error(`runner: cannot find runner's package.json above ${here}`);
    dir = up;
  }
  const fromSources = here.startsWith(join(dir, 'src') + '/') || here.endsWith('.ts');
  runnerPackage = {
    root: dir,
    entry: join(dir, fromSources ? 'src/index.ts' : 'dist/index.js'),
    typesEntry: join(dir, 'src/index.ts'),
  };
  return runnerPackage;
}

/** Maps `runner` to the running package, and checks that every other bare import is installed. */
function resolvePlugin(entry: string): Plugin {
  return {
    name: 'runner',
    setup(b) {
      b.onResolve({ filter: /^runner$/ }, () => ({ path: pathToFileURL(entry).href, external: true }));
      // `packages: 'external'` would defer a missing package to import time, with no position: check it now.
      b.onResolve({ filter: /^[^./]/ }, (args) => {
        if (isBuiltin(args.path)) return undefined;
        try {
          createRequire(join(args.resolveDir, 'noop.js')).resolve(args.path);
        } catch (err) {
          // An ESM-only package has no `require` export: it is installed, Node's import will find it.
          if ((err as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') {
            return { errors: [{ text: `Could not resolve "${args.path}"`, detail: 'package' }] };
          }
        }
        return { path: args.path, external: true };
      });
    },
  };
}

/** Compiles, imports and validates a `.ts/.mts/.js/.mjs` scenario. Throws UserError for anything the user can fix. */
export async function loadScriptScenario(file: string, opts: { loadFromFlags?: boolean } = {}): Promise<TestModel> {
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError({ message: code === 'ENOENT' ? `scenario file '${file}' not found` : `cannot read '${file}' (${code})`, hint: code === 'ENOENT' ? `looked for ${file}` : undefined });
  }
  const pkg = findRunnerPackage();
  const dir = dirname(file);
  let bundlePath = join(dir, `.runner-${basename(file)}-${process.pid}-${randomBytes(4).toString('hex')}.mjs`);
  const { code, sources } = await bundle(file, bundlePath, pkg.entry);
  let tmpDir: string | undefined;
  try {
    await writeFile(bundlePath, code, { flag: 'wx' });
  } catch {
    // A read-only folder: import from a temp folder instead (bare imports then resolve from runner's side).
    tmpDir = await mkdtemp(join(tmpdir(), 'runner-scenario-'));
    bundlePath = join(tmpDir, 'scenario.mjs');
    await writeFile(bundlePath, code);
  }
  const origin: ScriptOrigin = { bundlePath, map: inlineSourceMap(code), runnerDirs: [join(pkg.root, 'src') + '/', join(pkg.root, 'dist') + '/'] };
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(bundlePath).href)) as Record<string, unknown>;
  } catch (err) {
    throw importError(err, origin, file);
  } finally {
    await unlink(bundlePath).catch(() => undefined);
    if (tmpDir) await rm(tmpDir, { recursive: true, force: true });
  }
  const model = toModel(mod, file, source, origin, opts);
  return sources.length > 0 ? { ...model, sources } : model;
}

/** The bundled code, and the other local files it was built from (absolute paths). */
async function bundle(file: string, outfile: string, entry: string): Promise<{ code: string; sources: string[] }> {
  try {
    const result = await build({
      entryPoints: [file],
      absWorkingDir: dirname(file),
      outfile,
      bundle: true,
      write: false,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      sourcemap: 'inline',
      logLevel: 'silent',
      plugins: [resolvePlugin(entry)],
      metafile: true,
    });
    // metafile paths are relative to absWorkingDir; plugin-mapped imports ('runner') are not files here.
    const sources = Object.keys(result.metafile.inputs)
      .map((p) => resolve(dirname(file), p))
      .filter((p) => p !== file);
    return { code: result.outputFiles[0].text, sources };
  } catch (err) {
    const failure = err as BuildFailure;
    if (!Array.isArray(failure.errors)) throw err;
    throw new UserError(failure.errors.map((m) => buildDiagnostic(m, dirname(file))));
  }
}

/** esbuild's message → a diagnostic; its columns are 0-based and count UTF-8 bytes, ours are 1-based characters. */
function buildDiagnostic(m: Message, dir: string): Diagnostic {
  const loc = m.location;
  const location: Location | undefined = loc
    ? {
        file: resolve(dir, loc.file),
        line: loc.line,
        column: Buffer.from(loc.lineText, 'utf8').subarray(0, loc.column).toString('utf8').length + 1,
        lineText: loc.lineText,
      }
    : undefined;
  return { message: m.text, location, hint: buildHint(m) };
}

function buildHint(m: Message): string | undefined {
  const missing = /^Could not resolve "(.*)"$/.exec(m.text);
  if (missing) {
    const spec = missing[1];
    return spec.startsWith('.') || spec.startsWith('/')
      ? 'check the path: relative imports are resolved from the importing file (write the extension if it is not .ts/.js)'
      : `install it where the scenario is: npm i ${spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]}`;
  }
  return m.notes[0]?.text ?? 'esbuild could not compile this line (types are not checked: try `runner validate --typecheck`)';
}

function importError(err: unknown, origin: ScriptOrigin, file: string): UserError {
  const message = err instanceof Error ? err.message : String(err);
  return new UserError({
    message: `the scenario threw while loading: ${message}`,
    location: locateScriptError(err, origin) ?? { file, line: 1, column: 1 },
    hint: 'the top level of a scenario runs once, at load time: keep it to imports and defineScenario(...)',
  });
}

function toModel(mod: Record<string, unknown>, file: string, source: string, origin: ScriptOrigin, opts: { loadFromFlags?: boolean }): TestModel {
  const raw = mod.default;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    const k6Style = typeof raw === 'function';
    throw new UserError({
      message: raw === undefined ? 'the scenario exports nothing usable: no default export' : `the scenario's default export is ${k6Style ? 'a function' : 'not an object'}`,
      location: { file, line: 1, column: 1 },
      hint: k6Style
        ? "write k6's `export default function` as `export default defineScenario({ load, iteration: async (ctx) => { ... } })`"
        : "end the file with `export default defineScenario({ ... })` (import { defineScenario } from 'runner')",
    });
  }
  const locate = createSourceLocator(source, file);
  const { iteration, setup, teardown, ...rest } = raw as Record<string, unknown>;
  const problems: Diagnostic[] = [];
  for (const [key, value] of Object.entries({ iteration, setup, teardown })) {
    if (value !== undefined && typeof value !== 'function') {
      problems.push({ message: `'${key}' must be a function`, location: locate([key]), hint: `e.g. ${key}: async (ctx) => { ... }` });
    }
  }
  if (iteration === undefined && (setup !== undefined || teardown !== undefined)) {
    problems.push({ message: "'setup' and 'teardown' need an 'iteration' function", location: locate([setup !== undefined ? 'setup' : 'teardown'], true), hint: 'a request list runs no setup code' });
  }
  if (iteration !== undefined && rest.requests !== undefined) {
    problems.push({ message: "give either 'requests' or 'iteration', not both", location: locate(['requests'], true), hint: 'requests inside an iteration are ctx.http calls' });
  }
  if (problems.length > 0) throw new UserError(problems);
  let flow: Extract<FlowSpec, { kind: 'function' }> | undefined;
  if (typeof iteration === 'function') {
    flow = {
      kind: 'function',
      iteration: iteration as (ctx: never) => unknown,
      setup: setup as ((ctx: never) => unknown) | undefined,
      teardown: teardown as ((ctx: never) => unknown) | undefined,
      locateError: (err) => locateScriptError(err, origin),
    };
  }
  return validateScenario(rest, { file, locate, flow, loadFromFlags: opts.loadFromFlags });
}
