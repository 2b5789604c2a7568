// Form bodies: `form:` (application/x-www-form-urlencoded) and `multipart:` (multipart/form-data). Values are
// templates; a multipart file is read at load time, relative to the scenario, bounded like a template file.
import { basename, resolve } from 'node:path';
import type { Checker, Path } from './checker.ts';
import type { BodySpec, FormFieldSpec, MultipartPartSpec } from './model.ts';
import { FileRefusal, readUserFile } from './read-file.ts';

const fileKeys = ['path', 'contentType', 'filename'];

/** A field value: a template string, or a number or boolean written as text. */
function fieldValue(c: Checker, raw: unknown, path: Path, what: string): string | undefined {
  if (typeof raw === 'string') return raw;
  if ((typeof raw === 'number' && Number.isFinite(raw)) || typeof raw === 'boolean') return String(raw);
  return c.fail(path, `expected a text value for ${what}, got ${raw === null ? 'null' : Array.isArray(raw) ? 'a list' : typeof raw === 'object' ? 'a mapping' : typeof raw}`, 'write the value as text; placeholders like "{{userId}}" are filled per request');
}

/** Returns the body, or null when invalid. */
export function checkForm(c: Checker, raw: unknown, path: Path): BodySpec | null {
  const obj = c.object(raw, path, "a mapping of field → value, e.g. '{ user: \"{{userId}}\", remember: 1 }'");
  if (!obj) return null;
  const fields: FormFieldSpec[] = [];
  let ok = true;
  for (const [name, value] of Object.entries(obj)) {
    const text = fieldValue(c, value, [...path, name], `form field '${name}'`);
    if (text === undefined) ok = false;
    else fields.push({ name, value: text, location: c.locate([...path, name]) });
  }
  return ok ? { kind: 'form', fields, location: c.locate(path) } : null;
}

/** Returns the body, or null when invalid. */
export function checkMultipart(c: Checker, raw: unknown, path: Path, baseDir: string): BodySpec | null {
  const obj = c.object(raw, path, "a mapping of part → value or file, e.g. '{ avatar: { path: me.png, contentType: image/png }, note: hi }'");
  if (!obj) return null;
  if (Object.keys(obj).length === 0) {
    c.fail(path, 'multipart has no parts', 'add a field or a file');
    return null;
  }
  const parts: MultipartPartSpec[] = [];
  let ok = true;
  for (const [name, value] of Object.entries(obj)) {
    const at: Path = [...path, name];
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      const text = fieldValue(c, value, at, `multipart field '${name}'`);
      if (text === undefined) ok = false;
      else parts.push({ kind: 'field', name, value: text, location: c.locate(at) });
      continue;
    }
    const spec = value as Record<string, unknown>;
    c.onlyKeys(spec, at, fileKeys);
    const rel = spec.path === undefined ? c.fail(at, `multipart file '${name}' needs 'path'`, "e.g. '{ path: ../data/avatar.png, contentType: image/png }'") : c.string(spec.path, [...at, 'path']);
    const contentType = spec.contentType === undefined ? 'application/octet-stream' : c.string(spec.contentType, [...at, 'contentType']);
    if (contentType !== undefined && /[\r\n]/.test(contentType)) c.fail([...at, 'contentType'], 'a content type cannot hold a line break');
    const filenameGiven = spec.filename === undefined ? undefined : c.string(spec.filename, [...at, 'filename']);
    if (rel === undefined || contentType === undefined || (spec.filename !== undefined && filenameGiven === undefined)) {
      ok = false;
      continue;
    }
    const file = resolve(baseDir, rel);
    const bytes = readUserFile(file);
    if (bytes instanceof FileRefusal) {
      c.fail([...at, 'path'], `cannot read multipart file '${rel}' (${bytes.reason})`, bytes.hint ?? `paths are relative to the scenario file's folder: looked for ${file}`);
      ok = false;
      continue;
    }
    parts.push({ kind: 'file', name, filename: filenameGiven ?? basename(file), contentType, bytes, file, location: c.locate(at) });
  }
  return ok ? { kind: 'multipart', parts, location: c.locate(path) } : null;
}
