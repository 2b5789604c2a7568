// Loads a scenario file of any supported kind into the model.
import { extname, resolve } from 'node:path';
import { UserError } from '../errors.ts';
import { loadYamlScenario } from './load-yaml.ts';
import type { TestModel } from './model.ts';
import type { SharedTable } from '../data/table.ts';
import { FileRefusal, readUserFile } from './read-file.ts';

export const yamlExtensions = ['.yaml', '.yml'];
export const scriptExtensions = ['.ts', '.mts', '.js', '.mjs'];

export interface LoadOptions {
  /** CLI load flags (--vus, --duration, …) will set the load: a scenario may then leave out `load:`. */
  loadFromFlags?: boolean;
  /** A k6 script's `__ENV`: the process environment, then `-e KEY=VALUE`. */
  env?: Record<string, string | undefined>;
  /** Where a k6 script's console writes (the run's stderr). */
  log?: (text: string) => void;
  /** Data tables the main thread loaded, by data name (a --workers thread): used instead of reading the files. */
  dataTables?: Readonly<Record<string, SharedTable>>;
}

/** Reads and validates `path` (relative to `cwd`). Throws UserError for anything the user can fix. */
export async function loadScenario(path: string, cwd: string, opts: LoadOptions = {}): Promise<TestModel> {
  const file = resolve(cwd, path);
  const ext = extname(file).toLowerCase();
  if (!yamlExtensions.includes(ext) && !scriptExtensions.includes(ext)) {
    throw new UserError({ message: `cannot load '${path}': unknown file type '${ext || '(none)'}'`, hint: `scenario files end in ${[...yamlExtensions, ...scriptExtensions].join(', ')}` });
  }
  // The scenario file itself: a FIFO or device would block the read (or never end), a huge file fill memory.
  const bytes = readUserFile(file);
  if (bytes instanceof FileRefusal) {
    const missing = bytes.reason === 'no such file';
    throw new UserError({
      message: missing ? `scenario file '${path}' not found` : `cannot read '${path}': ${bytes.reason}`,
      hint: missing ? `looked for ${file}` : bytes.hint,
    });
  }
  let model: TestModel;
  if (scriptExtensions.includes(ext)) {
    // esbuild only for scripts: a YAML run never loads it.
    const source = bytes.toString('utf8');
    const { isK6Script } = await import('../k6/k6-modules.ts');
    if (isK6Script(source)) {
      const { loadK6Script } = await import('../k6/load-k6.ts');
      return loadK6Script(file, source, opts);
    }
    const { loadScriptScenario } = await import('./load-ts.ts');
    model = await loadScriptScenario(file, opts);
  } else {
    model = loadYamlScenario(bytes.toString('utf8'), file, opts);
  }
  // Data files are read once the scenario is valid (a typo in it costs no 100 MB read), before the plan compiles.
  if (model.data !== undefined && model.data.length > 0) {
    const { loadDataFiles } = await import('../data/load-table.ts');
    await loadDataFiles(model, opts.dataTables);
  }
  return model;
}
