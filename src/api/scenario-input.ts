// The input a TypeScript scenario hands to `defineScenario`: the YAML format's keys and values, typed, plus
// the code form's `iteration`/`setup`/`teardown`. Types only; scenario/validate.ts checks the values at load time.
import type { CharsetName } from '../generators/charsets.ts';
import type { DataRow, IterationContext, SetupContext } from '../flow/context.ts';
import type { ExecutorInput } from '../scheduler/index.ts';

export type { CharsetName };

/** A duration written with a unit: `'500ms'`, `'5s'`, `'1m30s'`. */
export type Duration = `${number}${'us' | 'ms' | 's' | 'm' | 'h'}${string}` | '0';

/** A field drawn afresh for every iteration: `{ gen: 'string', length: 8, charset: 'alpha', unique: true }`. */
export type FieldInput = (
  | { gen: 'string'; length: number; charset?: CharsetName; chars?: string }
  | { gen: 'koreanName'; given?: number }
  | { gen: 'email'; length?: number; charset?: CharsetName; chars?: string; domain?: string }
  | { gen: 'int'; min?: number; max: number }
  | { gen: 'pick'; values: (string | number)[]; weights?: number[] }
  | { gen: 'sequence'; start?: number; step?: number; prefix?: string; pad?: number }
  | { gen: 'uuid' }
  | { gen: 'phone'; format?: string }
  | { gen: 'date'; from: string; to: string; format?: string }
  | { gen: 'float'; min?: number; max: number; decimals?: number }
  | { gen: 'bool'; probability?: number }
  | { gen: 'regex'; pattern: string }
) & {
  /** Never repeat a value within a run. */
  unique?: boolean;
};

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'HEAD' | 'OPTIONS';

/** Capture a value from the response: a JSON path (`'$.token'`) or `{ header: 'Location' }` / `{ json: '$.id' }`. */
export type CaptureInput = `$${string}` | { json: `$${string}` } | { header: string } | { cookie: string };

/** One request of a declarative flow; give one of `path` / `url` and at most one of `body` / `json` / `template`. */
export interface RequestInput {
  /** The metrics key; default `METHOD path`. */
  name?: string;
  method?: HttpMethod | Lowercase<HttpMethod>;
  /** A path starting with `/`, resolved against `target`; may hold `{{placeholders}}`. */
  path?: string;
  /** An absolute `http(s)://` URL. */
  url?: string;
  headers?: Record<string, string | number>;
  /** A text body template. */
  body?: string;
  /** An inline JSON body; its strings may hold placeholders. */
  json?: unknown;
  /** A body template file, relative to the scenario file (`.json` = a JSON template). */
  template?: string;
  /** An application/x-www-form-urlencoded body: field → value (placeholders allowed). */
  form?: Record<string, string | number | boolean>;
  /** A multipart/form-data body: part → text value, or a file `{ path, contentType?, filename? }` read at load time. */
  multipart?: Record<string, string | number | boolean | { path: string; contentType?: string; filename?: string }>;
  /** Statuses counted as success (default any 2xx/3xx). */
  expect?: number | number[];
  /** Values taken from the response for later requests: `{ token: '$.token' }`. */
  capture?: Record<string, CaptureInput>;
  /** Pause after this request: `'500ms'` or a range `['1s', '3s']`. */
  think?: Duration | [Duration, Duration];
  timeout?: Duration;
}

interface LoadBase {
  startTime?: Duration;
  gracefulStop?: Duration;
}

/** k6's executors and keys; each executor's own keys are typed in its module (scheduler/<executor>.ts). */
type WsJson = string | number | boolean | null | WsJson[] | { [key: string]: WsJson };

