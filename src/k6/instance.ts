// The script as a function: the transformed bundle inside `function (__k6rt, __ENV, __VU, open)`, written to a
// temp module, imported once and deleted. Each call runs the module's code afresh — one call per VU, as k6 runs
// a script's init code once per VU, so module-level variables are per-VU state.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, unlink, writeFile } from 'node:fs/promises';
import type { SourceMap } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Location } from '../errors.ts';

export interface ModuleInstance {
  exports: Record<string, unknown>;
  /** Sets `__ITER` for the iteration about to start. */
  setIter(iteration: number): void;
}

export type InstanceFactory = (rt: unknown, env: Record<string, string>, vuId: number, open: (path: string, mode?: string) => string | ArrayBuffer, console: unknown) => ModuleInstance;

const HEADER = 'export default function __k6_instance(__k6rt, __ENV, __VU, open, console) { var module = { exports: {} }, exports = module.exports, __ITER = 0;\n';
const FOOTER = '\n;return { exports: module.exports, setIter: function (i) { __ITER = i; } };\n}\n';

/** Imports the transformed bundle as a factory; `modulePath` is where its frames point in stacks. */
export async function importInstanceFactory(file: string, code: string): Promise<{ factory: InstanceFactory; modulePath: string }> {
  const text = HEADER + code + FOOTER;
  let modulePath = join(dirname(file), `.runner-k6-${basename(file)}-${process.pid}-${randomBytes(4).toString('hex')}.mjs`);
  let tmpDir: string | undefined;
  try {
    await writeFile(modulePath, text, { flag: 'wx' });
  } catch {
    tmpDir = await mkdtemp(join(tmpdir(), 'runner-k6-'));
    modulePath = join(tmpDir, 'script.mjs');
    await writeFile(modulePath, text);
  }
  try {
    const mod = (await import(pathToFileURL(modulePath).href)) as { default: InstanceFactory };
    return { factory: mod.default, modulePath };
  } finally {
    await unlink(modulePath).catch(() => undefined);
    if (tmpDir) await rm(tmpDir, { recursive: true, force: true });
  }
}

/** k6's open(): a file relative to the script, read once per run; 'b' gives an ArrayBuffer. */
export function createOpen(scriptDir: string): (path: string, mode?: string) => string | ArrayBuffer {
  const cache = new Map<string, Buffer>();
  return (path, mode) => {
    const full = resolve(scriptDir, String(path));
    let bytes = cache.get(full);
    if (!bytes) {
      bytes = readFileSync(full);
      cache.set(full, bytes);
    }
    return mode === 'b' ? (bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer) : bytes.toString('utf8');
  };
}

const FRAME = /(?:\(|\bat )((?:file:\/\/)?\/[^():]*):(\d+):(\d+)\)?\s*$/;

/**
 * Maps an error's first frame in the script module back to the user's file: module line → bundle line (one header
 * line), column through the transform's insertions, then the bundle's source map.
 */
export function createErrorLocator(modulePath: string, scriptDir: string, map: SourceMap, toBundle: (line: number, column: number) => { line: number; column: number }): (err: unknown) => Location | undefined {
  return (err) => {
    const stack = err instanceof Error && typeof err.stack === 'string' ? err.stack : '';
    for (const line of stack.split('\n').slice(1)) {
      const m = FRAME.exec(line);
      if (!m) continue;
      const path = m[1].startsWith('file://') ? fileURLToPath(m[1]) : m[1];
      if (path !== modulePath) continue;
      const bundled = toBundle(Number(m[2]) - 2, Number(m[3]) - 1);
      return locateInBundle(map, bundled.line, bundled.column, scriptDir);
    }
    return undefined;
  };
}

/** A 0-based bundle position → the user's file, 1-based, with its line text. */
export function locateInBundle(map: SourceMap, line: number, column: number, dir: string): Location | undefined {
  const entry = map.findEntry(line, column);
  if (!entry || !('originalSource' in entry) || entry.originalSource === undefined) return undefined;
  const file = entry.originalSource.startsWith('file://') ? fileURLToPath(entry.originalSource) : resolve(dir, entry.originalSource);
  let lineText: string | undefined;
  try {
    lineText = readFileSync(file, 'utf8').split(/\r?\n/)[entry.originalLine];
  } catch {
    lineText = undefined;
  }
  return { file, line: entry.originalLine + 1, column: entry.originalColumn + 1, lineText };
}
