// Maps the frames of runner's built files in a stack back to its sources, for the one stack runner prints: an
// internal error's. The process runs without source maps, because with them on Node reads and parses the map of
// every module it loads (~40 ms of each start-up for the bundle); the map of a frame's file is read only here.
import { readFileSync } from 'node:fs';
import { SourceMap, type SourceMapPayload } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** `file:///…/x.js:line:col` (1-based), as V8 writes a frame of an ES module. */
const FRAME = /file:\/\/\/[^\s():]+\.js:(\d+):(\d+)/g;

/** `stack` with each frame of a .js file that has a `.js.map` beside it replaced by `source:line:col`; other text unchanged. */
export function mapStack(stack: string): string {
  const maps = new Map<string, SourceMap | null>();
  return stack.replace(FRAME, (frame: string, line: string, column: string) => {
    const url = frame.slice(0, frame.length - line.length - column.length - 2);
    const file = fileURLToPath(url);
    let map = maps.get(file);
    if (map === undefined) {
      map = readMap(file);
      maps.set(file, map);
    }
    const entry = map?.findEntry(Number(line) - 1, Number(column) - 1);
    if (!entry || !('originalSource' in entry) || entry.originalSource === undefined) return frame;
    const source = entry.originalSource.startsWith('file://') ? fileURLToPath(entry.originalSource) : resolve(dirname(file), entry.originalSource);
    return `${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
  });
}

function readMap(file: string): SourceMap | null {
  try {
    return new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8')) as SourceMapPayload);
  } catch {
    return null;
  }
}
