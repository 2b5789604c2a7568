// Exceptions thrown by scenario code, counted by message: the first few distinct messages keep their
// count and where they were raised; the rest are counted together. Shown once in the summary.
import type { Location } from '../errors.ts';

export interface IterationErrorEntry {
  message: string;
  count: number;
  /** `file:line:col` in the user's source, when the stack showed it. */
  location?: string;
}

export interface IterationErrors {
  /** Counts `err`; `locate` is asked only for a message not seen before. */
  record(err: unknown, locate?: (err: unknown) => Location | undefined): void;
  toJSON(): IterationErrorEntry[];
}

/** Distinct messages kept; later new messages are counted under one "other messages" entry. */
export const MAX_DISTINCT_ERRORS = 10;
export const OTHER_MESSAGES = '(other messages)';

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.name && err.name !== 'Error' ? `${err.name}: ${err.message}` : err.message;
  return `thrown: ${typeof err === 'string' ? err : JSON.stringify(err) ?? String(err)}`;
}

export function createIterationErrors(): IterationErrors {
  const byMessage = new Map<string, IterationErrorEntry>();
  let other: IterationErrorEntry | undefined;
  return {
    record(err, locate) {
      const message = errorMessage(err);
      const known = byMessage.get(message);
      if (known) {
        known.count++;
        return;
      }
      if (byMessage.size >= MAX_DISTINCT_ERRORS) {
        other ??= { message: OTHER_MESSAGES, count: 0 };
        other.count++;
        return;
      }
      const loc = locate?.(err);
      byMessage.set(message, loc ? { message, count: 1, location: `${loc.file}:${loc.line}:${loc.column}` } : { message, count: 1 });
    },
    toJSON() {
      const list = [...byMessage.values()].map((e) => ({ ...e }));
      return other ? [...list, { ...other }] : list;
    },
  };
}
