// Reads a YAML scenario: parse with positions (the default schema runs no code), then validate.
import { Lexer, LineCounter, parseDocument, isCollection, isMap, isScalar, isPair, visit, type Document, type Node } from 'yaml';
import { UserError, type Diagnostic, type Location } from '../errors.ts';
import type { Path } from './checker.ts';
import type { TestModel } from './model.ts';
import { validateScenario } from './validate.ts';

/** Aliases a document may expand (yaml's own default): more looks like a resource-exhaustion attack. */
const MAX_ALIAS_COUNT = 100;

export function loadYamlScenario(text: string, file: string, opts: { loadFromFlags?: boolean } = {}): TestModel {
  const lineCounter = new LineCounter();
  // The core schema only, and no YAML 1.1 extras (!!binary, !!set, !!omap, !!timestamp): plain JSON-like data.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, strict: true, schema: 'core', resolveKnownTags: false });
  const lines = text.split(/\r?\n/);
  const at = (offset: number): Location => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col, lineText: lines[line - 1] };
  };
  // Warnings count as errors: an unknown tag, for instance, must not be silently ignored.
  const problems = [...doc.errors, ...doc.warnings];
  if (problems.length > 0) {
    const diagnostics: Diagnostic[] = problems.map((e) => ({
      message: `YAML: ${firstLine(e.message)}`,
      location: at(e.code === 'MISSING_CHAR' ? (openingQuoteOf(text, e.pos[0]) ?? e.pos[0]) : e.pos[0]),
      hint: hintFor(e.code),
    }));
    throw new UserError(diagnostics);
  }
  const keyProblems = collectionKeys(doc, text, at);
  if (keyProblems.length > 0) throw new UserError(keyProblems);
  const locate = (path: Path, key = false): Location | undefined => {
    const offset = offsetOf(doc, path, key);
    return offset === undefined ? undefined : at(offset);
  };
  return validateScenario(toPlainData(doc, file), { file, locate, loadFromFlags: opts.loadFromFlags });
}

/**
 * Mapping keys that are themselves mappings or lists. The usual cause is an unquoted placeholder: YAML reads
 * `age: {{age}}` as a flow mapping whose key is the mapping `{age}`, and plain data would turn it into the
 * string "{ age }" (a body `{"age":{"{ age }":null}}`, sent silently). No scenario key is ever a collection.
 */
function collectionKeys(doc: Document, text: string, at: (offset: number) => Location): Diagnostic[] {
  const out: Diagnostic[] = [];
  visit(doc, {
    Pair(_, pair) {
      const key = pair.key as Node | null;
      if (!isCollection(key) || !key.range) return;
      const start = key.range[0];
      // `{{x}}`: the outer '{' opens the flow mapping, the key mapping starts at the inner one.
      if (text[start] === '{' && text[start - 1] === '{') {
        const close = text.indexOf('}}', start);
        const written = close < 0 ? text.slice(start - 1, key.range[1]) : text.slice(start - 1, close + 2);
        out.push({
          message: `unquoted placeholder ${written}: YAML reads {{…}} as a mapping, not as text`,
          location: at(start - 1),
          hint: `quote it: "${written}"`,
        });
      } else {
        out.push({ message: 'a mapping or list cannot be a key', location: at(start), hint: 'keys are plain words; quote the text if it starts with { or [' });
      }
    },
  });
  return out;
}

/** The document as plain data; an alias expansion past the limit (a "billion laughs" file) is the user's error. */
function toPlainData(doc: Document, file: string): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    if (!(err instanceof ReferenceError)) throw err;
    throw new UserError({
      message: `YAML: too many alias expansions (over ${MAX_ALIAS_COUNT}): ${err.message}`,
      location: { file, line: 1, column: 1 },
      hint: 'write the values out, or use fewer nested *aliases',
    });
  }
}

function offsetOf(doc: Document, path: Path, key: boolean): number | undefined {
  if (path.length === 0) return doc.contents?.range?.[0];
  if (key) {
    const parent = doc.getIn(path.slice(0, -1), true);
    if (isMap(parent)) {
      const pair = parent.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === path[path.length - 1]);
      const keyNode = pair?.key as Node | undefined;
      if (keyNode?.range) return keyNode.range[0];
    }
  }
  const node = doc.getIn(path, true) as Node | undefined;
  if (node?.range) {
    // Point into a quoted string's text, so placeholder columns line up.
    const quoted = isScalar(node) && (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE');
    return node.range[0] + (quoted ? 1 : 0);
  }
  // A missing key: point at its parent.
  return path.length > 1 ? offsetOf(doc, path.slice(0, -1), false) : doc.contents?.range?.[0];
}

/**
 * yaml reports a missing closing quote where the file ends; the useful place is the quote that opened the
 * string. Finds the quoted token that runs up to `offset`. Only called on an error, so lexing again is fine.
 */
function openingQuoteOf(text: string, offset: number): number | undefined {
  let at = 0;
  for (const token of new Lexer().lex(text)) {
    // The lexer's marker tokens (document, scalar, flow-error-end) are not source text.
    if (token === '\x02' || token === '\x18' || token === '\x1f') continue;
    if ((token[0] === '"' || token[0] === "'") && at <= offset && offset <= at + token.length) return at;
    at += token.length;
  }
  return undefined;
}

function firstLine(message: string): string {
  return message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
}

function hintFor(code: string): string {
  switch (code) {
    case 'TAB_AS_INDENT':
      return 'indent with spaces, not tabs';
    case 'DUPLICATE_KEY':
      return 'each key may appear once in a mapping';
    case 'TAG_RESOLVE_FAILED':
      return 'custom YAML tags are not supported: scenarios are plain data';
    case 'MISSING_CHAR':
      return 'this quote is never closed: add the closing quote';
    default:
      // BAD_INDENT, UNEXPECTED_TOKEN, BLOCK_AS_IMPLICIT_KEY, MULTILINE_IMPLICIT_KEY, …
      return 'check the indentation and the quotes on this line and the one above';
  }
}
