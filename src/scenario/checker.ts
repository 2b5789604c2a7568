// Small typed readers over a plain object that collect every problem with its position.
import { didYouMean, type Diagnostic, type Location } from '../errors.ts';
import { parseDuration } from './duration.ts';
import { LIMITS, formatLimit, formatLimitMs } from './limits.ts';

export type Path = readonly (string | number)[];
/** Where a path is in the source; `key` asks for the key rather than the value. */
export type Locate = (path: Path, key?: boolean) => Location | undefined;

export class Checker {
  readonly diagnostics: Diagnostic[] = [];
  constructor(
    readonly locate: Locate,
    readonly file: string,
  ) {}

  fail(path: Path, message: string, hint?: string, key = false): undefined {
    const at = path.length > 0 ? ` at '${renderPath(path)}'` : '';
    this.diagnostics.push({ message: `${message}${at}`, location: this.locate(path, key) ?? { file: this.file, line: 1, column: 1 }, hint });
    return undefined;
  }

  /** Reports every key of `obj` not in `allowed`, with a did-you-mean hint. */
  onlyKeys(obj: Record<string, unknown>, path: Path, allowed: readonly string[]): void {
    for (const key of Object.keys(obj)) {
      if (allowed.includes(key)) continue;
      const guess = didYouMean(key, allowed);
      this.fail([...path, key], `unknown key '${key}'`, guess ?? `allowed keys here: ${allowed.join(', ')}`, true);
    }
  }

  object(value: unknown, path: Path, what = 'a mapping', hint = "write 'key: value' lines indented under it"): Record<string, unknown> | undefined {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
    return this.fail(path, `expected ${what}, got ${describe(value)}`, hint);
  }

  array(value: unknown, path: Path): unknown[] | undefined {
    if (Array.isArray(value)) return value;
    return this.fail(path, `expected a list, got ${describe(value)}`, "start each item with '- ' on its own line");
  }

  string(value: unknown, path: Path, hint?: string): string | undefined {
    if (typeof value === 'string') return value;
    return this.fail(path, `expected a string, got ${describe(value)}`, hint);
  }

  boolean(value: unknown, path: Path): boolean | undefined {
    if (typeof value === 'boolean') return value;
    return this.fail(path, `expected true or false, got ${describe(value)}`, 'write true or false without quotes');
  }

  /** An integer within [min, max]. */
  int(value: unknown, path: Path, min: number, max = Number.MAX_SAFE_INTEGER, hint?: string): number | undefined {
    if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return value;
    const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${formatLimit(max)}`;
    return this.fail(path, `expected a whole number ${range}, got ${describe(value)}`, hint ?? numberHint(value, path, `use a whole number ${range}`, Math.max(min, 1)));
  }

  /** A whole number within [min, max] where `max` is one of LIMITS: a value above it is "over the limit". */
  bounded(value: unknown, path: Path, min: number, max: number): number | undefined {
    if (typeof value === 'number' && value > max) {
      return this.fail(path, `${describe(value)} is over the limit of ${formatLimit(max)}`, `use a whole number from ${min} to ${formatLimit(max)}`);
    }
    return this.int(value, path, min, max);
  }

  /** A positive (or zero, when `allowZero`) number, at most `max`. */
  number(value: unknown, path: Path, allowZero = false, max = Number.MAX_VALUE, hint?: string): number | undefined {
    if (typeof value === 'number' && Number.isFinite(value) && value > max) {
      return this.fail(path, `${describe(value)} is over the limit of ${formatLimit(max)}`, hint ?? `use at most ${formatLimit(max)}`);
    }
    if (typeof value === 'number' && Number.isFinite(value) && (value > 0 || (allowZero && value === 0))) return value;
    return this.fail(path, `expected a ${allowZero ? 'non-negative' : 'positive'} number, got ${describe(value)}`, numberHint(value, path, allowZero ? 'it cannot be negative' : 'it must be greater than 0', 10));
  }

  /** A duration string such as `5s` of at most `maxMs`; returns milliseconds. */
  duration(value: unknown, path: Path, allowZero = true, maxMs: number = LIMITS.durationMs): number | undefined {
    const ms = typeof value === 'string' ? parseDuration(value) : undefined;
    if (ms !== undefined && ms > maxMs) {
      return this.fail(path, `duration ${describe(value)} is over the limit of ${formatLimitMs(maxMs)}`, `use at most ${formatLimitMs(maxMs)}: longer timers are not kept`);
    }
    if (ms !== undefined && (allowZero || ms > 0)) return ms;
    const hint =
      ms === 0
        ? 'it must be greater than 0'
        : typeof value === 'string' && value.trim().startsWith('-')
          ? 'a duration cannot be negative'
          : "write it with a unit: '500ms', '5s', '1m30s'";
    return this.fail(path, `expected a ${allowZero ? '' : 'positive '}duration, got ${describe(value)}`, hint);
  }
}

/** The hint for a bad number: out of range when it is a number, else how to write one. */
function numberHint(value: unknown, path: Path, outOfRange: string, example: number): string {
  if (typeof value === 'number') return outOfRange;
  return `write a number without quotes, e.g. ${path[path.length - 1]}: ${example}`;
}

export function renderPath(path: Path): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

export function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `'${value.length > 40 ? value.slice(0, 40) + '…' : value}'`;
  return `${typeof value} ${String(value)}`;
}
