// One received WebSocket message, and how steps match it (JSON path equals / text contains) or find a tracked id in it.
import { selectJsonPath, type PathSegment } from '../scenario/json-path.ts';

const NOT_JSON = Symbol('not JSON');

/** A received message. The text is parsed as JSON at most once, on first need. */
export class WsMessage {
  private parsed: unknown = undefined;
  private isParsed = false;
  constructor(
    /** The message as text (a binary message is decoded as UTF-8). */
    readonly data: string,
    /** Run clock time of arrival, ms. */
    readonly atMs: number,
  ) {}

  /** The message parsed as JSON; throws when it is not JSON. */
  json<T = any>(): T {
    const v = this.tryJson();
    if (v === NOT_JSON) throw new SyntaxError(`WebSocket message is not JSON: ${this.data.slice(0, 80)}`);
    return v as T;
  }

  /** The parsed value, or NOT_JSON; never throws. */
  tryJson(): unknown {
    if (!this.isParsed) {
      this.isParsed = true;
      try {
        this.parsed = JSON.parse(this.data);
      } catch {
        this.parsed = NOT_JSON;
      }
    }
    return this.parsed;
  }

  /** The value at a JSON path; undefined when absent or not JSON. */
  select(segments: readonly PathSegment[]): unknown {
    const v = this.tryJson();
    return v === NOT_JSON ? undefined : selectJsonPath(v, segments);
  }
}

/** What a wait step looks for. */
export type MessageMatch =
  | { kind: 'any' }
  | { kind: 'json'; segments: PathSegment[]; equals?: unknown }
  | { kind: 'contains'; text: string }
  | { kind: 'predicate'; test: (m: WsMessage) => boolean };

export function matches(m: WsMessage, match: MessageMatch): boolean {
  switch (match.kind) {
    case 'any':
      return true;
    case 'contains':
      return m.data.includes(match.text);
    case 'predicate':
      return match.test(m);
    case 'json': {
      const v = m.select(match.segments);
      if (match.equals === undefined) return v !== undefined;
      // YAML `equals: 10` matches 10 and "10": a server may send either.
      return v === match.equals || (v !== undefined && v !== null && typeof v !== 'object' && String(v) === String(match.equals));
    }
  }
}

/** Where a tracked id sits in received messages. */
export type IdLocator = { kind: 'json'; segments: PathSegment[] } | { kind: 'pattern'; regex: RegExp };

/** The tracked id in a message, or undefined. A pattern's first group (or the whole match) is the id. */
export function findId(m: WsMessage, at: IdLocator): string | undefined {
  if (at.kind === 'json') {
    const v = m.select(at.segments);
    return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
  }
  const hit = at.regex.exec(m.data);
  return hit === null ? undefined : (hit[1] ?? hit[0]);
}
