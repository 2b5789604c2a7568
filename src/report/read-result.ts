// The one reader of result files (`runner run --out`), for `compare`, `report` and anything else that reads one:
// anything unusable — not a file, not JSON, another version, missing or mistyped fields, a damaged histogram —
// is a UserError naming the file and what is wrong, never a stack trace.
import { readFile, stat } from 'node:fs/promises';
import { UserError } from '../errors.ts';
import type { RunResult } from '../result/types.ts';
import { escapeTerminalText } from '../terminal-text.ts';
import { describeProblems, validateRunResult } from './validate-result.ts';

/** The result version this runner writes (2: per-second histograms in `timeSeries`). */
export const RESULT_VERSION = 2;
/** The versions it reads: version 1 files lack only the per-second fields, which every reader treats as optional. */
const READABLE_VERSIONS: readonly unknown[] = [1, 2];
/** Larger files are refused: a day-long run with many request names is a few tens of MB. */
export const MAX_RESULT_BYTES = 512 * 1024 * 1024;

const HINT = 'pass a file written by `runner run --out`';

function fail(file: string, what: string, hint = HINT): never {
  throw new UserError({ message: escapeTerminalText(`result file ${file} ${what}`), hint });
}

/** 1-based line and column of a 0-based character offset. */
function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

/**
 * The RunResult in `text`; `file` names it in messages. Pure: throws a UserError on anything unusable.
 * Maps keyed by names come back as null-prototype objects.
 */
export function parseRunResult(text: string, file: string): RunResult {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === '') fail(file, 'is empty', 'was the run stopped before it wrote the file? ' + HINT);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (err) {
    const detail = (err as Error).message;
    const position = /at position (\d+)/.exec(detail);
    const where = position ? lineColumnAt(body, Number(position[1])) : undefined;
    throw new UserError({
      message: escapeTerminalText(`result file ${file} is not valid JSON: ${detail}`),
      location: where ? { file, ...where } : undefined,
      hint: 'a result file is the JSON written by `runner run --out`; was it truncated or edited?',
    });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    fail(file, `holds ${Array.isArray(parsed) ? 'a JSON array' : parsed === null ? 'null' : `a JSON ${typeof parsed}`}, not a result object`);
  }
  const version = (parsed as Record<string, unknown>).version;
  if (!READABLE_VERSIONS.includes(version)) {
    const newer = typeof version === 'number' && version > RESULT_VERSION;
    fail(
      file,
      version === undefined ? 'has no "version": it is not a runner result' : `has version ${JSON.stringify(version)}; this runner reads versions ${READABLE_VERSIONS.join(' and ')}`,
      newer ? 'it was written by a newer runner: read it with that version' : HINT,
    );
  }
  const { result, problems } = validateRunResult(parsed);
  if (problems.length > 0) {
    fail(file, `is damaged or not a runner result: ${describeProblems(problems)}`, 'was it edited by hand or written by another tool? ' + HINT);
  }
  return result;
}

/** Reads and parses a result file; `display` is how messages name it (default: the path). */
export async function readRunResult(path: string, display = path): Promise<RunResult> {
  let text: string;
  try {
    // stat before opening: opening a FIFO would wait for a writer, a device could be endless.
    const info = await stat(path);
    if (info.isDirectory()) fail(display, 'is a directory');
    if (!info.isFile()) fail(display, 'is not a regular file');
    if (info.size > MAX_RESULT_BYTES) fail(display, `is ${info.size} bytes, over the ${MAX_RESULT_BYTES}-byte limit for a result file`);
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (err instanceof UserError) throw err;
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    const what = code === 'ENOENT' ? 'does not exist' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'cannot be read (permission denied)' : `cannot be read (${code})`;
    fail(display, what);
  }
  return parseRunResult(text, display);
}
