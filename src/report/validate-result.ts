// Checks that parsed JSON is a RunResult this runner can render, field by field, and returns a clean copy: every
// map keyed by a name (requests, checks, scenarios, thresholds, statuses, error kinds) is a null-prototype object,
// so a request named `__proto__` or `constructor` is just a name; every histogram decodes and holds `count` values.
import { decodeHistogram } from '../metrics/histogram.ts';
import type { WsResult } from '../result/ws-types.ts';
import type { MergedFrom, LatencySummary, RequestResult, RequestSecond, RunResult, ScenarioResult, SelfCheckResult, ThresholdOutcome, TimeSeriesPoint, Totals } from '../result/types.ts';

/** How many problems one message lists before "and N more". */
const MAX_LISTED = 8;

class Problems {
  readonly list: string[] = [];
  add(path: string, what: string): void {
    this.list.push(`${path || '(top level)'}: ${what}`);
  }
}

type Reader<T> = (v: unknown, path: string, p: Problems) => T;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return v.length > 40 ? 'a string' : `${JSON.stringify(v)}`;
  if (typeof v === 'number') return String(v);
  return typeof v === 'object' ? 'an object' : typeof v;
}

/** `a.b`, or `a["odd key"]` when the key is not a plain identifier. */
function child(path: string, key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? (path ? `${path}.${key}` : key) : `${path}[${JSON.stringify(key)}]`;
}

const count: Reader<number> = (v, path, p) => {
  if (typeof v === 'number' && Number.isFinite(v) && v >= 0) return v;
  p.add(path, `expected a number ≥ 0, got ${describe(v)}`);
  return 0;
};

const integer: Reader<number> = (v, path, p) => {
  if (typeof v === 'number' && Number.isSafeInteger(v)) return v;
  p.add(path, `expected an integer, got ${describe(v)}`);
  return 0;
};

const text: Reader<string> = (v, path, p) => {
  if (typeof v === 'string') return v;
  p.add(path, `expected a string, got ${describe(v)}`);
  return '';
};

const flag: Reader<boolean> = (v, path, p) => {
  if (typeof v === 'boolean') return v;
  p.add(path, `expected true or false, got ${describe(v)}`);
  return false;
};

function oneOf<T extends string>(values: readonly T[]): Reader<T> {
  return (v, path, p) => {
    if (typeof v === 'string' && (values as readonly string[]).includes(v)) return v as T;
    p.add(path, `expected one of ${values.join(', ')}, got ${describe(v)}`);
    return values[0];
  };
}

function nullable<T>(r: Reader<T>): Reader<T | null> {
  return (v, path, p) => (v === null ? null : r(v, path, p));
}

/** A JSON object with these fields; keys listed in `optional` may be absent (then left out). */
function record<T>(fields: { [K in keyof T]-?: Reader<T[K]> }, optional: readonly (keyof T)[] = []): Reader<T> {
  return (v, path, p) => {
    const out = {} as T;
    if (!isObject(v)) {
      p.add(path, `expected an object, got ${describe(v)}`);
      return out;
    }
    for (const key of Object.keys(fields) as (keyof T & string)[]) {
      if (!Object.hasOwn(v, key)) {
        if (!optional.includes(key)) p.add(child(path, key), 'missing');
        continue;
      }
      out[key] = fields[key](v[key], child(path, key), p);
    }
    return out;
  };
}

/** A JSON object used as a map from names to values: read into a null-prototype object. */
function map<T>(r: Reader<T>, keyOk: (k: string) => boolean = () => true, keyWhat = ''): Reader<Record<string, T>> {
  return (v, path, p) => {
    const out = Object.create(null) as Record<string, T>;
    if (!isObject(v)) {
      p.add(path, `expected an object, got ${describe(v)}`);
      return out;
    }
    for (const [k, x] of Object.entries(v)) {
      if (!keyOk(k)) p.add(child(path, k), `expected ${keyWhat} as the key`);
      out[k] = r(x, child(path, k), p);
    }
    return out;
  };
}

function list<T>(r: Reader<T>): Reader<T[]> {
  return (v, path, p) => {
    if (!Array.isArray(v)) {
      p.add(path, `expected an array, got ${describe(v)}`);
      return [];
    }
    return v.map((x, i) => r(x, `${path}[${i}]`, p));
  };
}

const latencyFields = record<Omit<LatencySummary, 'hdr' | 'unit'>>({
  count,
  min: count,
  mean: count,
  stdev: count,
  p50: count,
  p90: count,
  p95: count,
  p99: count,
  p999: count,
  max: count,
});

const latency: Reader<LatencySummary> = (v, path, p) => {
  const before = p.list.length;
  const out = { unit: 'ms', ...latencyFields(v, path, p) } as LatencySummary;
  if (!isObject(v)) return out;
  if (v.unit !== 'ms') p.add(child(path, 'unit'), `expected "ms", got ${describe(v.unit)}`);
  out.hdr = text(v.hdr, child(path, 'hdr'), p);
  if (p.list.length > before) return out;
  // Every reader decodes the histogram (percentile charts, compare verdicts): a damaged one is found here, once.
  try {
    const h = decodeHistogram(out.hdr);
    if (h.totalCount !== out.count) p.add(child(path, 'hdr'), `the histogram holds ${h.totalCount} values but count says ${out.count}`);
  } catch (err) {
    p.add(child(path, 'hdr'), `not an HdrHistogram (base64, compressed): ${(err as Error).message}`);
  }
  return out;
};

const statusCode = (k: string): boolean => /^[1-9]\d{2}$/.test(k);

