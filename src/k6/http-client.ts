// k6/http for one VU: the verbs, request(), batch(), asyncRequest(), params (headers, tags, timeout, redirects,
// responseType, auth, jar, cookies, responseCallback), redirects followed here hop by hop (each hop is one
// request in the metrics, as in k6; the pool itself follows none), cookies through the VU's jar.
import { parseDuration } from '../scenario/duration.ts';
import { createFile, encodeBody } from './http-body.ts';
import { canonicalHeaderName, canonicalHeaders, k6ErrorCode, K6Response, responseCookies, statusText } from './http-response.ts';
import { K6CookieJar } from './cookie-jar.ts';
import { observingDispatcher, type Observation } from './observe.ts';
import { groupNode, tagsOf, type K6Vu } from './vu-state.ts';

const DEFAULT_TIMEOUT_MS = 60_000;
const DEFAULT_MAX_REDIRECTS = 10;

/** What http.url`…` returns: the URL, and a name that keeps the template's placeholders (one metric, many URLs). */
export class URLTag {
  constructor(
    readonly url: string,
    readonly name: string,
  ) {}
  toString(): string {
    return this.url;
  }
}

/** http.expectedStatuses(200, { min: 300, max: 399 }): the statuses a response callback counts as expected. */
export interface ResponseCallback {
  __k6expected: Uint8Array;
}

export function expectedStatuses(...list: (number | { min: number; max: number })[]): ResponseCallback {
  const table = new Uint8Array(1000);
  for (const item of list) {
    if (typeof item === 'number') {
      if (item >= 0 && item < 1000) table[item] = 1;
    } else if (item && typeof item === 'object') {
      for (let s = Math.max(0, item.min); s <= Math.min(999, item.max); s++) table[s] = 1;
    } else throw new TypeError('expectedStatuses: give status numbers or { min, max } ranges');
  }
  return { __k6expected: table };
}

export const DEFAULT_EXPECTED = expectedStatuses({ min: 200, max: 399 }).__k6expected;

export interface Params {
  headers?: Record<string, unknown>;
  tags?: Record<string, unknown>;
  timeout?: string | number;
  redirects?: number;
  responseType?: 'text' | 'binary' | 'none';
  auth?: string;
  jar?: K6CookieJar | null;
  cookies?: Record<string, string | { value: string; replace?: boolean }>;
  responseCallback?: ResponseCallback | null;
  compression?: string;
  /** Throw on a failed request instead of returning a response with `error` (default `options.throw`, false). */
  throw?: boolean;
}

type UrlArg = string | URLTag | URL;

