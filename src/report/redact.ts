// Keeps secret values (those that came from the environment: `${NAME}`, `{{ env.NAME }}`) out of every
// output: the summary, the result file and error messages. Applied at those boundaries, never per request.
import { UserError, type Diagnostic } from '../errors.ts';

/** What a secret is replaced by. */
export const REDACTED = '***';
/**
 * Shorter values are not redacted: replacing every `1` or `on` would shred numbers and words in the output.
 * A secret that short is not a secret anyway.
 */
export const MIN_SECRET_LENGTH = 4;

export interface Redactor {
  /** True when there is anything to redact. */
  readonly active: boolean;
  /** `text` with every secret (raw or percent-encoded) replaced by `***`. */
  text(text: string): string;
  /** A deep copy of plain data (objects, arrays, strings) with secrets replaced in values and keys. */
  value<T>(value: T): T;
  /** The error with secrets removed from its message, diagnostics and stack. */
  error(err: unknown): unknown;
}

export function createRedactor(secrets: readonly string[]): Redactor {
  const forms = new Set<string>();
  for (const s of secrets) {
    if (s.length < MIN_SECRET_LENGTH) continue;
    forms.add(s);
    // Placeholders in paths are percent-encoded, in JSON bodies escaped: redact those spellings too.
    forms.add(encodeURIComponent(s));
    forms.add(JSON.stringify(s).slice(1, -1));
  }
  // Longest first, so a secret containing another is replaced whole.
  const list = [...forms].sort((a, b) => b.length - a.length);
  const active = list.length > 0;

  const text = (t: string): string => {
    if (!active) return t;
    let out = t;
    for (const s of list) if (out.includes(s)) out = out.split(s).join(REDACTED);
    return out;
  };

  const value = <T>(v: T): T => {
    if (!active) return v;
    if (typeof v === 'string') return text(v) as T;
    if (Array.isArray(v)) return v.map(value) as T;
    if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[text(k)] = value(x);
      return out as T;
    }
    return v;
  };

  const diagnostic = (d: Diagnostic): Diagnostic => ({
    message: text(d.message),
    hint: d.hint === undefined ? undefined : text(d.hint),
    location: d.location === undefined ? undefined : { ...d.location, lineText: d.location.lineText === undefined ? undefined : text(d.location.lineText) },
  });

  const error = (err: unknown): unknown => {
    if (!active) return err;
    if (err instanceof UserError) return new UserError(err.diagnostics.map(diagnostic));
    if (err instanceof Error) {
      const stack = err.stack;
      err.message = text(err.message);
      if (stack !== undefined) err.stack = text(stack);
      return err;
    }
    return typeof err === 'string' ? text(err) : err;
  };

  return { active, text, value, error };
}
