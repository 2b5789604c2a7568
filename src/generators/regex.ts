// Generator `regex`: strings matching a simple regular expression, e.g. `[A-Z]{3}-\d{4}`.
import { checkKeys, stringArg } from './args.ts';
import { GeneratorArgError, type FieldValue, type Generator, type GeneratorFactory, type Rng } from './types.ts';

/*
 * Grammar (a subset of JavaScript regular expressions; `^` and `$` at the ends are ignored):
 *
 *   alternation := sequence ( '|' sequence )*
 *   sequence    := ( atom quantifier? )*
 *   atom        := char | '\' escape | '.' | class | '(' ( '?:' )? alternation ')'
 *   class       := '[' '^'? ( char | char '-' char | '\' escape )+ ']'
 *   escape      := d | w | s | D | W | S | any punctuation (itself) | n | t
 *   quantifier  := ( '?' | '*' | '+' | '{n}' | '{n,}' | '{n,m}' ) '?'?
 *
 * `*`, `+` and `{n,}` repeat at most UNBOUNDED_EXTRA times more than their minimum. `.` and negated classes draw
 * from printable ASCII. Back-references, look-arounds and flags are refused.
 */

const UNBOUNDED_EXTRA = 8;
const MAX_PATTERN = 1000;
const MAX_OUTPUT = 4096;

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => String.fromCharCode(from + i));
const DIGITS = range(0x30, 0x39);
const WORD = [...range(0x41, 0x5a), ...range(0x61, 0x7a), ...DIGITS, '_'];
const SPACE = [' '];
const PRINTABLE = range(0x20, 0x7e);
const DOT = PRINTABLE.filter((c) => c !== ' ');

type Node =
  | { kind: 'set'; chars: readonly string[] }
  | { kind: 'alt'; options: Node[][] }
  | { kind: 'repeat'; node: Node; min: number; max: number };

class Parser {
  private i = 0;
  constructor(private readonly src: string) {}

  parse(): Node[] {
    if (this.src.startsWith('^')) this.i = 1;
    const alt = this.alternation();
    if (this.i < this.src.length) this.fail(`unexpected '${this.src[this.i]}'`);
    return alt.options.length === 1 ? alt.options[0] : [alt];
  }

  private alternation(): Extract<Node, { kind: 'alt' }> {
    const options = [this.sequence()];
    while (this.src[this.i] === '|') {
      this.i++;
      options.push(this.sequence());
    }
    return { kind: 'alt', options };
  }

  private sequence(): Node[] {
    const out: Node[] = [];
    while (this.i < this.src.length) {
      const c = this.src[this.i];
      if (c === '|' || c === ')') break;
      if (c === '$' && this.i === this.src.length - 1) {
        this.i++;
        break;
      }
      const atom = this.atom();
      out.push(this.quantifier(atom));
    }
    return out;
  }

  private atom(): Node {
    const c = this.src[this.i++];
    if (c === '.') return { kind: 'set', chars: DOT };
    if (c === '\\') return { kind: 'set', chars: this.escape() };
    if (c === '[') return this.charClass();
    if (c === '(') {
      if (this.src[this.i] === '?') {
        if (this.src[this.i + 1] !== ':') this.fail('look-arounds and named groups are not supported');
        this.i += 2;
      }
      const alt = this.alternation();
      if (this.src[this.i] !== ')') this.fail("unclosed '('");
      this.i++;
      return alt;
    }
    if ('*+?{'.includes(c)) this.fail(`'${c}' has nothing to repeat`);
    return { kind: 'set', chars: [c] };
  }

  private escape(): string[] {
    const c = this.src[this.i++];
    if (c === undefined) this.fail('the pattern ends with a lone backslash');
    if (c === 'd') return DIGITS;
    if (c === 'w') return WORD;
    if (c === 's') return SPACE;
    if (c === 'D') return PRINTABLE.filter((x) => !DIGITS.includes(x));
    if (c === 'W') return PRINTABLE.filter((x) => !WORD.includes(x));
    if (c === 'S') return DOT;
    if (c === 'n') return ['\n'];
    if (c === 't') return ['\t'];
    if (/[0-9]/.test(c)) this.fail('back-references are not supported');
    if (/[A-Za-z]/.test(c)) this.fail(`'\\${c}' is not supported`);
    return [c];
  }

  private charClass(): Node {
    const negate = this.src[this.i] === '^';
    if (negate) this.i++;
    const chars = new Set<string>();
    let first = true;
    while (this.i < this.src.length && (this.src[this.i] !== ']' || first)) {
      first = false;
      const c = this.src[this.i++];
      if (c === '\\') {
        for (const x of this.escape()) chars.add(x);
        continue;
      }
      if (this.src[this.i] === '-' && this.i + 1 < this.src.length && this.src[this.i + 1] !== ']') {
        let end = this.src[this.i + 1];
        this.i += 2;
        if (end === '\\') end = this.src[this.i++];
        if (end.charCodeAt(0) < c.charCodeAt(0)) this.fail(`range '${c}-${end}' is reversed`);
        for (const x of range(c.charCodeAt(0), end.charCodeAt(0))) chars.add(x);
        continue;
      }
      chars.add(c);
    }
    if (this.src[this.i] !== ']') this.fail("unclosed '['");
    this.i++;
    const list = negate ? PRINTABLE.filter((x) => !chars.has(x)) : [...chars];
    if (list.length === 0) this.fail('a character class matches nothing');
    return { kind: 'set', chars: list };
  }

