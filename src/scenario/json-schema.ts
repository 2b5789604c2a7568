// The JSON Schema of the YAML scenario format, for editors (completion, hover text, red squiggles). It is built
// from the validator's own key tables (top level, http, request, scenario, load and every executor's keys, the
// generator table), so a key the validator accepts cannot be missing here: a key without a description below
// fails test/scenario/json-schema.test.ts. `npm run schema` writes schema/scenario.schema.json from this.
// The schema checks structure only; values that need context (placeholders, captures, VU bounds) stay the validator's.
import { generatorNames } from '../generators/index.ts';
import { executors, type ExecutorKind } from '../scheduler/index.ts';
import { LIMITS } from './limits.ts';
import { commonLoadKeys } from './validate-load.ts';
import { requestKeys } from './validate-request.ts';
import { actionKinds, wsKeys } from './validate-ws.ts';
import { httpKeys, scenarioKeys, topKeys } from './validate.ts';

type Schema = Record<string, unknown>;

const ref = (name: string): Schema => ({ $ref: `#/definitions/${name}` });
const text = (description: string, extra: Schema = {}): Schema => ({ type: 'string', description, ...extra });
const whole = (description: string, minimum: number, maximum?: number): Schema => ({ type: 'integer', description, minimum, ...(maximum === undefined ? {} : { maximum }) });
const positive = (description: string, maximum?: number): Schema => ({ type: 'number', description, exclusiveMinimum: 0, ...(maximum === undefined ? {} : { maximum }) });
const duration = (description: string): Schema => ({ allOf: [ref('duration')], description });

/** What parseDuration reads: `0`, or number+unit pairs (`500ms`, `1m30s`, `1.5s`). */
const DURATION_PATTERN = '^\\s*(0|((\\d+(\\.\\d+)?)(us|µs|ms|s|m|h))+)\\s*$';

/** Top-level keys. */
const top: Record<string, Schema> = {
  version: { const: 1, description: 'Scenario format version: 1.' },
  name: text('Scenario name, shown in the summary and result file (default: the file name).'),
  target: text("Base URL every relative request path is resolved against, e.g. 'http://127.0.0.1:3000'; --target overrides it.", { pattern: '^https?://' }),
  http: ref('http'),
  headers: ref('headers'),
  fields: {
    type: 'object',
    description: 'Named random fields, drawn afresh for every iteration; use them as {{name}} in paths, headers and bodies.',
    propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
    additionalProperties: ref('field'),
  },
  data: {
    type: 'object',
    description: 'Data files (feeders): one row per iteration, read as {{name.column}} in paths, headers and bodies (ctx.rows.name in code).',
    propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_]*$', not: { const: 'env' } },
    additionalProperties: {
      anyOf: [
        text('A .csv (header row), .json (array of objects) or .jsonl file, relative to the scenario; order circular.', { pattern: '\\.(csv|json|jsonl|ndjson)$' }),
        {
          type: 'object',
          additionalProperties: false,
          required: ['file'],
          properties: {
            file: text('A .csv (header row), .json (array of objects) or .jsonl file, relative to the scenario.', { pattern: '\\.(csv|json|jsonl|ndjson)$' }),
            order: { enum: ['circular', 'queue', 'shuffle', 'random'], description: 'circular (default): row = iteration mod rows; queue: each row once in order, then the scenario stops; shuffle: each row once in a seeded order; random: seeded, with replacement.' },
          },
        },
      ],
    },
  },
  requests: ref('requests'),
  load: ref('load'),
  scenarios: {
    type: 'object',
    description: "Several scenarios running at the same time, each with its own 'load' and 'requests' (instead of top-level ones).",
    minProperties: 1,
    additionalProperties: ref('scenario'),
  },
  seed: whole('PRNG seed: the same seed replays the same payloads (default: a random seed, printed).', 0, 0xffffffff),
  thresholds: {
    type: 'object',
    description: "Pass/fail criteria by metric (k6 syntax), e.g. http_req_duration: ['p(99)<500'].",
    additionalProperties: { anyOf: [ref('threshold'), { type: 'array', items: ref('threshold') }] },
  },
};

