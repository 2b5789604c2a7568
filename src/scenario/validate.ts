// Turns a parsed scenario document (plain data from YAML or a TS `defineScenario`) into the model,
// reporting every problem at once with its position. Template files are read here, relative to the scenario.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UserError } from '../errors.ts';
import { compileField, generators } from '../generators/index.ts';
import { GeneratorArgError } from '../generators/types.ts';
import { Checker, describe, type Locate, type Path } from './checker.ts';
import type {
  BodySpec,
  CaptureSpec,
  FieldSpec,
  FlowSpec,
  HeaderSpec,
  HttpSettings,
  RequestSpec,
  ScenarioSpec,
  TestModel,
  ThresholdSpec,
} from './model.ts';
import { parseJsonPath } from './json-path.ts';
import { validateLoad } from './validate-load.ts';

const topKeys = ['version', 'name', 'target', 'http', 'headers', 'fields', 'requests', 'load', 'scenarios', 'seed', 'thresholds'];
const httpKeys = ['connections', 'timeout', 'pipelining', 'insecure', 'maxRedirects', 'maxCaptureSize'];
const requestKeys = ['name', 'method', 'path', 'url', 'headers', 'body', 'json', 'template', 'expect', 'capture', 'think', 'timeout'];
const scenarioKeys = ['load', 'requests'];
const methods = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface ValidateOptions {
  file: string;
  locate: Locate;
  /** A TS scenario's iteration function, when the flow is code rather than requests. */
  flow?: Extract<FlowSpec, { kind: 'function' }>;
}

/** Validates `raw` into a TestModel or throws a UserError listing every problem. */
export function validateScenario(raw: unknown, opts: ValidateOptions): TestModel {
  const c = new Checker(opts.locate, opts.file);
  const model = check(c, raw, opts);
  if (c.diagnostics.length > 0 || !model) {
    if (c.diagnostics.length === 0) c.fail([], 'the scenario is empty', "a scenario needs at least 'target', 'requests' and 'load' keys");
    throw new UserError(c.diagnostics);
  }
  return model;
}

function check(c: Checker, raw: unknown, opts: ValidateOptions): TestModel | undefined {
  const top = c.object(raw, [], 'a mapping at the top of the scenario', "a scenario needs at least 'target', 'requests' and 'load' keys");
  if (!top) return undefined;
  c.onlyKeys(top, [], topKeys);
  if (top.version !== undefined && top.version !== 1) {
    c.fail(['version'], `unsupported scenario version ${describe(top.version)}`, 'this runner reads version: 1');
  }
  const name = top.name === undefined ? defaultName(opts.file) : c.string(top.name, ['name']);
  const target = top.target === undefined ? undefined : checkTarget(c, top.target);
  const http = checkHttp(c, top.http);
  const headers = top.headers === undefined ? [] : checkHeaders(c, top.headers, ['headers']);
  const fields = top.fields === undefined ? [] : checkFields(c, top.fields);
  const seed = top.seed === undefined ? undefined : c.int(top.seed, ['seed'], 0, 0xffffffff);
  const thresholds = top.thresholds === undefined ? [] : checkThresholds(c, top.thresholds);
  const baseDir = dirname(opts.file);

  const scenarios: ScenarioSpec[] = [];
  if (top.scenarios !== undefined) {
    if (top.requests !== undefined || top.load !== undefined) {
      c.fail(['scenarios'], "'scenarios' cannot be combined with top-level 'requests' or 'load'", "move them into one of the scenarios", true);
    }
    const map = c.object(top.scenarios, ['scenarios']);
    for (const [scenarioName, value] of Object.entries(map ?? {})) {
      const path = ['scenarios', scenarioName];
      const obj = c.object(value, path);
      if (!obj) continue;
      c.onlyKeys(obj, path, opts.flow ? ['load'] : scenarioKeys);
      const s = checkScenarioBody(c, obj, path, scenarioName, baseDir, opts);
      if (s) scenarios.push(s);
    }
    if (map && scenarios.length === 0 && c.diagnostics.length === 0) c.fail(['scenarios'], 'no scenarios defined', "add one: 'scenarios: { main: { load: ..., requests: [...] } }'");
  } else {
    const s = checkScenarioBody(c, top, [], 'default', baseDir, opts);
    if (s) scenarios.push(s);
  }
  if (name === undefined || !http) return undefined;
  return { version: 1, name, file: opts.file, target, http, headers, fields, scenarios, seed, thresholds };
}

function defaultName(file: string): string {
  return file.replace(/^.*[\\/]/, '').replace(/\.[^.]+$/, '');
}

function checkTarget(c: Checker, raw: unknown): string | undefined {
  const text = c.string(raw, ['target']);
  if (text === undefined) return undefined;
  try {
    const url = new URL(text);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('protocol');
    return text;
  } catch {
    return c.fail(['target'], `'${text}' is not an http(s) URL`, "write it like 'http://127.0.0.1:8080'");
  }
}

