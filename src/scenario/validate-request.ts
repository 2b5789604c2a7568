// Validates a scenario's request list (method, path, headers, expect, captures, think time); the body is
// checked in request-body.ts.
import { headerValueProblem, pathProblem, staticHeaderNameProblem } from '../http/request-check.ts';
import type { Checker, Path } from './checker.ts';
import { parseJsonPath } from './json-path.ts';
import { LIMITS } from './limits.ts';
import type { CaptureSpec, HeaderSpec, RequestSpec } from './model.ts';
import { checkBody } from './request-body.ts';
import { checkWsStep, isWsItem } from './validate-ws.ts';
import type { WsPlacement } from './ws-model.ts';

export const requestKeys = ['name', 'method', 'path', 'url', 'headers', 'body', 'json', 'template', 'form', 'multipart', 'expect', 'capture', 'think', 'timeout'];
const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];
/** Names usable in a `{{placeholder}}`: fields and captures. */
export const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function checkHeaders(c: Checker, raw: unknown, path: Path): HeaderSpec[] {
  const obj = c.object(raw, path);
  const headers: HeaderSpec[] = [];
  for (const [name, value] of Object.entries(obj ?? {})) {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
      c.fail([...path, name], `'${name}' is not a valid header name`, 'header names are letters, digits and !#$%&\'*+-.^_`|~ (no spaces)', true);
      continue;
    }
    const refused = staticHeaderNameProblem(name);
    if (refused) {
      c.fail([...path, name], refused, 'remove this header: runner and undici set it when needed', true);
      continue;
    }
    const text = typeof value === 'number' ? String(value) : c.string(value, [...path, name]);
    // The literal text is checked now; values substituted into placeholders are checked per request at run time.
    const problem = text === undefined ? undefined : headerValueProblem(name, literalText(text));
    if (problem) {
      c.fail([...path, name], problem, 'header values are Latin-1 text without control characters: percent-encode or base64 other text');
      continue;
    }
    if (text !== undefined) headers.push({ name, value: text, location: c.locate([...path, name]) });
  }
  return headers;
}

/** Validates a request list; its `- ws: {…}` items go to `ws`, each placed before the request that follows it. */
export function checkRequests(c: Checker, raw: unknown, path: Path, baseDir: string, ws: WsPlacement[] = []): RequestSpec[] | undefined {
  const list = c.array(raw, path);
  if (!list) return undefined;
  if (list.length === 0) return c.fail(path, 'requests must not be empty', "add at least one request, e.g. '- { name: home, path: / }'");
  const seen = new Map<string, number>();
  const out: RequestSpec[] = [];
  let wsItems = 0;
  list.forEach((item, i) => {
    if (isWsItem(item)) {
      wsItems++;
      const step = checkWsStep(c, item, [...path, i], i);
      if (step) ws.push({ before: out.length, step });
      return;
    }
    const r = checkRequest(c, item, [...path, i], baseDir, i);
    if (!r) return;
    const first = seen.get(r.name);
    if (first !== undefined) {
      c.fail([...path, i, 'name'], `duplicate request name '${r.name}' (also request #${first + 1})`, 'request names are metric keys: make them unique');
      return;
    }
    seen.set(r.name, i);
    out.push(r);
  });
  return out.length + ws.length === list.length && ws.length === wsItems ? out : undefined;
}

