// Turns a parsed scenario document (plain data from YAML or a TS `defineScenario`) into the model,
// reporting every problem at once with its position. Requests are checked in validate-request.ts.
import { dirname } from 'node:path';
import { UserError, didYouMean } from '../errors.ts';
import { compileField, generators } from '../generators/index.ts';
import { GeneratorArgError } from '../generators/types.ts';
import { Checker, describe, type Locate, type Path } from './checker.ts';
import type { ExecutorConfig, FieldSpec, FlowSpec, HttpSettings, ScenarioSpec, TestModel, ThresholdSpec } from './model.ts';
import { LIMITS } from './limits.ts';
import { checkData } from './validate-data.ts';
import { validateLoad } from './validate-load.ts';
import { checkTlsFiles, tlsKeys } from './validate-tls.ts';
import { NAME, checkHeaders, checkRequests } from './validate-request.ts';
import type { WsPlacement } from './ws-model.ts';

export const topKeys = ['version', 'name', 'target', 'http', 'headers', 'fields', 'data', 'requests', 'load', 'scenarios', 'seed', 'thresholds'];
export const httpKeys = ['version', 'cookies', 'connections', 'timeout', 'pipelining', 'insecure', 'maxRedirects', 'maxCaptureSize', ...tlsKeys];
export const scenarioKeys = ['load', 'requests'];

export interface ValidateOptions {
  file: string;
  locate: Locate;
  /** A TS scenario's iteration function, when the flow is code rather than requests. */
  flow?: Extract<FlowSpec, { kind: 'function' }>;
  /** CLI load flags will replace the load (scenario/shortcuts.ts): a missing `load:` is then no error. */
  loadFromFlags?: boolean;
}

/**
 * The load of a scenario without `load:` whose load comes from the CLI flags; the flags replace or adjust it
 * (k6's default too: one VU, one iteration — so `--vus N` alone runs N VUs once each).
 */
const FLAG_BASE_LOAD: ExecutorConfig = { executor: 'per-vu-iterations', vus: 1, iterations: 1, maxDurationMs: 10 * 60_000, startTimeMs: 0, gracefulStopMs: 30_000 };

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
  const http = checkHttp(c, top.http, dirname(opts.file));
  const headers = top.headers === undefined ? [] : checkHeaders(c, top.headers, ['headers']);
  const fields = top.fields === undefined ? [] : checkFields(c, top.fields);
  const seed = top.seed === undefined ? undefined : c.int(top.seed, ['seed'], 0, 0xffffffff);
  const thresholds = top.thresholds === undefined ? [] : checkThresholds(c, top.thresholds);
  const baseDir = dirname(opts.file);
  const data = top.data === undefined ? undefined : checkData(c, top.data, baseDir);

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
  return { version: 1, name, file: opts.file, target, http, headers, fields, ...(data ? { data } : {}), scenarios, seed, thresholds };
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

/** Streams per HTTP/2 session when `pipelining` is not given: Node's and most servers' max concurrent streams. */
const H2_STREAMS = 100;