const totals = record<Totals>(
  {
    requests: count,
    byStatus: map(count, statusCode, 'an HTTP status code'),
    errors: map(count),
    unexpectedStatus: count,
    bytesSent: count,
    bytesReceived: count,
    rps: count,
    dropped: count,
  },
  ['dropped'],
);

const iterations = record<RunResult['iterations']>({ started: count, completed: count, failed: count, dropped: count, aborted: count });

/** serviceTime is absent from files written before it existed; the summary handles that. */
const requestFields = { totals, latency, serviceTime: latency };
const requestResult = record<RequestResult>(requestFields, ['serviceTime']);

const scenario = record<ScenarioResult>({ ...requestFields, executor: text, model: oneOf(['open', 'closed'] as const), iterations }, ['serviceTime']);

const threshold = record<ThresholdOutcome>({ expression: text, ok: flag, value: nullable(count), abortOnFail: flag, abortedRun: flag }, ['abortOnFail', 'abortedRun']);

// The histograms of a second are checked as text here: decoding 3,600 of them would make reading an hour-long
// run take seconds; whoever decodes them (merge) reports a damaged one.
const point = record<TimeSeriesPoint>(
  {
    t: count,
    started: count,
    finished: count,
    errors: count,
    dropped: count,
    p50: count,
    p99: count,
    serviceP50: count,
    serviceP99: count,
    iterations: count,
    vus: count,
    checksPassed: count,
    checksFailed: count,
    hdr: text,
    serviceHdr: text,
    requests: map(record<RequestSecond>({ finished: count, errors: count, p50: count, p99: count })),
  },
  ['serviceP50', 'serviceP99', 'iterations', 'vus', 'checksPassed', 'checksFailed', 'hdr', 'serviceHdr', 'requests'],
);

// eventLoopUtilization and droppedIterations came after the first files with a self-check: the summary defaults them.
const selfCheck = record<SelfCheckResult>(
  {
    eventLoopDelayP99Ms: count,
    eventLoopDelayMaxMs: count,
    cpuPercent: count,
    eventLoopUtilization: count,
    lateStartsP99Ms: nullable(count),
    lateStartsMaxMs: nullable(count),
    scheduledStarts: count,
    droppedIterations: count,
    gcPauses: count,
    gcPauseTotalMs: count,
    gcPauseMaxMs: count,
    gcPauseMajorMs: count,
    saturated: flag,
    reasons: list(text),
  },
  ['eventLoopUtilization', 'droppedIterations', 'gcPauses', 'gcPauseTotalMs', 'gcPauseMaxMs', 'gcPauseMajorMs'],
);

const ws = record<WsResult>({
  connections: record<WsResult['connections']>({
    opened: count,
    failed: count,
    failures: map(count),
    closes: record<WsResult['connections']['closes']>({ byServer: map(count), byClient: map(count) }),
    peakOpen: count,
    connecting: latency,
  }),
  messages: record<WsResult['messages']>({ sent: count, received: count, perSecond: record<WsResult['messages']['perSecond']>({ sent: list(count), received: list(count) }) }),
  delivery: record<WsResult['delivery']>({ tracked: count, expected: count, delivered: count, lost: count, duplicated: count, unexpected: count, latency }),
});

const runResult = record<RunResult>(
  {
    // In the file's order, so the first problems listed are the first a reader would notice.
    version: (v) => v as 1 | 2,
    runner: text,
    scenario: record<RunResult['scenario']>(
      { name: text, file: text, seed: integer, segment: text, segmentIndex: integer, segmentCount: integer, segmentSequence: text, startAt: text, hash: text },
      ['segment', 'segmentIndex', 'segmentCount', 'segmentSequence', 'startAt', 'hash'],
    ),
    target: text,
    startedAt: text,
    durationMs: count,
    warmupMs: count,
    outcome: oneOf(['completed', 'interrupted', 'aborted'] as const),
    ...requestFields,
    iterations,
    errorMessages: map(text),
    requests: map(requestResult),
    checks: map(record<{ passes: number; fails: number }>({ passes: count, fails: count })),
    iterationErrors: list(record<{ message: string; count: number; location?: string }>({ message: text, count, location: text }, ['location'])),
    warnings: list(text),
    thresholds: map(list(threshold)),
    scenarios: map(scenario),
    timeSeries: list(point),
    selfCheck,
    protocols: map(count),
    merged: record<MergedFrom>({ files: count, segments: list(text), partial: flag, missing: list(text) }, ['missing']),
    ws,
    // Carried as written: no report or compare reads it yet.
    k6: (v) => (isObject(v) ? (v as unknown as RunResult['k6']) : undefined),
  },
  ['merged', 'warmupMs', 'serviceTime', 'target', 'errorMessages', 'checks', 'iterationErrors', 'warnings', 'thresholds', 'scenarios', 'timeSeries', 'selfCheck', 'protocols', 'ws', 'k6'],
);

/** Parsed JSON (version already checked) → a clean RunResult, or the list of problems (path: what is wrong). */
export function validateRunResult(value: unknown): { result: RunResult; problems: string[] } {
  const p = new Problems();
  const result = runResult(value, '', p);
  // Sections older files lack: empty, as buildRunResult writes them.
  result.checks ??= Object.create(null) as RunResult['checks'];
  result.warnings ??= [];
  result.scenarios ??= Object.create(null) as RunResult['scenarios'];
  result.timeSeries ??= [];
  return { result, problems: p.list };
}

/** The problems as one line: the first few, then how many more. */
export function describeProblems(problems: readonly string[]): string {
  const shown = problems.slice(0, MAX_LISTED).join('; ');
  return problems.length > MAX_LISTED ? `${shown}; and ${problems.length - MAX_LISTED} more` : shown;
}
