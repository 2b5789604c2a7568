// The compiled plan: everything the scheduler and the HTTP layer need, resolved once before the run.
import type { DataFeed, DataFill, DataSource } from '../data/feed.ts';
import type { CompiledField } from '../generators/index.ts';
import type { CaptureSpec, ExecutorConfig, FlowSpec, HttpSettings, ThresholdSpec } from '../scenario/model.ts';
import type { FieldValue } from '../generators/types.ts';
import type { RenderFn } from '../template/types.ts';
import type { SegmentTuple } from '../scheduler/segment.ts';
import type { CompiledWsStep } from '../ws/compile.ts';

export interface Plan {
  name: string;
  file: string;
  seed: number;
  target?: string;
  http: HttpSettings & { connections: number };
  /** Fields in slots 0..fields.length-1; each scenario draws those it reads (PlannedScenario.drawFields). */
  fields: CompiledField[];
  /** Data files (feeders), shared by every scenario that reads them. */
  data: DataSource[];
  /** Metric key of each request id (index). */
  requestNames: string[];
  scenarios: PlannedScenario[];
  thresholds: ThresholdSpec[];
  /** Values that came from the environment: redacted from every output. */
  secrets: string[];
  /** The part of the run this process runs; absent = all of it. */
  segment?: SegmentTuple;
}

export interface PlannedScenario {
  name: string;
  /** Position in the file; mixed into the PRNG seed. */
  index: number;
  load: ExecutorConfig;
  /** The request flow of one iteration (YAML / declarative). */
  steps?: CompiledRequest[];
  /** WebSocket steps between the requests, in order; absent when there are none (the flow then pays nothing). */
  ws?: { before: number; step: CompiledWsStep }[];
  /** A code iteration (imperative TS). */
  iteration?: Extract<FlowSpec, { kind: 'function' }>;
  /** A code iteration's default headers (the scenario's `headers`), rendered with the iteration's fields. */
  headers?: { name: string; render: RenderFn }[];
  /**
   * The fields (indexes into Plan.fields, ascending) drawn at the start of each iteration: those its templates
   * read (requests, headers, WebSocket steps), or all of them for a code iteration (`ctx.fields`).
   */
  drawFields: number[];
  /** Size of the per-VU value array: fields, then data columns and captures. */
  slotCount: number;
  /** The data files this scenario reads, and the slots their columns fill before each iteration. */
  feed?: DataFeed;
}

export interface CompiledRequest {
  /** Index into Plan.requestNames and the collector. */
  id: number;
  name: string;
  method: string;
  /** `http://host:port`; the pool key. */
  origin: string;
  /** Renders path + query, percent-encoding substituted values. */
  path: RenderFn;
  /** Lower-case names. */
  headers: { name: string; render: RenderFn }[];
  body?: RenderFn;
  /** A body of bytes (multipart with files), sent instead of `body`. */
  bodyBytes?: (vars: readonly FieldValue[]) => Uint8Array;
  /** expect[status] === 1 when the status counts as success. */
  expect: Uint8Array;
  captures: (CaptureSpec & { slot: number })[];
  think?: { minMs: number; maxMs: number };
  timeoutMs: number;
  /** Buffer the response body (up to http.maxCaptureBytes) for a capture. */
  needsBody: boolean;
}

/** Placeholder names in slot order while a scenario compiles. */
export interface SlotTable {
  names: string[];
  /** Slots 0..fieldCount-1 are the fields. */
  fieldCount: number;
  /** The field slots some template of the scenario reads. */
  usedFields: Set<number>;
  /** Field slots whose values JSON takes as they are and that no capture of the scenario refills. */
  plainFields: Set<number>;
  captures: Set<string>;
  /** The run's data files, and the columns this scenario's templates read so far. */
  data: DataSource[];
  fills: DataFill[];
}
