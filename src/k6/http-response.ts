// The response object k6 scripts read: status, body, headers under Go's canonical names, cookies, timings,
// error and k6's error codes, json(selector), the request as sent.
import { STATUS_CODES } from 'node:http';
import { Cookie } from 'tough-cookie';
import type { ErrorKind } from '../errors.ts';

/** k6's error codes (lib/netext/httpext/error_codes.go) for runner's error classes, with k6's wording. */
const ERROR_CODES: Record<ErrorKind, [number, string]> = {
  refused: [1212, 'dial: connection refused'],
  connect_timeout: [1211, 'dial: i/o timeout'],
  timeout: [1050, 'request timeout'],
  reset: [1220, 'read: connection reset by peer'],
  closed: [1000, 'EOF'],
  dns: [1101, 'lookup: no such host'],
  tls: [1300, 'tls: handshake failure'],
  protocol: [1000, 'malformed HTTP response'],
  aborted: [1000, 'request aborted'],
  invalid_request: [1020, 'invalid URL'],
  fd_limit: [1200, 'too many open files'],
  unreachable: [1200, 'connect: no route to host'],
  ports_exhausted: [1200, 'cannot assign requested address'],
  other: [1000, 'request failed'],
};

export function k6ErrorCode(kind: ErrorKind): { code: number; text: string } {
  const [code, text] = ERROR_CODES[kind] ?? ERROR_CODES.other;
  return { code, text };
}

/** Go's textproto.CanonicalMIMEHeaderKey: `content-type` → `Content-Type`, as k6 shows header names. */
export function canonicalHeaderName(name: string): string {
  let out = '';
  let upper = true;
  for (const ch of name) {
    out += upper ? ch.toUpperCase() : ch.toLowerCase();
    upper = ch === '-';
  }
  return out;
}

export interface K6Timings {
  duration: number;
  blocked: number;
  connecting: number;
  tls_handshaking: number;
  sending: number;
  waiting: number;
  receiving: number;
}

export interface K6CookieView {
  name: string;
  value: string;
  domain: string;
  path: string;
  http_only: boolean;
  secure: boolean;
  max_age: number;
  expires: number;
}

export interface K6RequestView {
  method: string;
  url: string;
  headers: Record<string, string[]>;
  body: string;
  cookies: Record<string, { name: string; value: string; replace: boolean }[]>;
}

export class K6Response {
  status = 0;
  status_text = '';
  proto = 'HTTP/1.1';
  body: string | ArrayBuffer | null = null;
  headers: Record<string, string> = {};
  cookies: Record<string, K6CookieView[]> = {};
  url = '';
  remote_ip = '';
  remote_port = 0;
  tls_version = '';
  tls_cipher_suite = '';
  ocsp = { produced_at: 0, this_update: 0, next_update: 0, revocation_reason: '', revoked_at: 0, status: 'unknown' };
  error = '';
  error_code = 0;
  timings: K6Timings = { duration: 0, blocked: 0, connecting: 0, tls_handshaking: 0, sending: 0, waiting: 0, receiving: 0 };
  request: K6RequestView = { method: '', url: '', headers: {}, body: '', cookies: {} };
  private parsed: unknown = undefined;
  private parsedOk = false;

  /** The body parsed as JSON, or the value at a gjson-style `selector` (`a.b.0`, `items.#`); throws when it is not JSON. */
  json(selector?: string): unknown {
    if (!this.parsedOk) {
      const text = typeof this.body === 'string' ? this.body : this.body === null ? null : Buffer.from(this.body).toString('utf8');
      if (text === null) throw new Error('the body is null: the response has no body (responseType none, or discardResponseBodies)');
      this.parsed = JSON.parse(text);
      this.parsedOk = true;
    }
    return selector === undefined ? this.parsed : select(this.parsed, selector);
  }

  html(): never {
    throw new Error('res.html() (k6/html) is not supported by runner: match the body with a RegExp or res.json()');
  }

  clickLink(): never {
    throw new Error('res.clickLink() (k6/html) is not supported by runner');
  }

  submitForm(): never {
    throw new Error('res.submitForm() (k6/html) is not supported by runner');
  }
}

/** A subset of gjson paths: dot-separated keys, array indices, `#` for an array's length; undefined when absent. */
function select(value: unknown, selector: string): unknown {
  let cur: unknown = value;
  for (const raw of selector.split(/(?<!\\)\./)) {
    const key = raw.replace(/\\\./g, '.');
    if (cur === null || typeof cur !== 'object') return undefined;
    if (Array.isArray(cur)) {
      if (key === '#') cur = cur.length;
      else if (/^\d+$/.test(key)) cur = cur[Number(key)];
      else cur = cur.map((item) => (item !== null && typeof item === 'object' ? (item as Record<string, unknown>)[key] : undefined));
    } else cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

/** Response headers (lower-case from undici) under Go's canonical names, repeated values joined with ', '. */
export function canonicalHeaders(headers: Readonly<Record<string, string | string[] | undefined>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name in headers) {
    const v = headers[name];
    if (v === undefined) continue;
    out[canonicalHeaderName(name)] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

/** `res.cookies`: the cookies this response set, by name. */
export function responseCookies(setCookie: string | string[] | undefined, url: URL): Record<string, K6CookieView[]> {
  const out: Record<string, K6CookieView[]> = {};
  if (setCookie === undefined) return out;
  for (const line of Array.isArray(setCookie) ? setCookie : [setCookie]) {
    const c = Cookie.parse(line);
    if (!c) continue;
    const expires = c.expires instanceof Date ? c.expires.getTime() : 0;
    (out[c.key] ??= []).push({
      name: c.key,
      value: c.value,
      domain: c.domain ?? url.hostname,
      path: c.path ?? '/',
      http_only: c.httpOnly,
      secure: c.secure,
      max_age: typeof c.maxAge === 'number' ? c.maxAge : 0,
      expires,
    });
  }
  return out;
}

export function statusText(status: number): string {
  return status === 0 ? '' : `${status} ${STATUS_CODES[status] ?? ''}`.trimEnd();
}