function checkHttp(c: Checker, raw: unknown): HttpSettings | undefined {
  const http: HttpSettings = { timeoutMs: 60_000, pipelining: 1, insecure: false, maxRedirects: 0, maxCaptureBytes: 1 << 20 };
  if (raw === undefined) return http;
  const obj = c.object(raw, ['http']);
  if (!obj) return undefined;
  c.onlyKeys(obj, ['http'], httpKeys);
  const at = (k: string) => ['http', k];
  if (obj.connections !== undefined) http.connections = c.int(obj.connections, at('connections'), 1, 1_000_000);
  if (obj.timeout !== undefined) http.timeoutMs = c.duration(obj.timeout, at('timeout'), false) ?? http.timeoutMs;
  if (obj.pipelining !== undefined) http.pipelining = c.int(obj.pipelining, at('pipelining'), 1, 100) ?? 1;
  if (obj.insecure !== undefined) http.insecure = c.boolean(obj.insecure, at('insecure')) ?? false;
  if (obj.maxRedirects !== undefined) http.maxRedirects = c.int(obj.maxRedirects, at('maxRedirects'), 0, 100) ?? 0;
  if (obj.maxCaptureSize !== undefined) http.maxCaptureBytes = c.int(obj.maxCaptureSize, at('maxCaptureSize'), 1, 1 << 30) ?? http.maxCaptureBytes;
  return http;
}

function checkHeaders(c: Checker, raw: unknown, path: Path): HeaderSpec[] {
  const obj = c.object(raw, path);
  const headers: HeaderSpec[] = [];
  for (const [name, value] of Object.entries(obj ?? {})) {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
      c.fail([...path, name], `'${name}' is not a valid header name`, 'header names are letters, digits and !#$%&\'*+-.^_`|~ (no spaces)', true);
      continue;
    }
    const text = typeof value === 'number' ? String(value) : c.string(value, [...path, name]);
    if (text !== undefined) headers.push({ name, value: text, location: c.locate([...path, name]) });
  }
  return headers;
}

function checkFields(c: Checker, raw: unknown): FieldSpec[] {
  const obj = c.object(raw, ['fields']);
  const fields: FieldSpec[] = [];
  for (const [name, value] of Object.entries(obj ?? {})) {
    const path = ['fields', name];
    if (!NAME.test(name)) {
      c.fail(path, `field name '${name}' is not usable in a placeholder`, 'use letters, digits and _ (not starting with a digit)', true);
      continue;
    }
    const spec = c.object(value, path, "a mapping like '{ gen: string, length: 8 }'");
    if (!spec) continue;
    const { gen, unique, ...args } = spec;
    if (typeof gen !== 'string') {
      c.fail(path, `field '${name}' needs 'gen': the generator's name`, "e.g. '{ gen: string, length: 8, charset: alpha }'");
      continue;
    }
    const isUnique = unique === undefined ? false : c.boolean(unique, [...path, 'unique']);
    const field: FieldSpec = { name, gen, args, unique: isUnique ?? false, location: c.locate([...path, 'gen']) ?? c.locate(path) };
    checkGenerator(c, field, path);
    fields.push(field);
  }
  return fields;
}

/**
 * Builds the field's generator once so its argument errors are reported with every other problem of the
 * file, pointing at the offending argument. The plan compiles it again, with the run's seed.
 */
function checkGenerator(c: Checker, field: FieldSpec, path: Path): void {
  try {
    compileField(field, 0);
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    let at = field.location;
    const factory = (generators as Record<string, ((args: Record<string, unknown>) => unknown) | undefined>)[field.gen];
    try {
      if (Object.hasOwn(generators, field.gen)) factory?.(field.args);
    } catch (argErr) {
      if (argErr instanceof GeneratorArgError && argErr.key !== undefined) {
        // An unknown argument is its key's fault; a bad value, the value's.
        at = c.locate([...path, argErr.key], argErr.message.startsWith('unknown argument')) ?? at;
      }
    }
    for (const d of err.diagnostics) c.diagnostics.push({ ...d, location: at ?? d.location });
  }
}

function checkThresholds(c: Checker, raw: unknown): ThresholdSpec[] {
  const obj = c.object(raw, ['thresholds']);
  const out: ThresholdSpec[] = [];
  for (const [metric, value] of Object.entries(obj ?? {})) {
    const list = Array.isArray(value) ? value : [value];
    list.forEach((item, i) => {
      const path = Array.isArray(value) ? ['thresholds', metric, i] : ['thresholds', metric];
      if (typeof item === 'string') {
        out.push({ metric, expression: item, abortOnFail: false, location: c.locate(path) });
        return;
      }
      const o = c.object(item, path, "an expression like 'p(99)<500' or '{ threshold: ..., abortOnFail: true }'");
      if (!o) return;
      c.onlyKeys(o, path, ['threshold', 'abortOnFail']);
      const expression = c.string(o.threshold, [...path, 'threshold']);
      const abortOnFail = o.abortOnFail === undefined ? false : c.boolean(o.abortOnFail, [...path, 'abortOnFail']);
      if (expression !== undefined) out.push({ metric, expression, abortOnFail: abortOnFail ?? false, location: c.locate([...path, 'threshold']) });
    });
  }
  return out;
}

