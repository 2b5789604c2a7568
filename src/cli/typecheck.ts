// `runner validate --typecheck`: runs the TypeScript compiler (an optional peer dependency) on a scenario,
// with `runner` mapped to this package's typed sources, and returns its errors as file:line:col diagnostics.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UserError, type Diagnostic } from '../errors.ts';
import { findRunnerPackage } from '../scenario/load-ts.ts';

type Ts = typeof import('typescript');

/** TypeScript from the scenario's project first, else next to runner; a UserError saying how to add it. */
async function importTypeScript(file: string): Promise<Ts> {
  const candidates: string[] = [];
  for (const from of [file, join(findRunnerPackage().root, 'package.json')]) {
    try {
      candidates.push(createRequire(from).resolve('typescript'));
    } catch {
      // not installed there
    }
  }
  for (const path of candidates) {
    const mod = (await import(pathToFileURL(path).href)) as Ts & { default?: Ts };
    const ts = mod.default ?? mod;
    if (typeof ts.createProgram === 'function') return ts;
  }
  throw new UserError({
    message: '--typecheck needs the TypeScript compiler, which is not installed',
    hint: 'add it to the scenario\'s project: npm i -D typescript (runner reads it as an optional peer dependency)',
  });
}

/**
 * `node_modules/@types` folders above the scenario, then above runner: the scenario's own project wins, and
 * a scenario in a bare folder still gets Node's types when runner has them.
 */
function typeRootsFor(scenarioDir: string, runnerRoot: string): string[] {
  const roots: string[] = [];
  for (const start of [scenarioDir, runnerRoot]) {
    for (let dir = start; ; dir = dirname(dir)) {
      const types = join(dir, 'node_modules', '@types');
      if (existsSync(types) && !roots.includes(types)) roots.push(types);
      if (dirname(dir) === dir) break;
    }
  }
  return roots;
}

/** Type errors in the scenario and the files it imports (runner's own sources excluded); empty when clean. */
export async function typecheckScenario(file: string): Promise<Diagnostic[]> {
  const ts = await importTypeScript(file);
  const pkg = findRunnerPackage();
  const options: import('typescript').CompilerOptions = {
    noEmit: true,
    strict: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    allowImportingTsExtensions: true,
    allowJs: true,
    esModuleInterop: true,
    skipLibCheck: true,
    isolatedModules: true,
    resolveJsonModule: true,
    paths: { runner: [pkg.typesEntry] },
    typeRoots: typeRootsFor(dirname(file), pkg.root),
  };
  const host = ts.createCompilerHost(options);
  host.getCurrentDirectory = () => dirname(file);
  const program = ts.createProgram([file], options, host);
  const runnerSources = join(pkg.root, 'src') + sep;
  const out: Diagnostic[] = [];
  for (const d of ts.getPreEmitDiagnostics(program)) {
    if (d.category !== ts.DiagnosticCategory.Error) continue;
    // runner's own sources are checked in its own build; their errors here would only mean missing @types.
    if (d.file && d.file.fileName.startsWith(runnerSources)) continue;
    const message = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    if (!d.file || d.start === undefined) {
      out.push({ message, hint: `TypeScript TS${d.code}` });
      continue;
    }
    const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
    const lineText = d.file.text.split(/\r?\n/)[line];
    out.push({ message, location: { file: d.file.fileName, line: line + 1, column: character + 1, lineText }, hint: `TypeScript TS${d.code}` });
  }
  return out;
}