const http: Record<string, Schema> = {
  cookies: { enum: ['iteration', 'vu', true, false], description: "Cookie jars: iteration (default, or true): each iteration starts with an empty jar; vu: kept across a VU's iterations; false: no cookies." },
  version: { enum: [1, 2], description: '1: HTTP/1.1 (default). 2: offer HTTP/2 over TLS by ALPN; pipelining is then streams per session.' },
  connections: whole('Max sockets (HTTP/2: sessions) per origin; default: the largest VU count.', 1, LIMITS.connections),
  timeout: duration('Whole-request deadline (default 60s), at most 1h.'),
  pipelining: whole('Requests in flight per socket (default 1); with version 2, streams per session (default 100).', 1, LIMITS.pipelining),
  insecure: { type: 'boolean', description: 'Skip TLS certificate verification (default false).' },
  maxRedirects: whole('Redirects followed per request (default 0: a 3xx is reported as is).', 0, LIMITS.maxRedirects),
  maxCaptureSize: whole('Bytes of a response body buffered for a capture (default 1 MiB).', 1, LIMITS.captureBytes),
  ca: text('PEM file of CA certificates to trust besides the bundled roots, relative to the scenario file.'),
  cert: text("PEM client certificate for mTLS, relative to the scenario file; needs 'key'."),
  key: text("Unencrypted PEM private key of 'cert', relative to the scenario file."),
};

const request: Record<string, Schema> = {
  name: text('The metrics key (default: "METHOD path"); unique within a scenario.'),
  method: { enum: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'get', 'post', 'put', 'patch', 'delete', 'head', 'options'], description: 'HTTP method (default GET).' },
  path: text("Path starting with '/', resolved against target (or an absolute http(s) URL); may hold {{placeholders}}.", { pattern: '^(/|https?://)' }),
  url: text("Absolute http(s) URL (instead of 'path').", { pattern: '^https?://' }),
  headers: ref('headers'),
  body: text("Text body template; for JSON use 'json' or 'template'."),
  json: { description: 'Inline JSON body; its strings may hold {{placeholders}} ("{{age}}" alone becomes a bare value).' },
  template: text("Body template file, relative to the scenario file ('.json': a JSON template)."),
  form: {
    type: 'object',
    description: 'An application/x-www-form-urlencoded body: field → value (placeholders allowed; percent-encoded when sent).',
    additionalProperties: { type: ['string', 'number', 'boolean'] },
  },
  multipart: {
    type: 'object',
    description: 'A multipart/form-data body: part → text value (placeholders allowed), or a file read at load time.',
    minProperties: 1,
    additionalProperties: {
      anyOf: [
        { type: ['string', 'number', 'boolean'] },
        {
          type: 'object',
          additionalProperties: false,
          required: ['path'],
          properties: {
            path: text('The file, relative to the scenario file (at most 10 MiB).'),
            contentType: text("The part's Content-Type (default application/octet-stream)."),
            filename: text('The filename sent (default: the file name of path).'),
          },
        },
      ],
    },
  },
  expect: { anyOf: [ref('status'), { type: 'array', items: ref('status'), minItems: 1 }], description: 'Statuses counted as success (default any 2xx/3xx).' },
  capture: {
    type: 'object',
    description: "Values taken from the response for later requests: { token: $.token } or { loc: { header: Location } }.",
    propertyNames: { pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
    additionalProperties: {
      anyOf: [
        text('JSON path', { pattern: '^\\$' }),
        { type: 'object', additionalProperties: false, properties: { json: text('JSON path', { pattern: '^\\$' }) }, required: ['json'] },
        { type: 'object', additionalProperties: false, properties: { header: text('Response header name') }, required: ['header'] },
        { type: 'object', additionalProperties: false, properties: { cookie: text("Name of a cookie in the VU's jar (after this response)", { minLength: 1 }) }, required: ['cookie'] },
      ],
    },
  },
  think: { anyOf: [ref('duration'), { type: 'array', items: ref('duration'), minItems: 2, maxItems: 2 }], description: "Pause after this request: '500ms', or a range ['1s', '3s']." },
  timeout: duration("This request's deadline, overriding http.timeout."),
};

