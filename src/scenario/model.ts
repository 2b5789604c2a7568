// The one scenario model: what YAML files, TypeScript files and CLI flags all turn into.
import type { DataTable } from '../data/table.ts';
import type { Location } from '../errors.ts';
import type { WsPlacement } from './ws-model.ts';
import type { K6Hooks } from '../k6/hooks.ts';
import type { ExecutorConfig } from '../scheduler/index.ts';

/** A test file: shared settings plus one or more scenarios that run at the same time. */
export interface TestModel {
  /** Model version of the source file format. */
  version: 1;
  name: string;
  /** Absolute path of the file this came from. */
  file: string;
  /** Other local files it is built from (modules a script scenario imports), absolute: inputs no output may overwrite. */
  sources?: string[];
  /** Base URL every relative request path is resolved against. */
  target?: string;
  http: HttpSettings;
  /** Default headers for every request; values may hold `{{placeholders}}`. */
  headers: HeaderSpec[];
  /** Named random fields, drawn afresh for every iteration. */
  fields: FieldSpec[];
  /** Data files (feeders): one row per iteration, read as `{{name.column}}`. */
  data?: DataSpec[];
  scenarios: ScenarioSpec[];
  /** Fixed PRNG seed; when absent the run picks one and reports it. */
  seed?: number;
  thresholds: ThresholdSpec[];
  /** A k6 script's run-time extras (src/k6/): test.abort(), its own thresholds, handleSummary(). */
  k6?: K6Hooks;
}

export interface HttpSettings {
  /** Max sockets per origin; undefined = the largest VU count of any scenario. */
  connections?: number;
  /** Whole-request deadline (connect + headers + body). */
  timeoutMs: number;
  /** Requests in flight per socket; 1 = no pipelining. */
  pipelining: number;
  /** Skip TLS certificate verification. */
  insecure: boolean;
  /** Redirects followed per request; 0 = report the 3xx as is. */
  maxRedirects: number;
  /** Cap on a response body buffered for a capture. */
  maxCaptureBytes: number;
  /**
   * 1 (or absent): HTTP/1.1. 2: offer HTTP/2 by ALPN over TLS (servers that decline get HTTP/1.1); `pipelining` is then the
   * streams per session and `connections` the sessions per origin.
   */
  version?: 1 | 2;
  /** Extra trust and a client certificate, read from files at load time. */
  tls?: TlsFiles;
  /**
   * Cookie jars: `iteration` (absent = this; a jar per VU emptied at each iteration's start), `vu` (kept across
   * the VU's iterations) or `off`.
   */
  cookies?: 'iteration' | 'vu' | 'off';
}

/** A PEM file the scenario names, read at load time. */
export interface PemFile {
  /** Absolute path. */
  file: string;
  pem: Buffer;
}

export interface TlsFiles {
  /** CA certificate(s) trusted in addition to Node's bundled roots. */
  ca?: PemFile;
  /** Client certificate (mTLS); always given with `key`. */
  cert?: PemFile;
  key?: PemFile;
}

export interface HeaderSpec {
  name: string;
  /** Template text; `{{field}}` placeholders allowed. */
  value: string;
  location?: Location;
}

export interface FieldSpec {
  name: string;
  /** Generator name (`string`, `koreanName`, …). */
  gen: string;
  /** The generator's own arguments, validated by its factory. */
  args: Record<string, unknown>;
  /** Never repeat a value within a run. */
  unique: boolean;
  location?: Location;
}

/** How a data file's rows are handed to iterations (Gatling's feeder strategies). */
export type DataOrder = 'circular' | 'queue' | 'shuffle' | 'random';

export interface DataSpec {
  /** The name placeholders use: `{{name.column}}`. */
  name: string;
  /** Absolute path. */
  file: string;
  format: 'csv' | 'json' | 'jsonl';
  order: DataOrder;
  location?: Location;
  /** The rows, read by loadDataFiles() once validation passed (before the plan compiles). */
  table?: DataTable;
}

export interface ScenarioSpec {
  name: string;
  load: ExecutorConfig;
  flow: FlowSpec;
  location?: Location;
}

export type FlowSpec =
  /** `ws`: WebSocket steps between the requests (absent when there are none). */
  | { kind: 'requests'; requests: RequestSpec[]; ws?: WsPlacement[] }
  /** A TypeScript iteration function; its context type lives in the public API. */
  | {
      kind: 'function';
      iteration: (ctx: never) => unknown;
      setup?: (ctx: never) => unknown;
      teardown?: (ctx: never) => unknown;
      /** Where in the user's source an exception thrown by this code was raised. */
      locateError?: (err: unknown) => Location | undefined;
    };

export interface RequestSpec {
  /** Unique within the scenario; the metrics key. */
  name: string;
  method: string;
  /** Path (or absolute URL) template. */
  path: string;
  headers: HeaderSpec[];
  body?: BodySpec;
  /** Statuses counted as success; empty = any 2xx/3xx. */
  expect: number[];
  captures: CaptureSpec[];
  /** Pause after this request, drawn uniformly from [minMs, maxMs]. */
  think?: { minMs: number; maxMs: number };
  /** Overrides http.timeoutMs for this request. */
  timeoutMs?: number;
  location?: Location;
  pathLocation?: Location;
}

export type BodySpec =
  /** Text with placeholders; `json` templates escape substituted values for JSON. */
  | { kind: 'template'; format: 'json' | 'text'; text: string; file?: string; location?: Location }
  /** `form:` — application/x-www-form-urlencoded; each value a template, percent-encoded when rendered. */
  | { kind: 'form'; fields: FormFieldSpec[]; location?: Location }
  /** `multipart:` — multipart/form-data: text fields (templates) and files read at load time. */
  | { kind: 'multipart'; parts: MultipartPartSpec[]; location?: Location };

export interface FormFieldSpec {
  name: string;
  /** Template text. */
  value: string;
  location?: Location;
}

export type MultipartPartSpec =
  | { kind: 'field'; name: string; value: string; location?: Location }
  | { kind: 'file'; name: string; filename: string; contentType: string; bytes: Uint8Array; file: string; location?: Location };

export interface CaptureSpec {
  /** Variable name later placeholders use. */
  name: string;
  /** `cookie`: the value of the cookie named `path` that the VU's jar holds for this request's URL. */
  from: 'json' | 'header' | 'cookie';
  /** JSON path subset (`$.a.b[0]`) or header name. */
  path: string;
  location?: Location;
}

export interface ThresholdSpec {
  /** Metric with optional tag filter, e.g. `http_req_duration{name:signup}`. */
  metric: string;
  /** k6 expression, e.g. `p(99)<500`. */
  expression: string;
  abortOnFail: boolean;
  /** With abortOnFail: run time before the threshold may stop the run (k6's delayAbortEval). */
  delayAbortEvalMs: number;
  location?: Location;
}

// Each executor's config type lives in its module (scheduler/<executor>.ts), with its validation and run.
export type { ExecutorConfig, ExecutorKind } from '../scheduler/index.ts';
export type { ExecutorBase, Stage } from '../scheduler/executor.ts';
export type { SharedIterations } from '../scheduler/shared-iterations.ts';
export type { PerVuIterations } from '../scheduler/per-vu-iterations.ts';
export type { ConstantVus } from '../scheduler/constant-vus.ts';
export type { ConstantArrivalRate } from '../scheduler/constant-arrival-rate.ts';
export type { RampingArrivalRate } from '../scheduler/ramping-arrival-rate.ts';
export type { RampingVus } from '../scheduler/ramping-vus.ts';