function checkHttp(c: Checker, raw: unknown, baseDir: string): HttpSettings | undefined {
  const http: HttpSettings = { timeoutMs: 60_000, pipelining: 1, insecure: false, maxRedirects: 0, maxCaptureBytes: 1 << 20 };
  if (raw === undefined) return http;
  const obj = c.object(raw, ['http']);
  if (!obj) return undefined;
  c.onlyKeys(obj, ['http'], httpKeys);
  const at = (k: string) => ['http', k];
  if (obj.connections !== undefined) http.connections = c.bounded(obj.connections, at('connections'), 1, LIMITS.connections);
  if (obj.timeout !== undefined) http.timeoutMs = c.duration(obj.timeout, at('timeout'), false, LIMITS.timeoutMs) ?? http.timeoutMs;
  if (obj.pipelining !== undefined) http.pipelining = c.bounded(obj.pipelining, at('pipelining'), 1, LIMITS.pipelining) ?? 1;
  if (obj.insecure !== undefined) http.insecure = c.boolean(obj.insecure, at('insecure')) ?? false;
  if (obj.maxRedirects !== undefined) http.maxRedirects = c.bounded(obj.maxRedirects, at('maxRedirects'), 0, LIMITS.maxRedirects) ?? 0;
  if (obj.maxCaptureSize !== undefined) http.maxCaptureBytes = c.bounded(obj.maxCaptureSize, at('maxCaptureSize'), 1, LIMITS.captureBytes) ?? http.maxCaptureBytes;
  if (obj.version !== undefined) {
    if (obj.version === 1 || obj.version === 2) http.version = obj.version;
    else c.fail(at('version'), `unsupported HTTP version ${describe(obj.version)}`, 'write version: 1 (HTTP/1.1, the default) or version: 2 (HTTP/2 over TLS)');
    // HTTP/2 multiplexes: `pipelining` becomes the streams per session, and one session carries many VUs.
    if (http.version === 2 && obj.pipelining === undefined) http.pipelining = H2_STREAMS;
  }
  if (obj.cookies !== undefined) {
    const v = obj.cookies;
    if (v === true || v === 'iteration') http.cookies = 'iteration';
    else if (v === 'vu') http.cookies = 'vu';
    else if (v === false || v === 'off') http.cookies = 'off';
    else c.fail(at('cookies'), `unknown cookies setting ${describe(v)}`, "iteration (default: a fresh jar each iteration), vu (kept across a VU's iterations) or false (no cookies)");
  }
  const tls = checkTlsFiles(c, obj, baseDir);
  if (tls === null) return undefined;
  if (tls) http.tls = tls;
  return http;
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
        out.push({ metric, expression: item, abortOnFail: false, delayAbortEvalMs: 0, location: c.locate(path) });
        return;
      }
      const o = c.object(item, path, "an expression like 'p(99)<500' or '{ threshold: ..., abortOnFail: true }'");
      if (!o) return;
      c.onlyKeys(o, path, ['threshold', 'abortOnFail', 'delayAbortEval']);
      const expression = c.string(o.threshold, [...path, 'threshold']);
      const abortOnFail = o.abortOnFail === undefined ? false : c.boolean(o.abortOnFail, [...path, 'abortOnFail']);
      const delayAbortEvalMs = o.delayAbortEval === undefined ? 0 : c.duration(o.delayAbortEval, [...path, 'delayAbortEval']);
      if (expression !== undefined && delayAbortEvalMs !== undefined) {
        out.push({ metric, expression, abortOnFail: abortOnFail ?? false, delayAbortEvalMs, location: c.locate([...path, 'threshold']) });
      }
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
  // A misspelt key ('laod') was already reported as unknown, with a did-you-mean: no second error for it.
  const misspelt = (key: string) => Object.keys(obj).some((k) => k !== key && didYouMean(k, [key]) !== undefined);
  if (obj.load === undefined && !opts.loadFromFlags) {
    if (misspelt('load')) return undefined;
    return c.fail(path, `scenario '${name}' has no 'load'`, "add e.g. 'load: { executor: shared-iterations, vus: 10, iterations: 100 }', or give the load as flags like --vus 10 --duration 30s (run and validate both take them)");
  }
  const load = obj.load === undefined ? FLAG_BASE_LOAD : validateLoad(c, obj.load, [...path, 'load']);
  let flow: FlowSpec | undefined = opts.flow;
  if (!flow) {
    if (obj.requests === undefined) return misspelt('requests') ? undefined : c.fail(path, `scenario '${name}' has no 'requests'`, "add a list under 'requests:'");
    const ws: WsPlacement[] = [];
    const requests = checkRequests(c, obj.requests, [...path, 'requests'], baseDir, ws);
    if (requests) flow = ws.length > 0 ? { kind: 'requests', requests, ws } : { kind: 'requests', requests };
  }
  if (!load || !flow) return undefined;
  return { name, load, flow, location: c.locate(path) };
}