export function createHttpModule(vu: K6Vu) {
  const opts = vu.run.options;

  async function request(method: string, urlArg: UrlArg, body?: unknown, params: Params = {}): Promise<K6Response> {
    params ??= {};
    const upper = String(method).toUpperCase();
    const urlText = String(urlArg);
    const res = new K6Response();
    let url: URL;
    try {
      url = new URL(urlText);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`unsupported protocol scheme '${url.protocol}'`);
    } catch (err) {
      res.error = `invalid URL '${urlText}': ${(err as Error).message}`;
      res.error_code = 1020;
      if (params.throw ?? opts.throw === true) throw new Error(res.error);
      return res;
    }
    let name = params.tags?.name !== undefined ? String(params.tags.name) : urlArg instanceof URLTag ? urlArg.name : urlText;
    const headers: string[] = [];
    const requestHeaders: Record<string, string[]> = {};
    let hasContentType = false;
    let hasUserAgent = false;
    for (const key in params.headers ?? {}) {
      const value = params.headers![key];
      if (value === undefined || value === null) continue;
      const lower = key.toLowerCase();
      if (lower === 'content-type') hasContentType = true;
      if (lower === 'user-agent') hasUserAgent = true;
      headers.push(key, String(value));
      (requestHeaders[canonicalHeaderName(key)] ??= []).push(String(value));
    }
    if (!hasUserAgent && opts.userAgent !== '') {
      const ua = typeof opts.userAgent === 'string' ? opts.userAgent : 'k6/1.0 (https://k6.io/) runner';
      headers.push('User-Agent', ua);
      requestHeaders['User-Agent'] = [ua];
    }
    if (url.username || url.password) {
      if (params.auth !== undefined && params.auth !== 'basic') throw new Error(`http: auth '${params.auth}' is not supported by runner (only basic)`);
      const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
      const value = `Basic ${Buffer.from(credentials).toString('base64')}`;
      headers.push('Authorization', value);
      requestHeaders.Authorization = [value];
      url.username = '';
      url.password = '';
    }
    // The default name is the URL without its credentials (they stay out of metrics and the result file).
    if (name === urlText && url.href !== urlText && params.tags?.name === undefined) name = url.href;
    const encoded = encodeBody(body);
    if (encoded.contentType && !hasContentType) {
      headers.push('Content-Type', encoded.contentType);
      requestHeaders['Content-Type'] = [encoded.contentType];
    }
    const timeoutMs = params.timeout === undefined ? timeoutOf(opts.timeout) ?? DEFAULT_TIMEOUT_MS : timeoutOf(params.timeout);
    if (timeoutMs === undefined || !(timeoutMs > 0)) throw new TypeError(`http: timeout ${JSON.stringify(params.timeout)} is not a duration like '30s' or a number of ms`);
    const maxRedirects = params.redirects ?? (typeof opts.maxRedirects === 'number' ? opts.maxRedirects : DEFAULT_MAX_REDIRECTS);
    const expect = params.responseCallback === null ? new Uint8Array(1000).fill(1) : params.responseCallback?.__k6expected ?? vu.expect;
    const jar = params.jar === null ? undefined : params.jar ?? vu.jar;
    const discard = params.responseType === 'none' || (params.responseType === undefined && opts.discardResponseBodies === true);
    const ownCookies = params.cookies ?? {};

    let hopMethod = upper;
    let hopBody = encoded.body;
    let hopUrl = url;
    for (let hop = 0; ; hop++) {
      const hopHeaders = headers.slice();
      const cookieHeader = cookieHeaderFor(jar, hopUrl.href, ownCookies);
      if (cookieHeader !== '') hopHeaders.push('Cookie', cookieHeader);
      const tags = tagsOf(vu, params.tags);
      tags.name = hop > 0 && params.tags?.name === undefined && !(urlArg instanceof URLTag) ? hopUrl.href : name;
      tags.method = hopMethod;
      tags.url = hopUrl.href;
      const seen: Observation = { headersAtMs: 0, chunks: params.responseType === 'binary' && !discard ? [] : null };
      const sentAtMs = vu.run.now();
      const { exchange: ex, durationMs } = await vu.send({
        name: tags.name,
        method: hopMethod,
        url: hopUrl.href,
        headers: hopHeaders,
        body: hopBody,
        timeoutMs,
        expect,
        keepBody: !discard && seen.chunks === null,
        wrapDispatcher: (d) => observingDispatcher(d, vu.run.now, seen),
      });
      res.status = ex.status;
      res.url = hopUrl.href;
      res.request = { method: hopMethod, url: hopUrl.href, headers: requestHeaders, body: hop === 0 ? encoded.text : '', cookies: requestCookies(cookieHeader) };
      // Waiting runs to the response headers, receiving from there to the body's end; connecting, TLS and
      // sending are not observed (0), as a reused connection shows them in k6.
      const waiting = seen.headersAtMs > 0 ? Math.min(durationMs, Math.max(0, seen.headersAtMs - sentAtMs)) : durationMs;
      res.timings = { duration: durationMs, blocked: 0, connecting: 0, tls_handshaking: 0, sending: 0, waiting, receiving: durationMs - waiting };
      record(vu, ex, durationMs, res.timings, tags);
      res.remote_ip = hopUrl.hostname.replace(/^\[|\]$/g, '');
      res.remote_port = Number(hopUrl.port || (hopUrl.protocol === 'https:' ? 443 : 80));
      if (ex.error) {
        const { code, text } = k6ErrorCode(ex.error);
        res.error = `${hopMethod[0]}${hopMethod.slice(1).toLowerCase()} "${hopUrl.href}": ${text}`;
        res.error_code = code;
        res.headers = {};
        res.body = discard ? null : '';
        res.proto = '';
        break;
      }
      const setCookie = ex.responseHeaders['set-cookie'];
      jar?.store(hopUrl.href, setCookie);
      res.headers = canonicalHeaders(ex.responseHeaders);
      res.cookies = responseCookies(setCookie, hopUrl);
      res.status_text = statusText(ex.status);
      res.body = discard ? null : seen.chunks !== null ? toArrayBuffer(Buffer.concat(seen.chunks)) : ex.responseBody ?? '';
      res.error = '';
      res.error_code = 0;
      const location = ex.responseHeaders.location;
      if (ex.status >= 300 && ex.status < 400 && typeof location === 'string' && hop < maxRedirects) {
        hopUrl = new URL(location, hopUrl);
        // 301/302/303 turn into a GET without a body (as Go's client does); 307/308 repeat the request.
        if (ex.status !== 307 && ex.status !== 308) {
          if (hopMethod !== 'HEAD') hopMethod = 'GET';
          hopBody = undefined;
        }
        continue;
      }
      if (ex.status >= 300 && ex.status < 400 && typeof location === 'string' && maxRedirects > 0 && hop >= maxRedirects) {
        // k6 logs this and returns the last response.
        res.error = '';
      }
      break;
    }
    if (res.error !== '' && (params.throw ?? opts.throw === true)) throw new Error(res.error);
    return res;
  }

  function record(vuState: K6Vu, ex: Awaited<ReturnType<K6Vu['send']>>['exchange'], durationMs: number, timings: { waiting: number; receiving: number }, tags: Record<string, string>): void {
    const reg = vuState.run.registry;
    tags.status = String(ex.status);
    tags.proto = ex.error ? '' : 'HTTP/1.1';
    tags.expected_response = String(!ex.error && ex.expected);
    if (ex.error) tags.error_code = String(k6ErrorCode(ex.error).code);
    reg.addByName('http_reqs', 1, tags);
    reg.addByName('http_req_failed', ex.error || !ex.expected ? 1 : 0, tags);
    if (!ex.error) {
      reg.addByName('http_req_duration', durationMs, tags);
      reg.addByName('http_req_waiting', timings.waiting, tags);
      reg.addByName('http_req_receiving', timings.receiving, tags);
      for (const m of ['http_req_blocked', 'http_req_connecting', 'http_req_tls_handshaking', 'http_req_sending']) reg.addByName(m, 0, tags);
    }
    reg.addByName('data_sent', ex.bytesSent, tags);
    reg.addByName('data_received', ex.bytesReceived, tags);
    const g = groupNode(vuState.run, vuState.groupPath, vuState.groupPath.slice(vuState.groupPath.lastIndexOf('::') + 2));
    g.requests.set(tags.name, (g.requests.get(tags.name) ?? 0) + 1);
  }

  /** One entry of http.batch: a URL, [method, url, body, params] or { method, url, body, params }. */
  function batchItem(item: unknown): Promise<K6Response> {
    if (typeof item === 'string' || item instanceof URLTag) return request('GET', item);
    if (Array.isArray(item)) return request(item[0], item[1], item[2], item[3]);
    if (item && typeof item === 'object') {
      const o = item as { method?: string; url: UrlArg; body?: unknown; params?: Params };
      return request(o.method ?? 'GET', o.url, o.body, o.params);
    }
    throw new TypeError(`http.batch: invalid request ${JSON.stringify(item)}`);
  }

  async function batch(requests: unknown): Promise<unknown> {
    const limit = typeof opts.batch === 'number' && opts.batch > 0 ? opts.batch : 20;
    const entries: [string | number, unknown][] = Array.isArray(requests) ? requests.map((r, i) => [i, r]) : Object.entries((requests ?? {}) as Record<string, unknown>);
    const results: K6Response[] = new Array(entries.length);
    let next = 0;
    const worker = async () => {
      while (next < entries.length) {
        const i = next++;
        results[i] = await batchItem(entries[i][1]);
      }
    };
    await Promise.all(Array.from({ length: Math.min(limit, entries.length) }, worker));
    if (Array.isArray(requests)) return results;
    const out: Record<string, K6Response> = {};
    entries.forEach(([key], i) => (out[key as string] = results[i]));
    return out;
  }

  const withBody = (method: string) => (url: UrlArg, body?: unknown, params?: Params) => request(method, url, body, params);
  const noBody = (method: string) => (url: UrlArg, params?: Params) => request(method, url, undefined, params);
  return {
    get: noBody('GET'),
    head: noBody('HEAD'),
    post: withBody('POST'),
    put: withBody('PUT'),
    patch: withBody('PATCH'),
    del: withBody('DELETE'),
    options: withBody('OPTIONS'),
    request: (method: string, url: UrlArg, body?: unknown, params?: Params) => request(method, url, body, params),
    asyncRequest: (method: string, url: UrlArg, body?: unknown, params?: Params) => request(method, url, body, params),
    batch,
    cookieJar: () => vu.jar,
    CookieJar: K6CookieJar,
    url: (strings: TemplateStringsArray, ...values: unknown[]) => {
      let url = strings[0];
      let name = strings[0];
      values.forEach((v, i) => {
        url += String(v) + strings[i + 1];
        name += '${}' + strings[i + 1];
      });
      return new URLTag(url, name);
    },
    file: createFile,
    expectedStatuses,
    setResponseCallback: (cb: ResponseCallback | null) => {
      vu.expect = cb === null ? new Uint8Array(1000).fill(1) : cb.__k6expected;
    },
    TLS_1_0: 'tls1.0',
    TLS_1_1: 'tls1.1',
    TLS_1_2: 'tls1.2',
    TLS_1_3: 'tls1.3',
  };
}

