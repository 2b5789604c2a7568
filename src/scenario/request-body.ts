// A request's body: a template file read as UTF-8 text (binary refused, a BOM dropped), an inline `json:` value
// serialised as JSON template text, or `body:` text (form fields in request-form.ts). Template files are read
// here, relative to the scenario.
import { resolve } from 'node:path';
import type { Checker, Path } from './checker.ts';
import type { BodySpec } from './model.ts';
import { FileRefusal, readUserFile } from './read-file.ts';
import { checkForm, checkMultipart } from './request-form.ts';

/** Returns the body, undefined for none, or null when invalid. */
export function checkBody(c: Checker, obj: Record<string, unknown>, path: Path, baseDir: string): BodySpec | undefined | null {
  const given = ['body', 'json', 'template', 'form', 'multipart'].filter((k) => obj[k] !== undefined);
  if (given.length > 1) {
    c.fail([...path, given[1]], `give only one of 'body', 'json', 'template', 'form', 'multipart' (found ${given.join(', ')})`, "'body' is text, 'json' an inline JSON value, 'template' a file, 'form' and 'multipart' form fields: keep one", true);
    return null;
  }
  if (obj.form !== undefined) return checkForm(c, obj.form, [...path, 'form']);
  if (obj.multipart !== undefined) return checkMultipart(c, obj.multipart, [...path, 'multipart'], baseDir);
  if (obj.template !== undefined) {
    const rel = c.string(obj.template, [...path, 'template'], "a path to a file, e.g. 'templates/user.json'");
    if (rel === undefined) return null;
    const file = resolve(baseDir, rel);
    const bytes = readUserFile(file);
    if (bytes instanceof FileRefusal) {
      c.fail([...path, 'template'], `cannot read template '${rel}' (${bytes.reason})`, bytes.hint ?? `paths are relative to the scenario file's folder: looked for ${file}`);
      return null;
    }
    const text = decodeTemplate(c, bytes, rel, [...path, 'template']);
    if (text === undefined) return null;
    return { kind: 'template', format: file.endsWith('.json') ? 'json' : 'text', text, file, location: { file, line: 1, column: 1 } };
  }
  if (obj.json !== undefined) {
    // An inline JSON body: serialised once, then treated as a JSON template whose strings may hold placeholders.
    return { kind: 'template', format: 'json', text: inlineJsonTemplate(obj.json), location: c.locate([...path, 'json']) };
  }
  if (obj.body !== undefined) {
    const text = c.string(obj.body, [...path, 'body'], "for a JSON object use 'json:' instead of 'body:'");
    if (text === undefined) return null;
    return { kind: 'template', format: 'text', text, location: c.locate([...path, 'body']) };
  }
  return undefined;
}

/** A string that is one placeholder and nothing else: `{{age}}`, `{{ env.TOKEN }}`, `{{users.age}}`, `${TOKEN}`. */
const WHOLE_PLACEHOLDER = /^(\{\{[ \t]*([A-Za-z_][A-Za-z0-9_]*\.)?[A-Za-z_][A-Za-z0-9_]*[ \t]*\}\}|\$\{[A-Za-z_][A-Za-z0-9_]*\})$/;

/**
 * An inline `json:` value as JSON template text. A string that is exactly one placeholder is written bare, in
 * value position, as in a `.json` template: `{ age: "{{age}}" }` sends `{"age":42}` for an int field and
 * `{"age":"x"}` for a string field. Any other string keeps its placeholders inside the string: `"id-{{age}}"`
 * sends `"id-42"`.
 */
export function inlineJsonTemplate(value: unknown): string {
  if (typeof value === 'string') return WHOLE_PLACEHOLDER.test(value) ? value : JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => inlineJsonTemplate(v === undefined ? null : v)).join(',')}]`;
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON !== 'function') {
    const items: string[] = [];
    for (const [k, v] of Object.entries(value)) if (v !== undefined && typeof v !== 'function') items.push(`${JSON.stringify(k)}:${inlineJsonTemplate(v)}`);
    return `{${items.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * A body template's text, sent byte for byte: bodies go out as UTF-8, so a file that is not valid UTF-8 (a
 * PNG, Latin-1 text) would be mangled (each bad byte sent as U+FFFD): it is refused. A UTF-8 byte-order mark
 * is dropped; it belongs to the file, not the body.
 */
function decodeTemplate(c: Checker, bytes: Buffer, rel: string, path: Path): string | undefined {
  try {
    // fatal: throw on invalid UTF-8; ignoreBOM false (the default): strip a leading BOM.
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    c.fail(path, `template '${rel}' is not UTF-8 text (byte ${at} is 0x${bytes[at].toString(16).padStart(2, '0')}): binary bodies are not supported`, 'runner sends template bodies as UTF-8 text: convert the file to UTF-8, or send binary data base64-encoded');
    return undefined;
  }
}

/** Offset of the first byte that does not decode as UTF-8. */
function firstInvalidUtf8(bytes: Buffer): number {
  let lo = 0;
  let hi = bytes.length;
  // The longest prefix that decodes, by bisection: with `stream` an unfinished sequence at the cut is not an
  // error, so whether a prefix decodes is monotone in its length.
  const ok = (n: number) => {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, n), { stream: true });
      return true;
    } catch {
      return false;
    }
  };
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (ok(mid)) lo = mid;
    else hi = mid - 1;
  }
  let at = lo;
  if (!decodes(bytes.subarray(0, lo))) {
    // The prefix ends in an unfinished sequence (the bad byte broke it): point at its lead byte.
    while (at > 0 && (bytes[at - 1] & 0xc0) === 0x80) at--;
    at = Math.max(0, at - 1);
  }
  return Math.min(at, bytes.length - 1);
}

function decodes(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}