/** One step of a ws item: exactly one key. */
export type WsActionInput =
  | { send: ({ text: string } | { json: WsJson }) & ({ count?: number } | { duration: Duration }) & ({ every?: Duration } | { rate?: number }) }
  | { wait: ({ json?: `$${string}`; equals?: string | number | boolean | null } | { contains: string }) & { timeout?: Duration; capture?: Record<string, `$${string}`>; name?: string } }
  | { hold: Duration | 'iteration' }
  | { drain: Duration }
  | { close: number | null | { code?: number; reason?: string } };

/** A WebSocket step in a request list: connect, run `steps`, close (README "WebSocket and chat servers"). */
export interface WsStepInput {
  ws: {
    name?: string;
    path?: string;
    url?: string;
    headers?: Record<string, string>;
    timeout?: Duration;
    track?: { id?: `$${string}`; pattern?: string; room?: string; grace?: Duration };
    steps?: WsActionInput[];
  };
}

export type LoadInput = LoadBase & ExecutorInput;

export interface HttpInput {
  /** Cookie jars: `'iteration'` (default, or true): an empty jar each iteration; `'vu'`: kept across a VU's iterations; false: off. */
  cookies?: 'iteration' | 'vu' | boolean;
  /** 2: offer HTTP/2 over TLS (ALPN; a server without it gets HTTP/1.1). Default 1. */
  version?: 1 | 2;
  /** A PEM file of CA certificates trusted besides Node's roots, relative to the scenario file. */
  ca?: string;
  /** A PEM client certificate for mTLS; give `key` with it. */
  cert?: string;
  /** The client certificate's unencrypted PEM private key. */
  key?: string;
  connections?: number;
  timeout?: Duration;
  pipelining?: number;
  insecure?: boolean;
  maxRedirects?: number;
  maxCaptureSize?: number;
}

export type ThresholdInput = string | { threshold: string; abortOnFail?: boolean; delayAbortEval?: Duration };

/** A data file (feeder): `{{name.column}}` in templates, `ctx.rows.name.column` in code. */
export type DataInput =
  | string
  | {
      /** `.csv` with a header row, `.json` (an array of objects) or `.jsonl`; relative to the scenario file. */
      file: string;
      /** circular (default): row = iteration mod rows; queue: each row once in order; shuffle: each once, seeded order; random: seeded, with replacement. */
      order?: 'circular' | 'queue' | 'shuffle' | 'random';
    };

/** What YAML and code scenarios share. */
interface CommonInput {
  version?: 1;
  name?: string;
  target?: string;
  http?: HttpInput;
  headers?: Record<string, string | number>;
  fields?: Record<string, FieldInput>;
  data?: Record<string, DataInput>;
  seed?: number;
  thresholds?: Record<string, ThresholdInput | ThresholdInput[]>;
}

/** The declarative form: the same keys as a YAML file. */
export type DeclarativeScenario = CommonInput &
  (
    | { requests: (RequestInput | WsStepInput)[]; load: LoadInput; scenarios?: never }
    | { scenarios: Record<string, { load: LoadInput; requests: (RequestInput | WsStepInput)[] }>; requests?: never; load?: never }
  ) & { iteration?: never; setup?: never; teardown?: never };

/** The code form: an async function per iteration (k6's `export default function`), optional setup/teardown. */
export type CodeScenario<Data = undefined, Rows extends Record<string, object> = Record<string, DataRow>> = CommonInput &
  (
    | { load: LoadInput; scenarios?: never }
    /** Several load profiles running the same iteration at the same time. */
    | { scenarios: Record<string, { load: LoadInput }>; load?: never }
  ) & {
    requests?: never;
    /** One iteration; a thrown exception fails the iteration (its message is counted) and the run goes on. */
    iteration: (ctx: IterationContext<Data, Rows>) => unknown;
    /** Runs once before any iteration; its return value is `ctx.data` in every iteration and in teardown. */
    setup?: (ctx: SetupContext) => Data | Promise<Data>;
    /** Runs once after the last iteration. */
    teardown?: (ctx: SetupContext & { data: Data }) => unknown;
  };

export type ScenarioInput = DeclarativeScenario | CodeScenario<any, any>;
