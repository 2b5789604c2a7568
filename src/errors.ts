// User-facing diagnostics (file:line:col + hint) and the classes of network failure.
import { escapeTerminalText } from './terminal-text.ts';

/** A place in a user's file. `line` and `column` are 1-based. */
export interface Location {
  file: string;
  line: number;
  column: number;
  /** The text of the offending line, shown under the message when present. */
  lineText?: string;
}

export interface Diagnostic {
  message: string;
  location?: Location;
  hint?: string;
}

/** A mistake in the user's input. Printed without a stack trace; exit code 2. */
export class UserError extends Error {
  readonly diagnostics: Diagnostic[];
  constructor(diagnostics: Diagnostic | Diagnostic[]) {
    const list = Array.isArray(diagnostics) ? diagnostics : [diagnostics];
    super(list.map((d) => d.message).join('; '));
    this.name = 'UserError';
    this.diagnostics = list;
  }
}

export function isUserError(err: unknown): err is UserError {
  return err instanceof Error && err.name === 'UserError' && Array.isArray((err as UserError).diagnostics);
}

/**
 * Renders one diagnostic the way compilers do: `file:line:col: message`, the line, a caret, the hint.
 * `displayFile` shortens the file name (e.g. relative to the working directory). Every part is escaped for the
 * terminal: a file name, a scenario line or a name quoted in a message may hold control characters.
 */
export function renderDiagnostic(d: Diagnostic, displayFile: (file: string) => string = (f) => f): string {
  const lines: string[] = [];
  const where = d.location ? `${escapeTerminalText(displayFile(d.location.file))}:${d.location.line}:${d.location.column}: ` : '';
  lines.push(`${where}error: ${escapeTerminalText(d.message)}`);
  if (d.location?.lineText !== undefined) {
    const text = d.location.lineText.replace(/\t/g, ' ');
    // The caret sits under the same character once the text before it is escaped (`\e` is two columns).
    const caretAt = escapeTerminalText(text.slice(0, Math.max(0, d.location.column - 1))).length;
    lines.push(`  ${String(d.location.line).padStart(4)} | ${escapeTerminalText(text)}`);
    lines.push(`       | ${' '.repeat(caretAt)}^`);
  }
  if (d.hint) lines.push(`  hint: ${escapeTerminalText(d.hint)}`);
  return lines.join('\n');
}

/** Why a request got no HTTP response. Keys of `totals.errors` in the result file. */
export const errorKinds = [
  'refused',
  'connect_timeout',
  'timeout',
  'reset',
  'closed',
  'dns',
  'tls',
  'protocol',
  'aborted',
  /** Refused before sending: a header value, path or method that HTTP (and undici) does not allow. */
  'invalid_request',
  /** runner ran out of file descriptors (EMFILE/ENFILE): raise `ulimit -n` or lower `http.connections`. */
  'fd_limit',
  /** No route to the target's host or network (EHOSTUNREACH, ENETUNREACH, EHOSTDOWN, ENETDOWN). */
  'unreachable',
  /** No free local port to connect from (EADDRNOTAVAIL): ephemeral ports exhausted, runner's side. */
  'ports_exhausted',
  'other',
] as const;
export type ErrorKind = (typeof errorKinds)[number];

/** The edit distance used for "did you mean" hints. */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}

/** "did you mean 'x'?" for the closest candidate within a small distance, else undefined. */
export function didYouMean(input: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(input.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = c;
    }
  }
  if (best === undefined || bestDistance > Math.max(2, Math.floor(input.length / 3))) return undefined;
  return `did you mean '${best}'?`;
}
