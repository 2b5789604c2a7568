// Validation pieces several executors share: VU counts, iteration counts, arrival VUs, rates and stages.
import { UserError } from '../errors.ts';
import type { Checker, Path } from '../scenario/checker.ts';
import { LIMITS, formatLimit } from '../scenario/limits.ts';
import type { LoadReader, Stage } from './executor.ts';

export const DEFAULT_GRACEFUL_STOP_MS = 30_000;
export const DEFAULT_MAX_DURATION_MS = 10 * 60_000;

/** `vus:` (default 1), 1..LIMITS.vus. */
export function readVus(r: LoadReader): number | undefined {
  return r.obj.vus === undefined ? 1 : r.c.bounded(r.obj.vus, r.at('vus'), 1, LIMITS.vus);
}

/** `iterations:` (default 1), 1..LIMITS.iterations. */
export function readIterations(r: LoadReader): number | undefined {
  return r.obj.iterations === undefined ? 1 : r.c.bounded(r.obj.iterations, r.at('iterations'), 1, LIMITS.iterations);
}

/** `timeUnit:` (default 1 s). */
export function readTimeUnit(r: LoadReader): number | undefined {
  return r.obj.timeUnit === undefined ? 1000 : r.c.duration(r.obj.timeUnit, r.at('timeUnit'), false);
}

/** preAllocatedVUs (default min(maxVUs, 100)) and maxVUs (default max(pre, 1000)) of the open model. */
export function readArrivalVus(r: LoadReader): { preAllocatedVUs: number; maxVUs: number } | undefined {
  const { c, obj, path } = r;
  const preAllocatedVUs = obj.preAllocatedVUs === undefined ? undefined : c.bounded(obj.preAllocatedVUs, [...path, 'preAllocatedVUs'], 1, LIMITS.vus);
  const maxVUs = obj.maxVUs === undefined ? undefined : c.bounded(obj.maxVUs, [...path, 'maxVUs'], 1, LIMITS.vus);
  if (preAllocatedVUs === undefined && obj.preAllocatedVUs !== undefined) return undefined;
  if (maxVUs === undefined && obj.maxVUs !== undefined) return undefined;
  const pre = preAllocatedVUs ?? Math.min(maxVUs ?? 100, 100);
  const max = maxVUs ?? Math.max(pre, 1000);
  if (max < pre) {
    c.fail([...path, 'maxVUs'], `maxVUs (${max}) is below preAllocatedVUs (${pre})`, 'maxVUs must be at least preAllocatedVUs');
    return undefined;
  }
  return { preAllocatedVUs: pre, maxVUs: max };
}

/**
 * An arrival rate of at most LIMITS.ratePerSec iterations per second, whatever its time unit: beyond it the
 * tick loop would spend its whole time starting (or dropping) iterations and never see Ctrl-C.
 */
export function rateWithinLimit(c: Checker, rate: number, timeUnitMs: number, path: Path): boolean {
  const perSec = (rate * 1000) / timeUnitMs;
  if (perSec <= LIMITS.ratePerSec) return true;
  const unit = timeUnitMs === 1000 ? '' : ` per ${timeUnitMs} ms (${formatLimit(Math.round(perSec))}/s)`;
  c.fail(path, `rate ${formatLimit(rate)}${unit} is over the limit of ${formatLimit(LIMITS.ratePerSec)} iterations/s`, 'one runner process cannot start more: lower the rate, or lengthen timeUnit');
  return false;
}

/** `maxTarget`: VUs for ramping-vus; arrival rates are checked against their time unit by the caller. */
export function readStages(c: Checker, raw: unknown, path: Path, maxTarget: number): Stage[] | undefined {
  const list = c.array(raw, path);
  if (!list) return undefined;
  if (list.length === 0) return c.fail(path, 'stages must not be empty', "add e.g. '- { duration: 30s, target: 10 }'");
  const stages: Stage[] = [];
  list.forEach((item, i) => {
    const obj = c.object(item, [...path, i]);
    if (!obj) return;
    c.onlyKeys(obj, [...path, i], ['duration', 'target']);
    const durationMs = c.duration(obj.duration, [...path, i, 'duration']);
    const target = c.number(obj.target, [...path, i, 'target'], true, maxTarget);
    if (durationMs !== undefined && target !== undefined) stages.push({ durationMs, target });
  });
  return stages.length === list.length ? stages : undefined;
}

export function stagesSpanMs(stages: readonly Stage[]): number {
  return stages.reduce((sum, s) => sum + s.durationMs, 0);
}

/** withVus for the executors that have no VU count of their own to change. */
export function noVusShortcut(executor: string): never {
  throw new UserError({ message: `--vus alone does not apply to the ${executor} executor`, hint: 'pass --duration too (constant-vus), or change the file' });
}
