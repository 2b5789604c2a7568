// What `runner inspect` dispatches to instead of the network: an undici-shaped dispatcher that keeps each request
// exactly as runner handed it over (method, path, headers, body bytes) and answers at once with a stand-in
// response, so the flow goes on to its next request as in a run. Nothing is sent anywhere.
import type { Dispatcher } from 'undici';
import type { Plan } from '../plan/types.ts';
import { parseJsonPath, type PathSegment } from '../scenario/json-path.ts';

/** One request as runner handed it to the HTTP client. */
export interface RecordedRequest {
  origin: string;
  method: string;
  /** Path and query, as written on the request line. */
  path: string;
  /** Flat [name, value, …] as runner set them. */
  headers: string[];
  /** Body bytes; undefined: no body. */
  body?: Buffer;
}

/** Where a recorded request came from; set by the caller before each iteration. */
export interface RecordLabel {
  scenario: string;
  /** 0-based within its scenario; -1 for setup/teardown. */
  iteration: number;
}

/**
 * The stand-in response: the first expected status (default 200) and a JSON body holding, at every capture's JSON
 * path, the text `<name>`, plus a header for every header capture and a cookie for every cookie capture; later
 * requests then show where a captured value goes (without the cookie, a cookie capture failed and inspect showed
 * nothing of the iteration after it).
 */
export function standInResponse(plan: Plan): StandIn {
  const root: Record<string, unknown> = {};
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const setCookies: string[] = [];
  for (const s of plan.scenarios) {
    for (const step of s.steps ?? []) {
      for (const c of step.captures) {
        if (c.from === 'header') headers[c.path] = `<${c.name}>`;
        else if (c.from === 'cookie') setCookies.push(`${c.path}=<${c.name}>; Path=/`);
        else setAt(root, parseJsonPath(c.path) ?? [], `<${c.name}>`);
      }
    }
  }
  return { body: Buffer.from(JSON.stringify(root)), headers, setCookies };
}

export interface StandIn {
  body: Buffer;
  headers: Record<string, string>;
  /** Set-Cookie values, one header each (they cannot be joined into one). */
  setCookies: string[];
}

function setAt(root: Record<string, unknown>, segments: readonly PathSegment[], value: string): void {
  if (segments.length === 0) return;
  let node: Record<string, unknown> | unknown[] = root;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i];
    const last = i === segments.length - 1;
    const next = segments[i + 1];
    const existing = (node as Record<string | number, unknown>)[seg];
    if (last) {
      if (existing === undefined) (node as Record<string | number, unknown>)[seg] = value;
      return;
    }
    if (existing === null || typeof existing !== 'object') {
      const fresh = typeof next === 'number' ? [] : {};
      (node as Record<string | number, unknown>)[seg] = fresh;
      node = fresh;
    } else node = existing as Record<string, unknown>;
  }
}

const controller: Dispatcher.DispatchController = {
  aborted: false,
  paused: false,
  reason: null,
  abort() {},
  pause() {},
  resume() {},
};

/** undici's legacy handler callbacks. */
interface LegacyHandler {
  onConnect?(abort: () => void): void;
  onHeaders?(statusCode: number, headers: Buffer[], resume: () => void, statusText: string): boolean | void;
  onData?(chunk: Buffer): boolean | void;
  onComplete?(trailers: Buffer[]): void;
}

/** A dispatcher for every origin that records into `into` under the label `label()` returns, and answers `status`. */
export function createRecordingDispatcher(
  response: StandIn,
  record: (req: RecordedRequest) => void,
): Dispatcher {
  const dispatcher = {
    dispatch(opts: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
      const body = opts.body === undefined || opts.body === null ? undefined : Buffer.isBuffer(opts.body) ? opts.body : Buffer.from(String(opts.body));
      record({
        origin: String(opts.origin),
        method: opts.method,
        path: opts.path,
        headers: Array.isArray(opts.headers) ? [...(opts.headers as string[])] : Object.entries(opts.headers ?? {}).flatMap(([k, v]) => [k, String(v)]),
        body,
      });
      // Answered on a later turn, as a socket would: the flow awaits its response before going on.
      setImmediate(() => {
        // runner's Exchange speaks undici's legacy handler interface (as undici's Client does): answer it in kind.
        const legacy = handler as LegacyHandler;
        if (typeof legacy.onConnect === 'function') {
          const raw = Object.entries(response.headers).flatMap(([k, v]) => [Buffer.from(k, 'latin1'), Buffer.from(v)]);
          for (const c of response.setCookies) raw.push(Buffer.from('set-cookie', 'latin1'), Buffer.from(c));
          legacy.onConnect(() => {});
          legacy.onHeaders?.(200, raw, () => {}, 'OK');
          legacy.onData?.(response.body);
          legacy.onComplete?.([]);
          return;
        }
        handler.onRequestStart?.(controller, {});
        handler.onResponseStart?.(controller, 200, { ...response.headers, ...(response.setCookies.length > 0 ? { 'set-cookie': response.setCookies } : {}) }, 'OK');
        handler.onResponseData?.(controller, response.body);
        handler.onResponseEnd?.(controller, {});
      });
      return true;
    },
  };
  return dispatcher as unknown as Dispatcher;
}