/** A `- ws: {…}` item of a request list (WebSocket steps); the actions' own keys are the validator's to check. */
const ws: Record<string, Schema> = {
  name: text('The metrics key of this WebSocket session.'),
  path: text("Path starting with '/', resolved against target (ws:// or wss:// from its scheme); may hold {{placeholders}}.", { pattern: '^(/|wss?://|https?://)' }),
  url: text('Absolute ws(s):// URL (instead of path).'),
  headers: ref('headers'),
  timeout: duration("The opening handshake's deadline."),
  track: { type: 'object', description: 'Delivery tracking: which JSON path holds a message id (id), the room it belongs to (room), how long to wait for late deliveries (grace).' },
  steps: {
    type: 'array',
    description: 'What the session does, in order: send, wait, hold, drain, close.',
    minItems: 1,
    items: { type: 'object', minProperties: 1, maxProperties: 1, propertyNames: { enum: [...actionKinds] } },
  },
};

const scenario: Record<string, Schema> = {
  load: ref('load'),
  requests: ref('requests'),
};

/** Every key of every executor, by name: the types are the same wherever a name is used. */
const loadKeys: Record<string, Schema> = {
  executor: { description: 'How iterations are scheduled (k6 executors).' },
  startTime: duration("Delay from the run's start before this scenario begins."),
  gracefulStop: duration('How long in-flight iterations may finish after the end (default 30s).'),
  vus: whole('VUs (default 1).', 1, LIMITS.vus),
  iterations: whole('Iterations: shared by all VUs (shared-iterations) or per VU (per-vu-iterations); default 1.', 1, LIMITS.iterations),
  maxDuration: duration('Hard stop for the iterations (default 10m).'),
  duration: duration('How long the schedule runs.'),
  rate: positive('Iterations started per timeUnit.', LIMITS.ratePerSec),
  timeUnit: duration('The period of rate (default 1s).'),
  preAllocatedVUs: whole('VUs made before the start (default min(maxVUs, 100)).', 1, LIMITS.vus),
  maxVUs: whole('Most VUs the schedule may use (default max(preAllocatedVUs, 1000)).', 1, LIMITS.vus),
  startRate: { type: 'number', minimum: 0, description: 'Iterations per timeUnit at the start (default 0).' },
  startVUs: whole('VUs at the start (default 1).', 0, LIMITS.vus),
  stages: {
    type: 'array',
    description: "Steps of the ramp: [{ duration: 30s, target: 100 }, …]; target is VUs (ramping-vus) or iterations per timeUnit (ramping-arrival-rate).",
    minItems: 1,
    items: { type: 'object', additionalProperties: false, required: ['duration', 'target'], properties: { duration: ref('duration'), target: { type: 'number', minimum: 0 } } },
  },
  gracefulRampDown: duration('How long iterations may finish when VUs are ramped down (default 30s).'),
};

/** The schema of one table: its keys in the table's order, each described above; no other key. */
function objectOf(keys: readonly string[], described: Record<string, Schema>, description: string, extra: Schema = {}): Schema {
  return { type: 'object', description, additionalProperties: false, properties: Object.fromEntries(keys.map((k) => [k, described[k] ?? {}])), ...extra };
}

/** `load:`: one variant per executor of the table, picked by `executor`. */
function loadSchema(): Schema {
  const kinds = Object.keys(executors) as ExecutorKind[];
  return {
    type: 'object',
    description: 'The load profile: k6 executors and keys.',
    required: ['executor'],
    properties: { executor: { enum: kinds, description: loadKeys.executor.description } },
    oneOf: kinds.map((kind) => ({
      if: { properties: { executor: { const: kind } } },
      then: objectOf([...commonLoadKeys, ...executors[kind].keys], { ...loadKeys, executor: { const: kind } }, kind),
      else: false,
    })),
  };
}

