// Loads a scenario file of any supported kind into the model.
import { existsSync, readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { UserError } from '../errors.ts';
import { loadScriptScenario } from './load-ts.ts';
import { loadYamlScenario } from './load-yaml.ts';
import type { TestModel } from './model.ts';

export const yamlExtensions = ['.yaml', '.yml'];
export const scriptExtensions = ['.ts', '.mts', '.js', '.mjs'];

/** Reads and validates `path` (relative to `cwd`). Throws UserError for anything the user can fix. */
export async function loadScenario(path: string, cwd: string): Promise<TestModel> {
  const file = resolve(cwd, path);
  const ext = extname(file).toLowerCase();
  if (!yamlExtensions.includes(ext) && !scriptExtensions.includes(ext)) {
    throw new UserError({ message: `cannot load '${path}': unknown file type '${ext || '(none)'}'`, hint: `scenario files end in ${[...yamlExtensions, ...scriptExtensions].join(', ')}` });
  }
  if (scriptExtensions.includes(ext)) {
    if (!existsSync(file)) throw new UserError({ message: `scenario file '${path}' not found`, hint: `looked for ${file}` });
    return loadScriptScenario(file);
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError({
      message: code === 'ENOENT' ? `scenario file '${path}' not found` : `cannot read '${path}' (${code})`,
      hint: code === 'ENOENT' ? `looked for ${file}` : undefined,
    });
  }
  return loadYamlScenario(text, file);
}
