// Reads a YAML scenario: parse with positions (the default schema runs no code), then validate.
import { LineCounter, parseDocument, isMap, isScalar, isPair, type Document, type Node } from 'yaml';
import { UserError, type Diagnostic, type Location } from '../errors.ts';
import type { Path } from './checker.ts';
import type { TestModel } from './model.ts';
import { validateScenario } from './validate.ts';

/** Aliases a document may expand (yaml's own default): more looks like a resource-exhaustion attack. */
const MAX_ALIAS_COUNT = 100;

export function loadYamlScenario(text: string, file: string): TestModel {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, strict: true });
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
      location: at(e.pos[0]),
      hint: hintFor(e.code),
    }));
    throw new UserError(diagnostics);
  }
  const locate = (path: Path, key = false): Location | undefined => {
    const offset = offsetOf(doc, path, key);
    return offset === undefined ? undefined : at(offset);
  };
  return validateScenario(toPlainData(doc, file), { file, locate });
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
      return 'a quote or bracket opened earlier is never closed';
    default:
      // BAD_INDENT, UNEXPECTED_TOKEN, BLOCK_AS_IMPLICIT_KEY, MULTILINE_IMPLICIT_KEY, …
      return 'check the indentation and the quotes on this line and the one above';
  }
}
