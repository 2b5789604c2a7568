// Bundles a k6 script with esbuild: `k6` and `k6/*` imports become the virtual shim modules (k6-modules.ts),
// modules runner does not run are load-time errors at the import (esbuild places a plugin's error there),
// and the output is CommonJS, so one function can hold the whole module and run it once per VU (instance.ts).
import { dirname, resolve } from 'node:path';
import { SourceMap, type SourceMapPayload } from 'node:module';
import { build, type BuildFailure, type Message, type Plugin } from 'esbuild';
import { UserError, type Diagnostic } from '../errors.ts';
import { K6_MODULES, shimSource, unsupportedImport } from './k6-modules.ts';

export interface Bundled {
  code: string;
  map: SourceMap;
  /** Local files the script is built from, besides the script itself (absolute). */
  sources: string[];
}

function k6Plugin(): Plugin {
  return {
    name: 'k6-modules',
    setup(b) {
      b.onResolve({ filter: /^(k6(\/.*)?|https?:\/\/.*)$/ }, (args) => {
        const problem = unsupportedImport(args.path);
        if (problem) return { errors: [{ text: problem.message, detail: problem.hint }] };
        return { path: args.path, namespace: 'k6-shim' };
      });
      b.onLoad({ filter: /.*/, namespace: 'k6-shim' }, (args) => ({ contents: shimSource(args.path), loader: 'js' }));
    },
  };
}

export async function bundleK6Script(file: string): Promise<Bundled> {
  try {
    const result = await build({
      entryPoints: [file],
      absWorkingDir: dirname(file),
      outfile: `${file}.k6-bundle.js`,
      bundle: true,
      write: false,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      sourcemap: 'external',
      logLevel: 'silent',
      plugins: [k6Plugin()],
      metafile: true,
      loader: { '.json': 'json', '.txt': 'text', '.csv': 'text' },
    });
    const js = result.outputFiles.find((f) => f.path.endsWith('.js'));
    const map = result.outputFiles.find((f) => f.path.endsWith('.map'));
    if (!js || !map) throw new Error('esbuild returned no bundle');
    const code = js.text.replace(/\/\/# sourceMappingURL=\S+\s*$/, '');
    const sources = Object.keys(result.metafile.inputs)
      .filter((p) => !p.startsWith('k6-shim:'))
      .map((p) => resolve(dirname(file), p))
      .filter((p) => p !== file);
    return { code, map: new SourceMap(JSON.parse(map.text) as SourceMapPayload), sources };
  } catch (err) {
    const failure = err as BuildFailure;
    if (!Array.isArray(failure.errors)) throw err;
    throw new UserError(failure.errors.map((m) => diagnostic(m, dirname(file))));
  }
}

function diagnostic(m: Message, dir: string): Diagnostic {
  const loc = m.location;
  return {
    message: m.text,
    location: loc ? { file: resolve(dir, loc.file), line: loc.line, column: Buffer.from(loc.lineText, 'utf8').subarray(0, loc.column).toString('utf8').length + 1, lineText: loc.lineText } : undefined,
    hint: typeof m.detail === 'string' ? m.detail : m.notes[0]?.text,
  };
}

export const supportedModules = Object.keys(K6_MODULES);
