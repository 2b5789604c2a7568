// Builds the versioned RunResult, writes it atomically and reads it back with a user-facing error on a bad file.
import { randomBytes } from 'node:crypto';
import { open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { UserError } from '../errors.ts';
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
  errorMessages?: RunResult['errorMessages'];
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
  if (input.errorMessages !== undefined && Object.keys(input.errorMessages).length > 0) result.errorMessages = input.errorMessages;
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

/** 1-based line and column of a 0-based character offset. */
function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Dotted paths of the required fields that are missing or of the wrong type. */
function missingFields(r: Record<string, unknown>): string[] {
  const need: [string, (v: unknown) => boolean][] = [
    ['runner', (v) => typeof v === 'string'],
    ['scenario', isObject],
    ['scenario.name', (v) => typeof v === 'string'],
    ['scenario.file', (v) => typeof v === 'string'],
    ['scenario.seed', (v) => typeof v === 'number'],
    ['startedAt', (v) => typeof v === 'string'],
    ['durationMs', (v) => typeof v === 'number'],
    ['totals', isObject],
    ['totals.requests', (v) => typeof v === 'number'],
    ['totals.byStatus', isObject],
    ['totals.errors', isObject],
    ['latency', isObject],
    ['latency.count', (v) => typeof v === 'number'],
    ['latency.hdr', (v) => typeof v === 'string'],
    ['requests', isObject],
  ];
  const get = (path: string): unknown =>
    path.split('.').reduce<unknown>((o, k) => (isObject(o) ? o[k] : undefined), r);
  return need.filter(([path, ok]) => !ok(get(path))).map(([path]) => path);
}

/** Reads a result file written by `writeResultAtomic`; throws a UserError naming the file on anything unusable. */
export async function readRunResult(path: string): Promise<RunResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new UserError({ message: `cannot read result file ${path} (${code})`, hint: 'pass the file written by `runner run --out`' });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    const detail = (err as Error).message;
    const position = /at position (\d+)/.exec(detail);
    const where = position ? lineColumnAt(text, Number(position[1])) : undefined;
    throw new UserError({
      message: `result file ${path} is not valid JSON: ${detail}`,
      location: where ? { file: path, ...where } : undefined,
      hint: 'a result file is the JSON written by `runner run --out`; was it truncated or edited?',
    });
  }
  if (!isObject(parsed)) {
    throw new UserError({ message: `result file ${path} does not hold a JSON object`, hint: 'pass the file written by `runner run --out`' });
  }
  if (parsed.version !== 1) {
    throw new UserError({
      message: `result file ${path} has version ${JSON.stringify(parsed.version)}; this runner reads version 1`,
      hint: 'write it again with this runner, or read it with the runner version that wrote it',
    });
  }
  const missing = missingFields(parsed);
  if (missing.length > 0) {
    throw new UserError({
      message: `result file ${path} is missing or has invalid fields: ${missing.join(', ')}`,
      hint: 'the file may have been edited by hand or written by another tool',
    });
  }
  return parsed as unknown as RunResult;
}