function timeoutOf(t: unknown): number | undefined {
  if (t === undefined) return undefined;
  if (typeof t === 'number') return t;
  return parseDuration(String(t));
}

function cookieHeaderFor(jar: K6CookieJar | undefined, url: string, own: NonNullable<Params['cookies']>): string {
  const pairs: string[] = [];
  const replaced = new Set<string>();
  for (const key in own) {
    const v = own[key];
    if (typeof v === 'object' && v !== null && v.replace) replaced.add(key);
  }
  if (jar) {
    const fromJar = jar.headerFor(url);
    if (fromJar !== '') for (const pair of fromJar.split('; ')) if (!replaced.has(pair.slice(0, pair.indexOf('=')))) pairs.push(pair);
  }
  for (const key in own) {
    const v = own[key];
    pairs.push(`${key}=${typeof v === 'object' && v !== null ? v.value : String(v)}`);
  }
  return pairs.join('; ');
}

function requestCookies(header: string): Record<string, { name: string; value: string; replace: boolean }[]> {
  const out: Record<string, { name: string; value: string; replace: boolean }[]> = {};
  if (header === '') return out;
  for (const pair of header.split('; ')) {
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq);
    (out[name] ??= []).push({ name, value: pair.slice(eq + 1), replace: false });
  }
  return out;
}

function toArrayBuffer(b: Buffer): ArrayBuffer {
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}