  private quantifier(node: Node): Node {
    const c = this.src[this.i];
    let min: number;
    let max: number;
    if (c === '?') [min, max] = [0, 1];
    else if (c === '*') [min, max] = [0, UNBOUNDED_EXTRA];
    else if (c === '+') [min, max] = [1, 1 + UNBOUNDED_EXTRA];
    else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.i));
      if (!m) return node; // a '{' that is no quantifier is a literal, as in JavaScript
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] === '' ? min + UNBOUNDED_EXTRA : Number(m[3]);
      if (max < min) this.fail(`quantifier '${m[0]}' is reversed`);
      this.i += m[0].length - 1;
    } else return node;
    this.i++;
    if (this.src[this.i] === '?') this.i++; // lazy: the same strings
    return { kind: 'repeat', node, min, max };
  }

  private fail(message: string): never {
    throw new GeneratorArgError(`argument 'pattern': ${message} (at offset ${this.i})`, 'pattern', 'a simple pattern: literals, [classes], \\d \\w \\s, groups with |, and ? * + {n} {n,m}');
  }
}

function maxLength(nodes: readonly Node[]): number {
  let n = 0;
  for (const node of nodes) {
    if (node.kind === 'set') n += 1;
    else if (node.kind === 'alt') n += Math.max(0, ...node.options.map(maxLength));
    else n += node.max * maxLength([node.node]);
  }
  return n;
}

function drawNodes(nodes: readonly Node[], rng: Rng): string {
  let s = '';
  for (let i = 0; i < nodes.length; i++) s += drawNode(nodes[i], rng);
  return s;
}

/** One node's text; a repeat draws its node again each time (no one-element array per repetition). */
function drawNode(node: Node, rng: Rng): string {
  if (node.kind === 'set') return node.chars.length === 1 ? node.chars[0] : node.chars[rng.int(node.chars.length)];
  if (node.kind === 'alt') return drawNodes(node.options[rng.int(node.options.length)], rng);
  const count = node.min + rng.int(node.max - node.min + 1);
  let s = '';
  for (let k = 0; k < count; k++) s += drawNode(node.node, rng);
  return s;
}

/**
 * The character sets of a pattern whose every string has the same shape (no `|` with two options, every repeat
 * fixed): then each string is one choice per position, and position i's choice is a digit of `at`'s index.
 * undefined when the pattern has any other shape (its strings could repeat under an enumeration).
 */
function fixedShape(nodes: readonly Node[]): (readonly string[])[] | undefined {
  const out: (readonly string[])[] = [];
  for (const node of nodes) {
    if (node.kind === 'set') out.push(node.chars);
    else if (node.kind === 'alt') {
      if (node.options.length !== 1) return undefined;
      const inner = fixedShape(node.options[0]);
      if (!inner) return undefined;
      out.push(...inner);
    } else {
      if (node.min !== node.max) return undefined;
      const inner = fixedShape([node.node]);
      if (!inner) return undefined;
      for (let k = 0; k < node.min; k++) out.push(...inner);
    }
  }
  return out;
}

class RegexGenerator implements Generator {
  readonly size?: number;
  private readonly positions: (readonly string[])[] | undefined;

  constructor(private readonly nodes: Node[]) {
    const shape = fixedShape(nodes);
    let size = 1;
    for (const p of shape ?? []) size *= p.length;
    if (shape && size <= Number.MAX_SAFE_INTEGER) {
      this.positions = shape;
      this.size = size;
    }
  }

  draw(rng: Rng): FieldValue {
    return drawNodes(this.nodes, rng);
  }

  /** `index` in mixed radix, the last position varying fastest. */
  at(index: number): FieldValue {
    const positions = this.positions!;
    let s = '';
    let x = index;
    for (let i = positions.length - 1; i >= 0; i--) {
      const n = positions[i].length;
      const q = Math.floor(x / n);
      s = positions[i][x - q * n] + s;
      x = q;
    }
    return s;
  }
}

export const regex: GeneratorFactory = (args) => {
  checkKeys(args, ['pattern']);
  const pattern = stringArg(args, 'pattern');
  if (pattern === undefined) throw new GeneratorArgError("missing required argument 'pattern'", 'pattern', "e.g. pattern: '[A-Z]{3}-\\d{4}'");
  if (pattern.length > MAX_PATTERN) throw new GeneratorArgError(`argument 'pattern' is longer than ${MAX_PATTERN} characters`, 'pattern');
  const nodes = new Parser(pattern).parse();
  const longest = maxLength(nodes);
  if (longest > MAX_OUTPUT) throw new GeneratorArgError(`argument 'pattern' can make strings of ${longest} characters; at most ${MAX_OUTPUT}`, 'pattern', 'use smaller repeat counts');
  return new RegexGenerator(nodes);
};