export function scenarioJsonSchema(): Schema {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'runner scenario (version 1)',
    description: 'A runner load-test scenario. Generated by `npm run schema` from the validator\'s key tables; do not edit by hand.',
    ...objectOf(topKeys, top, 'A runner scenario file.'),
    anyOf: [
      { required: ['requests'], not: { required: ['scenarios'] } },
      { required: ['scenarios'], allOf: [{ not: { required: ['requests'] } }, { not: { required: ['load'] } }] },
    ],
    definitions: {
      duration: { type: 'string', pattern: DURATION_PATTERN, description: "A duration with a unit: '500ms', '5s', '1m30s', '1h'." },
      status: { type: 'integer', minimum: 100, maximum: 599 },
      http: objectOf(httpKeys, http, 'Connection settings shared by every request.', { dependencies: { cert: ['key'], key: ['cert'] } }),
      headers: {
        type: 'object',
        description: 'Headers; values may hold {{placeholders}}.',
        propertyNames: { pattern: "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$" },
        additionalProperties: { type: ['string', 'number'] },
      },
      field: {
        type: 'object',
        description: 'A generator and its arguments, e.g. { gen: string, length: 8, charset: alpha, unique: true }.',
        required: ['gen'],
        properties: { gen: { enum: [...generatorNames], description: 'The generator.' }, unique: { type: 'boolean', description: 'Never repeat a value within a run.' } },
      },
      requests: {
        type: 'array',
        description: 'Requests (and `- ws:` WebSocket sessions), run in order once per iteration.',
        minItems: 1,
        items: { if: { type: 'object', required: ['ws'] }, then: { type: 'object', additionalProperties: false, required: ['ws'], properties: { ws: ref('ws') } }, else: ref('request') },
      },
      ws: objectOf(wsKeys, ws, 'A WebSocket session.', { required: ['steps'] }),
      request: objectOf(requestKeys, request, 'One request.', {
        // One of path/url, at most one body key: what the validator also requires.
        anyOf: [{ required: ['path'], not: { required: ['url'] } }, { required: ['url'], not: { required: ['path'] } }],
        not: { anyOf: [{ required: ['body', 'json'] }, { required: ['body', 'template'] }, { required: ['json', 'template'] }] },
      }),
      load: loadSchema(),
      scenario: objectOf(scenarioKeys, scenario, 'One scenario of several.', { required: ['requests'] }),
      threshold: {
        anyOf: [
          text("A k6 threshold expression, e.g. 'p(99)<500' or 'rate<0.01'."),
          objectOf(['threshold', 'abortOnFail', 'delayAbortEval'], {
            threshold: text('The expression.'),
            abortOnFail: { type: 'boolean', description: 'Stop the run when it fails.' },
            delayAbortEval: duration('Run time before abortOnFail may stop the run.'),
          }, 'A threshold with options.', { required: ['threshold'] }),
        ],
      },
    },
  };
}

/** Every key of the validator's tables that has no description here (the test requires none). */
export function undescribedKeys(): string[] {
  const missing: string[] = [];
  const check = (where: string, keys: readonly string[], described: Record<string, Schema>) => {
    for (const k of keys) if (!Object.hasOwn(described, k)) missing.push(`${where}.${k}`);
  };
  check('top', topKeys, top);
  check('http', httpKeys, http);
  check('request', requestKeys, request);
  check('scenario', scenarioKeys, scenario);
  check('ws', wsKeys, ws);
  for (const [kind, e] of Object.entries(executors)) check(`load(${kind})`, [...commonLoadKeys, ...e.keys], loadKeys);
  return missing;
}

/** The schema file's exact text. */
export function renderScenarioJsonSchema(): string {
  return JSON.stringify(scenarioJsonSchema(), null, 2) + '\n';
}
