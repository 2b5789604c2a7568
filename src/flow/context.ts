// The context a code scenario's iteration, setup and teardown receive: HTTP through the run's pool, checks,
// sleep, fields and generators, per-VU state. Types only; code-flow.ts implements them.
import type { ErrorKind } from '../errors.ts';
import type { CharsetName } from '../generators/charsets.ts';
import type { Ws } from './ws-context.ts';

/** A response, or a request that got none (`status` 0, `error` set). Never thrown. */
export interface HttpResponse {
  /** HTTP status; 0 when there was no response (see `error`). */
  status: number;
  /** Lower-case header names. */
  headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The body as text ('' when dropped with `discardBody`, too large for `http.maxCaptureSize`, or no response). */
  body: string;
  /** The body parsed as JSON; throws (failing the iteration) when it is not JSON. */
  json<T = any>(): T;
  /** Whether the status is one the request expects (default any 2xx/3xx). */
  ok: boolean;
  /** Why there is no response: `refused`, `timeout`, `reset`, … */
  error?: ErrorKind;
  errorMessage?: string;
  /** Milliseconds from send to the end of the body. */
  durationMs: number;
  /** The metrics name the request was counted under. */
  name: string;
}

export interface RequestOptions {
  /** Metrics name; default `METHOD path` (without the query string). Keep it low-cardinality. */
  name?: string;
  headers?: Record<string, string>;
  /** Statuses counted as success; default any 2xx/3xx. */
  expect?: number | readonly number[];
  /** Milliseconds, or a duration like `'5s'`; default `http.timeout` of the scenario. */
  timeout?: number | string;
  /** Do not buffer the body (saves memory on big responses); `body` is then ''. */
  discardBody?: boolean;
}

/**
 * A request body: a string is sent as is; `URLSearchParams` as a form (`application/x-www-form-urlencoded`);
 * `FormData` as `multipart/form-data` (files as `Blob`s); any other value as JSON with
 * `content-type: application/json` (unless the headers set one).
 */
export type RequestBody = string | URLSearchParams | FormData | Record<string, unknown> | unknown[] | number | boolean | null;

/** HTTP through the run's shared keep-alive pool; every request is measured like a YAML request. */
export interface Http {
  /** `url` is a path (resolved against `target`) or an absolute `http(s)://` URL. */
  request(method: string, url: string, body?: RequestBody, opts?: RequestOptions): Promise<HttpResponse>;
  get(url: string, opts?: RequestOptions): Promise<HttpResponse>;
  delete(url: string, opts?: RequestOptions): Promise<HttpResponse>;
  post(url: string, body?: RequestBody, opts?: RequestOptions): Promise<HttpResponse>;
  put(url: string, body?: RequestBody, opts?: RequestOptions): Promise<HttpResponse>;
  patch(url: string, body?: RequestBody, opts?: RequestOptions): Promise<HttpResponse>;
}

/** The YAML generators, drawing from the iteration's seeded stream (`--seed` replays them). */
export interface Generators {
  /** `length` characters from a named charset (default alpha) or from `{ chars: 'abc' }`. */
  string(length: number, charset?: CharsetName | { chars: string }): string;
  /** A surname syllable and `given` (default 2) given-name syllables, e.g. 김민준. */
  koreanName(given?: number): string;
  email(opts?: { length?: number; charset?: CharsetName; chars?: string; domain?: string }): string;
  /** A uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  pick<T extends string | number>(values: readonly T[], weights?: readonly number[]): T;
  uuid(): string;
  /** A phone number: each `X` of `format` a random digit (default `010-XXXX-XXXX`, a Korean mobile number). */
  phone(format?: string): string;
  /** A UTC day (or second, when `format` shows the time) in [from, to], e.g. `gen.date('2024-01-01', '2024-12-31', 'DD/MM/YYYY')`. */
  date(from: string, to: string, format?: string): string;
  /** A number in [min, max] on a grid of `decimals` (default 2) digits after the point. */
  float(min: number, max: number, decimals?: number): number;
  /** true with probability `probability` (default 0.5). */
  bool(probability?: number): boolean;
  /** A string matching a simple pattern, e.g. `gen.regex('[A-Z]{3}-\\d{4}')`. */
  regex(pattern: string): string;
}

/** The VU's cookie jar (`ctx.jar`); `url` defaults to the scenario's target. */
export interface Jar {
  /** The value of cookie `name` a request to `url` would send. */
  get(name: string, url?: string): string | undefined;
  /** Every cookie a request to `url` would send, name → value. */
  all(url?: string): Record<string, string>;
  /** Sets a cookie as if `url` had sent it (host-only and path '/' unless `domain`/`path` say otherwise). */
  set(name: string, value: string, opts?: { url?: string; domain?: string; path?: string; secure?: boolean; httpOnly?: boolean; maxAge?: number; expires?: Date }): void;
  /** Forgets every cookie of this VU. */
  clear(): void;
}

/** Named predicates over a value; each name is a pass/fail counter in the summary and the result file. */
export type Checks<T> = Record<string, (value: T) => boolean>;

/** What setup() and teardown() get: no fields and no VU. */
export interface SetupContext {
  http: Http;
  /** WebSocket connections: `await ws.connect('/chat?room=a', { headers })` (see ws-context.ts). */
  ws: Ws;
  /** Records every named predicate; returns true when all passed. A predicate that throws fails. */
  check<T>(value: T, checks: Checks<T>): boolean;
  /** Pauses for milliseconds or a duration like `'500ms'`. */
  sleep(duration: number | string): Promise<void>;
  gen: Generators;
}

/** A data file's row: column name → value (text from CSV; JSON keeps numbers and booleans). */
export type DataRow = Readonly<Record<string, string | number | boolean>>;

export interface IterationContext<Data = undefined, Rows extends Record<string, object> = Record<string, DataRow>> extends SetupContext {
  /** The scenario's `fields`, drawn for this iteration. */
  fields: Readonly<Record<string, string | number | boolean>>;
  vu: {
    /** 1-based within its scenario, in this process (or worker). */
    id: number;
    /** 1-based within its scenario across the whole run: every segment and worker (= id when the run is not cut). */
    globalId: number;
    /** Free-form state kept across this VU's iterations (a session, a cookie). */
    state: Record<string, unknown>;
    /** Iterations this VU has started, this one included. */
    iterations: number;
  };
  /**
   * The VU's cookies: what responses set (per iteration by default; `http.cookies: vu` keeps them across its
   * iterations), sent with every request to a matching URL. Read or set them here.
   */
  jar: Jar;
  /** This iteration's number within the scenario, 0-based, across the whole run (every segment and worker). */
  iteration: number;
  /** The scenario's name (`default`, or its key under `scenarios`). */
  scenario: string;
  /** What setup() returned (undefined without setup). */
  data: Data;
  /**
   * This iteration's row of each data file, by its name under `data:` (`ctx.rows.users.email`); the row follows
   * the file's `order`, exactly as `{{users.email}}` in YAML. Type it with `defineScenario<Data, Rows>`.
   */
  rows: Rows;
}
