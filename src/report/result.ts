// Builds the versioned RunResult and writes it atomically; read-result.ts reads it back.
import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { RequestResult, RunResult } from './result-types.ts';

export interface RunResultInput {
  /** runner's own version. */
  runner: string;
  scenario: { name: string; file: string; seed: number };
  target?: string;
  startedAt: Date | string;
  durationMs: number;
  outcome: RunResult['outcome'];
  iterations: RunResult['iterations'];
  /** What `Collector.toRequestResults(durationMs)` returned. */
  metrics: { total: RequestResult; byName: Record<string, RequestResult> };
  checks?: RunResult['checks'];
  iterationErrors?: RunResult['iterationErrors'];
  warnings?: string[];
  scenarios?: RunResult['scenarios'];
  timeSeries?: RunResult['timeSeries'];
  selfCheck?: RunResult['selfCheck'];
}

/** The result file's content, keys in the order people read them. */
export function buildRunResult(input: RunResultInput): RunResult {
  const result: RunResult = {
    version: 1,
    runner: input.runner,
    scenario: { name: input.scenario.name, file: input.scenario.file, seed: input.scenario.seed },
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
  // Only present when known; JSON would drop an undefined anyway, but the object should match the file.
  return input.target === undefined ? result : { ...result, target: input.target };
}

/**
 * Writes `value` as JSON (2-space indent) so readers never see a half-written file: a temp file in the same
 * directory (rename is only atomic within one file system), fsync, then rename over `path`.
 */
export async function writeResultAtomic(path: string, value: unknown): Promise<void> {
  const tmpPath = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const text = `${JSON.stringify(value, null, 2)}\n`;
  try {
    const fh = await open(tmpPath, 'wx');
    try {
      await fh.writeFile(text, 'utf8');
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmpPath, path);
  } catch (err) {
    await unlink(tmpPath).catch(() => undefined);
    throw err;
  }
}
