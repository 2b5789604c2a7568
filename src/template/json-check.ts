// Checks that a `.json` body template is JSON whatever its placeholders hold: a strict JSON syntax scan of
// the template text in which a placeholder may stand where a value goes (it renders as a quoted string or a
// number there) and inside a string (its value is escaped). Run once at load time, so a trailing comma or a
// placeholder in a place no value can go is the user's error before the first request, at its line and column.

export interface JsonTemplateError {
  /** Offset in the template text (UTF-16 code units, 0-based). */
  offset: number;
  message: string;
}

/** The first syntax error of `text` as a JSON template, or undefined when every rendering is JSON. */
export function findJsonTemplateError(text: string): JsonTemplateError | undefined {
  const s = new Scan(text);
  try {
    s.ws();
    s.value();
    s.ws();
    if (s.i < text.length) s.fail('unexpected text after the JSON value');
    return undefined;
  } catch (err) {
    if (err instanceof ScanError) return { offset: err.offset, message: err.message };
    throw err;
  }
}

class ScanError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

class Scan {
  i = 0;
  constructor(private readonly t: string) {}

  fail(message: string, at = this.i): never {
    throw new ScanError(message, at);
  }

  ws(): void {
    while (this.i < this.t.length && ' \t\r\n'.includes(this.t[this.i])) this.i++;
  }

  value(): void {
    const t = this.t;
    const c = t[this.i];
    if (c === undefined) this.fail('the JSON ends where a value should be');
    if (t.startsWith('{{{{', this.i) || t.startsWith('$${', this.i)) this.fail('an escaped literal is not a JSON value: put it inside a string');
    if (t.startsWith('{{', this.i)) return this.placeholder('}}');
    if (t.startsWith('${', this.i)) return this.placeholder('}');
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"') return this.string();
    if (c === '-' || (c >= '0' && c <= '9')) return this.number();
    for (const word of ['true', 'false', 'null']) {
      if (t.startsWith(word, this.i)) {
        this.i += word.length;
        return;
      }
    }
    this.fail(`'${c}' cannot start a JSON value (strings need double quotes)`);
  }

  /** A placeholder where a value goes: it renders as a quoted string or a number, both JSON values. */
  private placeholder(close: string): void {
    const end = this.t.indexOf(close, this.i + 2);
    if (end < 0) this.fail('this placeholder is never closed');
    this.i = end + close.length;
  }

  private object(): void {
    this.list('}', () => {
      if (this.t[this.i] !== '"') this.fail('an object key must be a double-quoted string');
      this.string();
      this.ws();
      if (this.t[this.i] !== ':') this.fail("expected ':' after the key");
      this.i++;
      this.ws();
      this.value();
    });
  }

  private array(): void {
    this.list(']', () => this.value());
  }

  /** The comma-separated items of an object or array, from its opening bracket past `close`. */
  private list(close: '}' | ']', item: () => void): void {
    this.i++;
    this.ws();
    if (this.t[this.i] === close) {
      this.i++;
      return;
    }
    for (;;) {
      this.ws();
      if (this.t[this.i] === close) this.fail(`a trailing comma before '${close}' is not JSON`);
      item();
      this.ws();
      const c = this.t[this.i];
      if (c === ',') {
        this.i++;
        continue;
      }
      if (c === close) {
        this.i++;
        return;
      }
      this.fail(`expected ',' or '${close}'`);
    }
  }

  /** A string literal; placeholders inside it are just characters here (their values are escaped). */
  private string(): void {
    const t = this.t;
    const open = this.i++;
    while (this.i < t.length) {
      const c = t.charCodeAt(this.i);
      if (c === 0x22) {
        this.i++;
        return;
      }
      if (c === 0x5c) {
        const e = t[this.i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(t.slice(this.i + 2, this.i + 6))) this.fail('\\u needs four hex digits');
          this.i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) this.i += 2;
        else this.fail(`'\\${e ?? ''}' is not a JSON escape`);
        continue;
      }
      if (c < 0x20) this.fail('a control character (a raw newline or tab) inside a string is not JSON: write \\n or \\t');
      this.i++;
    }
    this.fail('this string is never closed', open);
  }

  private number(): void {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.t.slice(this.i, this.i + 400));
    if (!m) this.fail('not a JSON number');
    this.i += m[0].length;
  }
}