function checkRequest(c: Checker, raw: unknown, path: Path, baseDir: string, index: number): RequestSpec | undefined {
  const obj = c.object(raw, path);
  if (!obj) return undefined;
  c.onlyKeys(obj, path, requestKeys);
  const at = (k: string): Path => [...path, k];
  const methodText = obj.method === undefined ? 'GET' : c.string(obj.method, at('method'));
  const method = methodText?.toUpperCase();
  if (method !== undefined && !methods.includes(method)) c.fail(at('method'), `unknown HTTP method '${methodText}'`, `one of: ${methods.join(', ')}`);
  if (obj.path !== undefined && obj.url !== undefined) c.fail(at('url'), "give either 'path' or 'url', not both", "they mean the same: keep one", true);
  const pathKey = obj.url !== undefined ? 'url' : 'path';
  const pathText = obj[pathKey] === undefined ? c.fail(path, "a request needs 'path' (or 'url')", "e.g. 'path: /signup'") : c.string(obj[pathKey], at(pathKey));
  if (pathText !== undefined && !pathText.startsWith('/') && !/^https?:\/\//.test(pathText)) {
    c.fail(at(pathKey), `'${pathText}' is neither a path starting with '/' nor an http(s) URL`, "e.g. '/users/{{id}}' or 'http://127.0.0.1:8080/users'");
  }
  const startsWell = pathText !== undefined && (pathText.startsWith('/') || /^https?:\/\//.test(pathText));
  const badPath = startsWell ? pathProblem(literalText(pathText)) : undefined;
  if (badPath) c.fail(at(pathKey), badPath, 'write a space as %20; values put in by {{placeholders}} are percent-encoded for you');
  const name = obj.name === undefined ? `${method ?? 'GET'} ${pathText ?? index}` : c.string(obj.name, at('name'));
  const headers = obj.headers === undefined ? [] : checkHeaders(c, obj.headers, at('headers'));
  const body = checkBody(c, obj, path, baseDir);
  const expect = obj.expect === undefined ? [] : checkExpect(c, obj.expect, at('expect'));
  const captures = obj.capture === undefined ? [] : checkCaptures(c, obj.capture, at('capture'));
  const think = obj.think === undefined ? undefined : checkThink(c, obj.think, at('think'));
  const timeoutMs = obj.timeout === undefined ? undefined : c.duration(obj.timeout, at('timeout'), false, LIMITS.timeoutMs);
  if (name === undefined || method === undefined || pathText === undefined || body === null || !expect || !captures) return undefined;
  return {
    name,
    method,
    path: pathText,
    headers,
    body,
    expect,
    captures,
    think,
    timeoutMs,
    location: c.locate(path),
    pathLocation: c.locate(at(pathKey)),
  };
}

/** A template's text with each placeholder masked by letters of the same length: the rest is sent as written. */
function literalText(template: string): string {
  return template.replace(/\{\{[^}]*\}\}|\$\{[^}]*\}/g, (m) => 'x'.repeat(m.length));
}

function checkExpect(c: Checker, raw: unknown, path: Path): number[] | undefined {
  const list = Array.isArray(raw) ? raw : [raw];
  const out: number[] = [];
  for (const [i, v] of list.entries()) {
    const status = c.int(v, Array.isArray(raw) ? [...path, i] : path, 100, 599, 'an HTTP status, e.g. expect: 200 or expect: [200, 201]');
    if (status === undefined) return undefined;
    out.push(status);
  }
  return out;
}

function checkCaptures(c: Checker, raw: unknown, path: Path): CaptureSpec[] | undefined {
  const obj = c.object(raw, path, "a mapping like '{ token: $.token }'");
  if (!obj) return undefined;
  const out: CaptureSpec[] = [];
  for (const [name, value] of Object.entries(obj)) {
    const at = [...path, name];
    if (!NAME.test(name)) {
      c.fail(at, `capture name '${name}' is not usable in a placeholder`, 'use letters, digits and _', true);
      continue;
    }
    if (typeof value === 'string' && value.startsWith('$')) {
      if (parseJsonPath(value)) out.push({ name, from: 'json', path: value, location: c.locate(at) });
      else c.fail(at, `'${value}' is not a supported JSON path`, "use $.key, $.a.b, $.items[0].id or $['odd key']");
      continue;
    }
    const spec = c.object(value, at, "a JSON path like '$.token' or '{ header: Location }'");
    if (!spec) continue;
    c.onlyKeys(spec, at, ['json', 'header', 'cookie']);
    if (typeof spec.header === 'string') out.push({ name, from: 'header', path: spec.header.toLowerCase(), location: c.locate(at) });
    else if (typeof spec.cookie === 'string' && spec.cookie !== '') out.push({ name, from: 'cookie', path: spec.cookie, location: c.locate(at) });
    else if (typeof spec.json === 'string' && parseJsonPath(spec.json)) out.push({ name, from: 'json', path: spec.json, location: c.locate(at) });
    else if (typeof spec.json === 'string') c.fail([...at, 'json'], `'${spec.json}' is not a supported JSON path`, "use $.key, $.a.b, $.items[0].id or $['odd key']");
    else c.fail(at, `capture '${name}' needs 'json', 'header' or 'cookie'`, "e.g. '{ json: $.token }', '{ header: Location }' or '{ cookie: session }'");
  }
  return out.length === Object.keys(obj).length ? out : undefined;
}

function checkThink(c: Checker, raw: unknown, path: Path): { minMs: number; maxMs: number } | undefined {
  if (Array.isArray(raw) && raw.length === 2) {
    const minMs = c.duration(raw[0], [...path, 0]);
    const maxMs = c.duration(raw[1], [...path, 1]);
    if (minMs === undefined || maxMs === undefined) return undefined;
    if (maxMs < minMs) return c.fail(path, 'think range is reversed', 'write [min, max]');
    return { minMs, maxMs };
  }
  const ms = c.duration(raw, path);
  return ms === undefined ? undefined : { minMs: ms, maxMs: ms };
}
