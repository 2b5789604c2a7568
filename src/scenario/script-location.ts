// Maps an exception thrown by a scenario's code to the place in the user's source (`file.ts:line:col`), from
// the stack: frames Node already mapped through the inline source map, or frames of the bundled temp module
// mapped here (when the process runs without source maps).
import { readFileSync } from 'node:fs';
import { SourceMap, type SourceMapPayload } from 'node:module';
import { dirname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Location } from '../errors.ts';

export interface ScriptOrigin {
  /** Absolute path of the bundled temp module (deleted after import, but its frames stay in stacks). */
  bundlePath: string;
  /** The bundle's inline source map. */
  map: SourceMap | undefined;
  /** Folders whose frames are runner's own, not the user's. */
  runnerDirs: string[];
}

const FRAME = /(?:\(|\bat )((?:file:\/\/)?\/[^():]*|[A-Za-z]:\\[^():]*):(\d+):(\d+)\)?\s*$/;

/** Reads the inline source map at the end of esbuild's output. */
export function inlineSourceMap(code: string): SourceMap | undefined {
  const m = /\/\/# sourceMappingURL=data:application\/json;base64,([A-Za-z0-9+/=]+)\s*$/.exec(code);
  if (!m) return undefined;
  try {
    return new SourceMap(JSON.parse(Buffer.from(m[1], 'base64').toString('utf8')) as SourceMapPayload);
  } catch {
    return undefined;
  }
}

/** The first stack frame in the user's code, as a 1-based location with its line text; undefined if none. */
export function locateScriptError(err: unknown, origin: ScriptOrigin): Location | undefined {
  const stack = err instanceof Error && typeof err.stack === 'string' ? err.stack : '';
  for (const line of stack.split('\n').slice(1)) {
    const m = FRAME.exec(line);
    if (!m) continue;
    const file = m[1].startsWith('file://') ? fileURLToPath(m[1]) : m[1];
    const lineNo = Number(m[2]);
    const column = Number(m[3]);
    if (file === origin.bundlePath) {
      const entry = origin.map?.findEntry(lineNo - 1, column - 1);
      if (!entry || !('originalSource' in entry) || entry.originalSource === undefined) continue;
      const source = entry.originalSource.startsWith('file://') ? fileURLToPath(entry.originalSource) : resolve(dirname(origin.bundlePath), entry.originalSource);
      return withText({ file: source, line: entry.originalLine + 1, column: entry.originalColumn + 1 });
    }
    if (file.includes(`${sep}node_modules${sep}`) || origin.runnerDirs.some((d) => file.startsWith(d))) continue;
    return withText({ file, line: lineNo, column });
  }
  return undefined;
}

const lineCache = new Map<string, string[] | null>();

function withText(loc: Location): Location {
  let lines = lineCache.get(loc.file);
  if (lines === undefined) {
    try {
      lines = readFileSync(loc.file, 'utf8').split(/\r?\n/);
    } catch {
      lines = null;
    }
    lineCache.set(loc.file, lines);
  }
  return lines?.[loc.line - 1] === undefined ? loc : { ...loc, lineText: lines[loc.line - 1] };
}

/** `file:line:col` of a location. */
export function renderLocation(loc: Location): string {
  return `${loc.file}:${loc.line}:${loc.column}`;
}
