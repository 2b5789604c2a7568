// Keeps secret values (those that came from the environment: `${NAME}`, `{{ env.NAME }}`, and the password of a
// `user:pass@` URL) out of every output: the summary, the result file and error messages. Applied at those
// boundaries, never per request. The result file is redacted field by field, never as serialized text: a secret
// must not turn a histogram's base64 or a JSON key into garbage.
import { UserError, type Diagnostic } from '../errors.ts';
import type { RunResult } from '../result/types.ts';

/** What a secret is replaced by. */
export const REDACTED = '***';
/**
 * Shorter values are not redacted: replacing every `1` or `on` would shred numbers and words in the output.
 * A secret that short is not a secret anyway.
 */
export const MIN_SECRET_LENGTH = 4;

/** `scheme://user:password@`: the password is replaced whatever its length. */
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s/?#@:]*):[^\s/?#@]*@/gi;

export interface Redactor {
  /** True when there are secrets to redact (URL passwords are redacted regardless). */
  readonly active: boolean;
  /** `text` with every secret (raw or percent-encoded) and every URL password replaced by `***`. */
  text(text: string): string;
  /** The error with secrets removed from its message, diagnostics and stack. */
  error(err: unknown): unknown;
}

/** The password of a `user:pass@host` URL, raw and decoded, to add to the secrets; none for other URLs. */
export function urlSecrets(url: string | undefined): string[] {
  if (url === undefined) return [];
  try {
    const password = new URL(url).password;
    if (password === '') return [];
    return [password, decodeURIComponent(password)];
  } catch {
    return [];
  }
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
    let out = t.includes('://') ? t.replace(URL_PASSWORD, `$1:${REDACTED}@`) : t;
    for (const s of list) if (out.includes(s)) out = out.split(s).join(REDACTED);
    return out;
  };

  const diagnostic = (d: Diagnostic): Diagnostic => ({
    message: text(d.message),
    hint: d.hint === undefined ? undefined : text(d.hint),
    location: d.location === undefined ? undefined : { ...d.location, lineText: d.location.lineText === undefined ? undefined : text(d.location.lineText) },
  });

  const error = (err: unknown): unknown => {
    if (err instanceof UserError) return new UserError(err.diagnostics.map(diagnostic));
    if (err instanceof Error) {
      const stack = err.stack;
      err.message = text(err.message);
      if (stack !== undefined) err.stack = text(stack);
      return err;
    }
    return typeof err === 'string' ? text(err) : err;
  };

  return { active, text, error };
}

/**
 * A copy of `map` with redacted keys. Two names that redact alike stay apart (`*** (2)`), so no entry is lost;
 * Object.fromEntries keeps a key like `__proto__` as data.
 */
function redactKeys<T>(map: Record<string, T>, text: (t: string) => string, value: (v: T) => T = (v) => v): Record<string, T> {
  const out = new Map<string, T>();
  for (const [k, v] of Object.entries(map)) {
    let key = text(k);
    for (let n = 2; key !== k && out.has(key); n++) key = `${text(k)} (${n})`;
    out.set(key, value(v));
  }
  return Object.fromEntries(out) as Record<string, T>;
}

/**
 * The result with secrets replaced in the strings people wrote or the network sent: scenario name and file,
 * target, request/check/scenario/threshold names (also in the per-second points and a k6 script's section), threshold
 * expressions, warnings, iteration errors, the first message of each error class. Numbers,
 * fixed keys, statuses, error classes and the base64 histograms are left exactly as they are.
 */
export function redactRunResult(result: RunResult, redactor: Redactor): RunResult {
  const text = redactor.text;
  const out: RunResult = {
    ...result,
    scenario: { ...result.scenario, name: text(result.scenario.name), file: text(result.scenario.file) },
    requests: redactKeys(result.requests, text),
    checks: redactKeys(result.checks, text),
    warnings: result.warnings.map(text),
    scenarios: redactKeys(result.scenarios, text),
  };
  if (result.target !== undefined) out.target = text(result.target);
  if (result.iterationErrors !== undefined) {
    out.iterationErrors = result.iterationErrors.map((e) => ({ ...e, message: text(e.message), ...(e.location === undefined ? {} : { location: text(e.location) }) }));
  }
  // undici's first message per error class can quote a header value or URL that held a secret.
  if (result.errorMessages !== undefined) out.errorMessages = redactKeys(result.errorMessages, (k) => k, text);
  if (result.thresholds !== undefined) out.thresholds = redactKeys(result.thresholds, text, (list) => list.map((t) => ({ ...t, expression: text(t.expression) })));
  // Per-second points name their requests too (the report's per-request curves).
  if (result.timeSeries.some((p) => p.requests !== undefined)) {
    out.timeSeries = result.timeSeries.map((p) => (p.requests === undefined ? p : { ...p, requests: redactKeys(p.requests, text) }));
  }
  // A k6 script's metric keys carry tag values (`{name:URL}`) and its groups carry request and check names.
  if (result.k6 !== undefined) {
    out.k6 = {
      metrics: redactKeys(result.k6.metrics, text),
      groups: result.k6.groups.map((g) => ({ ...g, path: text(g.path), name: text(g.name), checks: redactKeys(g.checks, text), requests: redactKeys(g.requests, text) })),
      ...(result.k6.samples ? { samples: redactKeys(result.k6.samples, text) } : {}),
    };
  }
  return out;
}
