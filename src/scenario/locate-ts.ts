// Finds where a key of a TS scenario's `defineScenario({ … })` object literal is written, so validation errors
// point at the source like YAML ones do. A tolerant scanner of object/array literals (strings, template
// literals, comments, nested brackets), not a parser: a value that is not a literal (a variable, a call)
// is located as a whole, and anything it cannot follow falls back to the enclosing literal.
import type { Location } from '../errors.ts';
import type { Locate, Path } from './checker.ts';

interface Entry {
  keyAt: number;
  valueAt: number;
}

/** A Locate over `text` (the scenario's own source), 1-based positions. */
export function createSourceLocator(text: string, file: string): Locate {
  const lines = text.split(/\r?\n/);
  const root = findRoot(text);
  const objects = new Map<number, Map<string, Entry>>();
  const arrays = new Map<number, number[]>();
  const at = (offset: number): Location => {
    const before = text.slice(0, offset);
    const line = before.split('\n').length;
    return { file, line, column: offset - before.lastIndexOf('\n'), lineText: lines[line - 1] };
  };
  return (path: Path, key = false) => {
    if (root === undefined) return undefined;
    let node = root;
    for (let i = 0; i < path.length; i++) {
      const seg = path[i];
      const last = i === path.length - 1;
      if (typeof seg === 'string' && text[node] === '{') {
        let entries = objects.get(node);
        if (!entries) objects.set(node, (entries = scanObject(text, node)));
        const e = entries.get(seg);
        if (!e) break;
        node = key && last ? e.keyAt : e.valueAt;
      } else if (typeof seg === 'number' && text[node] === '[') {
        let items = arrays.get(node);
        if (!items) arrays.set(node, (items = scanArray(text, node)));
        if (items[seg] === undefined) break;
        node = items[seg];
      } else break;
    }
    return at(node);
  };
}

/** Offset of the `{` passed to defineScenario, or of an object after `export default`. */
function findRoot(text: string): number | undefined {
  const call = /\bdefineScenario\s*(?:<[^>(]*>)?\s*\(\s*\{/.exec(text) ?? /\bexport\s+default\s*\{/.exec(text);
  return call ? call.index + call[0].length - 1 : undefined;
}

function skipSpace(text: string, i: number): number {
  for (;;) {
    while (i < text.length && /\s/.test(text[i])) i++;
    if (text.startsWith('//', i)) {
      const end = text.indexOf('\n', i);
      i = end === -1 ? text.length : end + 1;
    } else if (text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2);
      i = end === -1 ? text.length : end + 2;
    } else return i;
  }
}

/** Index just past the string or template literal starting at `i`. */
function skipString(text: string, i: number): number {
  const quote = text[i];
  i++;
  while (i < text.length && text[i] !== quote) {
    if (text[i] === '\\') i += 2;
    else if (quote === '`' && text.startsWith('${', i)) i = skipValue(text, i + 2, true) + 1;
    else i++;
  }
  return i + 1;
}

/**
 * Index of the `,` or closing bracket that ends the expression starting at `i` (at depth 0). With
 * `inside`, commas do not end it (the contents of `${…}`).
 */
function skipValue(text: string, i: number, inside = false): number {
  let depth = 0;
  while (i < text.length) {
    i = skipSpace(text, i);
    const ch = text[i];
    if (ch === undefined) break;
    if (ch === '"' || ch === "'" || ch === '`') {
      i = skipString(text, i);
      continue;
    }
    if (ch === '{' || ch === '[' || ch === '(') depth++;
    else if (ch === '}' || ch === ']' || ch === ')') {
      if (depth === 0) return i;
      depth--;
    } else if (ch === ',' && depth === 0 && !inside) return i;
    i++;
  }
  return i;
}

const IDENT = /[A-Za-z_$][\w$]*/y;

function readKey(text: string, i: number): { key: string | undefined; end: number } {
  const ch = text[i];
  if (ch === '"' || ch === "'") {
    const end = skipString(text, i);
    return { key: text.slice(i + 1, end - 1), end };
  }
  if (ch === '[') return { key: undefined, end: skipValue(text, i + 1) + 1 };
  IDENT.lastIndex = i;
  const m = IDENT.exec(text) ?? /\d+/y.exec(text.slice(i));
  return m ? { key: m[0], end: i + m[0].length } : { key: undefined, end: i + 1 };
}

function scanObject(text: string, open: number): Map<string, Entry> {
  const entries = new Map<string, Entry>();
  let i = open + 1;
  while (i < text.length) {
    i = skipSpace(text, i);
    if (text[i] === '}' || i >= text.length) break;
    if (text[i] === ',') {
      i++;
      continue;
    }
    if (text.startsWith('...', i)) {
      i = skipValue(text, i + 3);
      continue;
    }
    let keyAt = i;
    let { key, end } = readKey(text, i);
    // `async name(…) {…}`, `get name() {…}`: the modifier is not the key.
    const afterModifier = skipSpace(text, end);
    if ((key === 'async' || key === 'get' || key === 'set') && /[A-Za-z_$"'[*]/.test(text[afterModifier] ?? '')) {
      keyAt = afterModifier + (text[afterModifier] === '*' ? 1 : 0);
      ({ key, end } = readKey(text, keyAt));
    }
    const next = skipSpace(text, end);
    const valueAt = text[next] === ':' ? skipSpace(text, next + 1) : keyAt;
    if (key !== undefined && !entries.has(key)) entries.set(key, { keyAt, valueAt });
    i = skipValue(text, text[next] === ':' ? next + 1 : next);
  }
  return entries;
}

function scanArray(text: string, open: number): number[] {
  const items: number[] = [];
  let i = open + 1;
  while (i < text.length) {
    i = skipSpace(text, i);
    if (text[i] === ']' || i >= text.length) break;
    if (text[i] === ',') {
      i++;
      continue;
    }
    items.push(i);
    i = skipValue(text, i);
  }
  return items;
}
