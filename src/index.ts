// The public API of the `runner` package: what scenarios and programs import. Explicit named exports only.
export type { TestModel, ScenarioSpec, RequestSpec, FieldSpec, ExecutorConfig } from './scenario/model.ts';
export type { RunResult } from './report/result-types.ts';
export { loadScenario } from './scenario/load.ts';
export { compilePlan } from './plan/compile.ts';
export { Run } from './run.ts';
