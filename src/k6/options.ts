// k6's `export const options` → runner's scenario document (validated by scenario/validate.ts like any other):
// k6's shortcuts (vus, duration, iterations, stages) become one scenario as k6 turns them into one
// (execution_config_shortcuts.go); `scenarios` keep k6's executor keys, which are runner's too. Thresholds that
// runner's own engine measures stay there; the rest (custom metrics, tag filters) go to the k6 registry.
import { thresholdMetrics } from '../metrics/thresholds/parse.ts';
import { parseDuration } from '../scenario/duration.ts';
import type { Diagnostic, Location } from '../errors.ts';

/** Keys of a k6 scenario that are not load keys: what runs, and with what. */
const SCENARIO_EXTRA_KEYS = ['exec', 'env', 'tags'];
const UNSUPPORTED_EXECUTORS = new Set(['externally-controlled']);

export interface K6Scenario {
  name: string;
  exec: string;
  env: Record<string, string>;
  tags: Record<string, string>;
  executor: string;
}

export interface K6Threshold {
  /** Metric name and tag filter as written: `my_trend{type:api}`. */
  key: string;
  metric: string;
  tags: Record<string, string>;
  expressions: { expression: string; abortOnFail: boolean; delayAbortEvalMs: number }[];
}

export interface MappedOptions {
  /** The document validate.ts reads (`load`/`scenarios`, `thresholds`, `http`). */
  raw: Record<string, unknown>;
  scenarios: K6Scenario[];
  /** Thresholds runner's engine cannot measure: the k6 registry evaluates them. */
  k6Thresholds: K6Threshold[];
  problems: Diagnostic[];
}

/** `metric{tag:value,other:value}` → its parts; undefined when it does not parse. */
export function parseMetricKey(key: string): { metric: string; tags: Record<string, string> } | undefined {
  const m = /^\s*([^{}\s]+)\s*(?:\{([^}]*)\})?\s*$/.exec(key);
  if (!m) return undefined;
  const tags: Record<string, string> = {};
  if (m[2] !== undefined && m[2].trim() !== '') {
    for (const part of m[2].split(',')) {
      const i = part.indexOf(':');
      if (i < 0) return undefined;
      tags[part.slice(0, i).trim()] = part.slice(i + 1).trim().replace(/^(['"])(.*)\1$/, '$2');
    }
  }
  return { metric: m[1], tags };
}

export function mapOptions(options: Record<string, any>, name: string, at: Location): MappedOptions {
  const problems: Diagnostic[] = [];
  const raw: Record<string, unknown> = { name };
  const scenarios: K6Scenario[] = [];
  const http: Record<string, unknown> = { maxRedirects: 0, maxCaptureSize: 64 * 1024 * 1024 };
  if (options.insecureSkipTLSVerify === true) http.insecure = true;
  if (options.httpDebug) problems.push({ message: 'options.httpDebug is not supported by runner', location: at, hint: 'use --out ndjson=<file> to see every request' });
  raw.http = http;

  if (options.scenarios && typeof options.scenarios === 'object') {
    const out: Record<string, unknown> = {};
    for (const [sname, s] of Object.entries(options.scenarios as Record<string, Record<string, unknown>>)) {
      if (!s || typeof s !== 'object') continue;
      const executor = String(s.executor);
      if (UNSUPPORTED_EXECUTORS.has(executor)) {
        problems.push({ message: `scenario '${sname}': executor '${executor}' is not supported by runner`, location: at, hint: 'use constant-vus or ramping-vus' });
        continue;
      }
      const load: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(s)) if (!SCENARIO_EXTRA_KEYS.includes(k)) load[k] = v;
      if ((executor === 'constant-arrival-rate' || executor === 'ramping-arrival-rate') && load.maxVUs === undefined && load.preAllocatedVUs !== undefined) load.maxVUs = load.preAllocatedVUs;
      out[sname] = { load };
      scenarios.push({ name: sname, exec: typeof s.exec === 'string' ? s.exec : 'default', env: stringMap(s.env), tags: stringMap(s.tags), executor });
    }
    raw.scenarios = out;
  } else {
    const load = shortcutLoad(options);
    raw.load = load;
    scenarios.push({ name: 'default', exec: 'default', env: {}, tags: {}, executor: String(load.executor) });
  }

  const nativeThresholds: Record<string, unknown[]> = {};
  const k6Thresholds: K6Threshold[] = [];
  for (const [key, value] of Object.entries((options.thresholds ?? {}) as Record<string, unknown>)) {
    const parsed = parseMetricKey(key);
    if (!parsed) {
      problems.push({ message: `threshold '${key}': not a metric name with an optional {tag:value} filter`, location: at, hint: "e.g. 'http_req_duration{name:login}'" });
      continue;
    }
    const list = (Array.isArray(value) ? value : [value]).map((v) =>
      typeof v === 'string' ? { expression: v, abortOnFail: false } : { expression: String((v as Record<string, unknown>)?.threshold), abortOnFail: (v as Record<string, unknown>)?.abortOnFail === true, delayAbortEval: (v as Record<string, unknown>)?.delayAbortEval },
    );
    const tagKeys = Object.keys(parsed.tags);
    const native = parsed.metric in thresholdMetrics && (tagKeys.length === 0 || (tagKeys.length === 1 && tagKeys[0] === 'name'));
    if (native) {
      nativeThresholds[key] = list.map((t) => ('delayAbortEval' in t && t.delayAbortEval !== undefined ? { threshold: t.expression, abortOnFail: t.abortOnFail, delayAbortEval: t.delayAbortEval } : { threshold: t.expression, abortOnFail: t.abortOnFail }));
    } else {
      k6Thresholds.push({
        key,
        metric: parsed.metric,
        tags: parsed.tags,
        expressions: list.map((t) => ({ expression: t.expression, abortOnFail: t.abortOnFail, delayAbortEvalMs: 'delayAbortEval' in t && typeof t.delayAbortEval === 'string' ? parseDuration(t.delayAbortEval) ?? 0 : 0 })),
      });
    }
  }
  if (Object.keys(nativeThresholds).length > 0) raw.thresholds = nativeThresholds;
  return { raw, scenarios, k6Thresholds, problems };
}

/** k6's shortcut options as one scenario (its rules: stages > iterations > duration > one iteration). */
function shortcutLoad(o: Record<string, any>): Record<string, unknown> {
  const vus = o.vus ?? 1;
  if (Array.isArray(o.stages) && o.stages.length > 0) return { executor: 'ramping-vus', startVUs: vus, stages: o.stages };
  if (o.iterations !== undefined) {
    const load: Record<string, unknown> = { executor: 'shared-iterations', vus, iterations: o.iterations };
    if (o.duration !== undefined) load.maxDuration = o.duration;
    return load;
  }
  if (o.duration !== undefined) return { executor: 'constant-vus', vus, duration: o.duration };
  return { executor: 'per-vu-iterations', vus, iterations: 1 };
}

function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) out[k] = String(x);
  return out;
}
