// The public API of the `runner` package: what scenarios and programs import. Explicit named exports only.
import type { CodeScenario, DeclarativeScenario, ScenarioInput } from './api/scenario-input.ts';
import type { DataRow } from './flow/context.ts';

/**
 * Declares a scenario; `export default defineScenario({ ... })` is a TypeScript scenario file.
 * Declarative: the YAML format's keys (`target`, `fields`, `requests`, `load`, …), typed.
 * Code (k6-like): `load` plus `iteration: async (ctx) => { ... }`, with optional `setup`/`teardown`.
 * Returns its argument: the file only sets options; runner does the rest.
 */
export function defineScenario<Data = undefined, Rows extends Record<string, object> = Record<string, DataRow>>(scenario: DeclarativeScenario | CodeScenario<Data, Rows>): ScenarioInput {
  return scenario;
}

export { template } from './flow/code-template.ts';

export type {
  CaptureInput,
  CharsetName,
  CodeScenario,
  DataInput,
  DeclarativeScenario,
  Duration,
  FieldInput,
  HttpInput,
  HttpMethod,
  LoadInput,
  RequestInput,
  ScenarioInput,
  ThresholdInput,
} from './api/scenario-input.ts';
export type { Checks, DataRow, Generators, Http, HttpResponse, IterationContext, RequestBody, RequestOptions, SetupContext } from './flow/context.ts';
export type { Ws, WsConnection, WsConnectOptions, WsMatch, WsMessage } from './flow/ws-context.ts';
export type { RunResult } from './result/types.ts';
