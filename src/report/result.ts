// Builds the versioned RunResult and writes it atomically; read-result.ts reads it back.
import { writeFileAtomic } from './atomic-write.ts';
import type { RequestResult, RunResult, ScenarioIdentity } from '../result/types.ts';

export interface RunResultInput {
  /** runner's own version. */
  runner: string;
  scenario: ScenarioIdentity;
  target?: string;
  startedAt: Date | string;
  durationMs: number;
  outcome: RunResult['outcome'];
  iterations: RunResult['iterations'];
  /** What `Collector.toRequestResults(durationMs)` returned. */
  metrics: { total: RequestResult; byName: Record<string, RequestResult> };
  checks?: RunResult['checks'];
  iterationErrors?: RunResult['iterationErrors'];
  errorMessages?: RunResult['errorMessages'];
  warnings?: string[];
  scenarios?: RunResult['scenarios'];
  timeSeries?: RunResult['timeSeries'];
  selfCheck?: RunResult['selfCheck'];
  ws?: RunResult['ws'];
  protocols?: RunResult['protocols'];
}

/** The result file's content, keys in the order people read them. */
export function buildRunResult(input: RunResultInput): RunResult {
  const result: RunResult = {
    version: 2,
    runner: input.runner,
    scenario: { ...input.scenario },
    startedAt: typeof input.startedAt === 'string' ? input.startedAt : input.startedAt.toISOString(),
    durationMs: input.durationMs,
    outcome: input.outcome,
    totals: { ...input.metrics.total.totals, dropped: input.iterations.dropped },
    latency: input.metrics.total.latency,
    serviceTime: input.metrics.total.serviceTime,
    iterations: { ...input.iterations },
    requests: input.metrics.byName,
    checks: input.checks ?? {},
    iterationErrors: input.iterationErrors ?? [],
    warnings: input.warnings ?? [],
    scenarios: input.scenarios ?? {},
    timeSeries: input.timeSeries ?? [],
  };
  if (input.selfCheck !== undefined) result.selfCheck = input.selfCheck;
  if (input.ws !== undefined) result.ws = input.ws;
  if (input.protocols !== undefined && Object.keys(input.protocols).length > 0) result.protocols = input.protocols;
  if (input.errorMessages !== undefined && Object.keys(input.errorMessages).length > 0) result.errorMessages = input.errorMessages;
  // Only present when known; JSON would drop an undefined anyway, but the object should match the file.
  return input.target === undefined ? result : { ...result, target: input.target };
}

/** Writes `value` as JSON (2-space indent), atomically: see writeFileAtomic. */
export async function writeResultAtomic(path: string, value: unknown): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}