function checkScenarioBody(
  c: Checker,
  obj: Record<string, unknown>,
  path: Path,
  name: string,
  baseDir: string,
  opts: ValidateOptions,
): ScenarioSpec | undefined {
  if (obj.load === undefined) return c.fail(path, `scenario '${name}' has no 'load'`, "add e.g. 'load: { executor: shared-iterations, vus: 10, iterations: 100 }'");
  const load = validateLoad(c, obj.load, [...path, 'load']);
  let flow: FlowSpec | undefined = opts.flow;
  if (!flow) {
    if (obj.requests === undefined) return c.fail(path, `scenario '${name}' has no 'requests'`, "add a list under 'requests:'");
    const requests = checkRequests(c, obj.requests, [...path, 'requests'], baseDir);
    if (requests) flow = { kind: 'requests', requests };
  }
  if (!load || !flow) return undefined;
  return { name, load, flow, location: c.locate(path) };
}

function checkRequests(c: Checker, raw: unknown, path: Path, baseDir: string): RequestSpec[] | undefined {
  const list = c.array(raw, path);
  if (!list) return undefined;
  if (list.length === 0) return c.fail(path, 'requests must not be empty', "add at least one request, e.g. '- { name: home, path: / }'");
  const seen = new Map<string, number>();
  const out: RequestSpec[] = [];
  list.forEach((item, i) => {
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
  return out.length === list.length ? out : undefined;
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
  const name = obj.name === undefined ? `${method ?? 'GET'} ${pathText ?? index}` : c.string(obj.name, at('name'));
  const headers = obj.headers === undefined ? [] : checkHeaders(c, obj.headers, at('headers'));
  const body = checkBody(c, obj, path, baseDir);
  const expect = obj.expect === undefined ? [] : checkExpect(c, obj.expect, at('expect'));
  const captures = obj.capture === undefined ? [] : checkCaptures(c, obj.capture, at('capture'));
  const think = obj.think === undefined ? undefined : checkThink(c, obj.think, at('think'));
  const timeoutMs = obj.timeout === undefined ? undefined : c.duration(obj.timeout, at('timeout'), false);
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

/** Returns the body, undefined for none, or null when invalid. */
function checkBody(c: Checker, obj: Record<string, unknown>, path: Path, baseDir: string): BodySpec | undefined | null {
  const given = ['body', 'json', 'template'].filter((k) => obj[k] !== undefined);
  if (given.length > 1) {
    c.fail([...path, given[1]], `give only one of 'body', 'json', 'template' (found ${given.join(', ')})`, "'body' is text, 'json' an inline JSON value, 'template' a file: keep one", true);
    return null;
  }
  if (obj.template !== undefined) {
    const rel = c.string(obj.template, [...path, 'template'], "a path to a file, e.g. 'templates/user.json'");
    if (rel === undefined) return null;
    const file = resolve(baseDir, rel);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      c.fail([...path, 'template'], `cannot read template '${rel}' (${code === 'ENOENT' ? 'no such file' : code ?? 'error'})`, `paths are relative to the scenario file's folder: looked for ${file}`);
      return null;
    }
    return { kind: 'template', format: file.endsWith('.json') ? 'json' : 'text', text, file, location: { file, line: 1, column: 1 } };
  }
  if (obj.json !== undefined) {
    // An inline JSON body: serialised once, then treated as a JSON template whose strings may hold placeholders.
    return { kind: 'template', format: 'json', text: JSON.stringify(obj.json), location: c.locate([...path, 'json']) };
  }
  if (obj.body !== undefined) {
    const text = c.string(obj.body, [...path, 'body'], "for a JSON object use 'json:' instead of 'body:'");
    if (text === undefined) return null;
    return { kind: 'template', format: 'text', text, location: c.locate([...path, 'body']) };
  }
  return undefined;
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
    c.onlyKeys(spec, at, ['json', 'header']);
    if (typeof spec.header === 'string') out.push({ name, from: 'header', path: spec.header.toLowerCase(), location: c.locate(at) });
    else if (typeof spec.json === 'string' && parseJsonPath(spec.json)) out.push({ name, from: 'json', path: spec.json, location: c.locate(at) });
    else if (typeof spec.json === 'string') c.fail([...at, 'json'], `'${spec.json}' is not a supported JSON path`, "use $.key, $.a.b, $.items[0].id or $['odd key']");
    else c.fail(at, `capture '${name}' needs 'json' or 'header'`, "e.g. '{ json: $.token }' or '{ header: Location }'");
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
