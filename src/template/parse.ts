// Parses template text (bodies, paths, header values) into literal text and placeholders, with positions.
import { UserError, type Location } from '../errors.ts';
import type { Template, TemplatePart } from './types.ts';

/*
 * Grammar (whitespace = space or tab; NAME = [A-Za-z_][A-Za-z0-9_]*):
 *
 *   template    := ( literal | escape | placeholder )*
 *   placeholder := '{{' ws* NAME ws* '}}'          a field or capture
 *                | '{{' ws* NAME '.' NAME ws* '}}' a column of a data file
 *                | '{{' ws* 'env.' NAME ws* '}}'   an environment variable
 *                | '{{' ws* '$msgId' ws* '}}'      a fresh tracked id per WebSocket message sent (ws send steps)
 *                | '${' NAME '}'                   an environment variable
 *   escape      := '{{{{'                          a literal '{{'
 *                | '$${'                           a literal '${'
 *   literal     := any other text; a lone '}}', '{', '$' or '\' is just text
 *
 * Escapes double the opener instead of using a backslash: a backslash would clash with JSON's own escapes
 * (`"\\{{x}}"` is a JSON backslash followed by a placeholder), and a doubled opener leaves a JSON template
 * valid JSON before substitution. A '{{' with no '}}' before the next '{{', newline or the end is unclosed.
 */

/** Where the text starts in its file (1-based line and column). */
export interface TemplateOrigin {
  file: string;
  line: number;
  column: number;
}

/** The one runner-provided placeholder: a unique id per sent WebSocket message (src/ws/). */
export const MSG_ID = '$msgId';

const LBRACE = 0x7b;
const RBRACE = 0x7d;
const DOLLAR = 0x24;

export function parseTemplate(text: string, origin: TemplateOrigin): Template {
  return new Parser(text, origin).parse();
}

class Parser {
  private readonly parts: TemplatePart[] = [];
  /** Offsets of every '\n', built on first need: positions cost O(log lines), not O(text). */
  private newlines: number[] | undefined;

  constructor(
    private readonly text: string,
    private readonly origin: TemplateOrigin,
  ) {}

  parse(): Template {
    const text = this.text;
    let literal = '';
    let from = 0; // start of the literal run not yet copied into `literal`
    let i = 0;
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === LBRACE && text.charCodeAt(i + 1) === LBRACE) {
        if (text.charCodeAt(i + 2) === LBRACE && text.charCodeAt(i + 3) === LBRACE) {
          literal += text.slice(from, i) + '{{';
          i += 4;
          from = i;
          continue;
        }
        this.flush(literal + text.slice(from, i));
        literal = '';
        from = i = this.braces(i);
      } else if (c === DOLLAR && text.charCodeAt(i + 1) === DOLLAR && text.charCodeAt(i + 2) === LBRACE) {
        literal += text.slice(from, i + 1); // keep one '$' of the two
        from = i += 2;
      } else if (c === DOLLAR && text.charCodeAt(i + 1) === LBRACE) {
        this.flush(literal + text.slice(from, i));
        literal = '';
        from = i = this.dollar(i);
      } else {
        i++;
      }
    }
    this.flush(literal + text.slice(from));
    return { parts: this.parts };
  }

  private flush(literal: string): void {
    if (literal !== '') this.parts.push({ kind: 'text', text: literal });
  }

  /** Reads `{{ … }}` opening at `open`; returns the offset after '}}'. */
  private braces(open: number): number {
    const text = this.text;
    const close = text.indexOf('}}', open + 2);
    const inner = close === -1 ? '' : text.slice(open + 2, close);
    if (close === -1 || inner.includes('\n') || inner.includes('{{')) {
      this.fail(open, "unclosed '{{'", "close it with '}}' on the same line, or write '{{{{' for a literal '{{'");
    }
    let s = 0;
    let e = inner.length;
    while (s < e && isBlank(inner.charCodeAt(s))) s++;
    while (e > s && isBlank(inner.charCodeAt(e - 1))) e--;
    if (s === e) this.fail(open, "empty placeholder '{{}}'", "put a field name inside, e.g. '{{userId}}'");
    const ref = inner.slice(s, e);
    const env = ref.startsWith('env.');
    const name = env ? ref.slice(4) : ref;
    // `{{users.email}}`: a column of a data file (the plan checks that both exist).
    const dotted = !env && ref.indexOf('.') > 0 && isName(ref.slice(0, ref.indexOf('.'))) && isName(ref.slice(ref.indexOf('.') + 1));
    if (!dotted && !isName(name) && !(!env && name === MSG_ID)) {
      const hint = !env && ref.includes('.')
        ? "a dotted name is 'env.NAME' or a data file's 'name.column'"
        : "a name is letters, digits and '_', not starting with a digit; write '{{{{' for a literal '{{'";
      this.fail(open + 2 + s, `invalid placeholder name '${ref}'`, hint);
    }
    this.parts.push({ kind: 'placeholder', name, env, location: this.locate(open) });
    return close + 2;
  }

  /** Reads `${NAME}` opening at `open`; returns the offset after '}'. */
  private dollar(open: number): number {
    const text = this.text;
    let end = open + 2;
    while (end < text.length && isNameChar(text.charCodeAt(end), end === open + 2)) end++;
    if (end === open + 2) {
      this.fail(open, "'${' must be followed by an environment variable name", "write '${NAME}', or '$${' for a literal '${'");
    }
    if (text.charCodeAt(end) !== RBRACE) {
      this.fail(open, `unclosed '\${${text.slice(open + 2, end)}'`, "write '${NAME}' with no spaces or defaults, or '$${' for a literal '${'");
    }
    this.parts.push({ kind: 'placeholder', name: text.slice(open + 2, end), env: true, location: this.locate(open) });
    return end + 1;
  }

  /**
   * The file position of `offset`, with its line's text. Columns count UTF-16 code units. On the text's
   * first line the part of the file line before `origin.column` is not known here: it is shown as spaces
   * so the caret under `lineText` still lands on the column.
   */
  private locate(offset: number): Location {
    const { text, origin } = this;
    const newlines = (this.newlines ??= newlineOffsets(text));
    // Count newlines before `offset` (binary search).
    let lo = 0;
    let hi = newlines.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (newlines[mid] < offset) lo = mid + 1;
      else hi = mid;
    }
    const lineStart = lo === 0 ? 0 : newlines[lo - 1] + 1;
    let lineEnd = lo < newlines.length ? newlines[lo] : text.length;
    if (lineEnd > lineStart && text.charCodeAt(lineEnd - 1) === 0x0d) lineEnd--;
    const first = lo === 0;
    return {
      file: origin.file,
      line: origin.line + lo,
      column: first ? origin.column + offset : offset - lineStart + 1,
      lineText: (first ? ' '.repeat(Math.max(0, origin.column - 1)) : '') + text.slice(lineStart, lineEnd),
    };
  }

  private fail(offset: number, message: string, hint: string): never {
    throw new UserError({ message, location: this.locate(offset), hint });
  }
}

function newlineOffsets(text: string): number[] {
  const out: number[] = [];
  for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', nl + 1)) out.push(nl);
  return out;
}

function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

function isNameChar(c: number, first: boolean): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || (!first && c >= 0x30 && c <= 0x39);
}

function isName(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) if (!isNameChar(s.charCodeAt(i), i === 0)) return false;
  return true;
}
