// Validates a `load:` mapping into one executor config; every executor checks its own keys.
import { didYouMean } from '../errors.ts';
import type { Checker, Path } from './checker.ts';
import { LIMITS, formatLimit } from './limits.ts';
import type { ExecutorConfig, ExecutorKind, Stage } from './model.ts';

const common = ['executor', 'startTime', 'gracefulStop'] as const;

/** Keys each executor accepts, besides the common ones. */
const keysOf = {
  'shared-iterations': ['vus', 'iterations', 'maxDuration'],
  'per-vu-iterations': ['vus', 'iterations', 'maxDuration'],
  'constant-vus': ['vus', 'duration'],
  'constant-arrival-rate': ['rate', 'timeUnit', 'duration', 'preAllocatedVUs', 'maxVUs'],
  'ramping-arrival-rate': ['startRate', 'timeUnit', 'stages', 'preAllocatedVUs', 'maxVUs'],
  'ramping-vus': ['startVUs', 'stages', 'gracefulRampDown'],
} as const satisfies Record<ExecutorKind, readonly string[]>;

export const executorKinds = Object.keys(keysOf) as ExecutorKind[];

const DEFAULT_GRACEFUL_STOP_MS = 30_000;
const DEFAULT_MAX_DURATION_MS = 10 * 60_000;

export function validateLoad(c: Checker, raw: unknown, path: Path): ExecutorConfig | undefined {
  const obj = c.object(raw, path);
  if (!obj) return undefined;
  const kind = obj.executor;
  if (typeof kind !== 'string' || !(kind in keysOf)) {
    const guess = typeof kind === 'string' ? didYouMean(kind, executorKinds) : undefined;
    return c.fail([...path, 'executor'], kind === undefined ? 'missing executor' : `unknown executor '${String(kind)}'`, guess ?? `one of: ${executorKinds.join(', ')}`);
  }
  const executor = kind as ExecutorKind;
  c.onlyKeys(obj, path, [...common, ...keysOf[executor]]);
  const at = (key: string): Path => [...path, key];
  const optDuration = (key: string, fallback: number) => (obj[key] === undefined ? fallback : c.duration(obj[key], at(key)));
  const required = (key: string) => (obj[key] === undefined ? c.fail(path, `${executor} needs '${key}'`, `add '${key}:' under 'load:'`) : obj[key]);

  const startTimeMs = optDuration('startTime', 0);
  const gracefulStopMs = optDuration('gracefulStop', DEFAULT_GRACEFUL_STOP_MS);
  if (startTimeMs === undefined || gracefulStopMs === undefined) return undefined;
  const base = { startTimeMs, gracefulStopMs };

  switch (executor) {
    case 'shared-iterations':
    case 'per-vu-iterations': {
      const vus = obj.vus === undefined ? 1 : c.bounded(obj.vus, at('vus'), 1, LIMITS.vus);
      const iterations = obj.iterations === undefined ? 1 : c.bounded(obj.iterations, at('iterations'), 1, LIMITS.iterations);
      const maxDurationMs = optDuration('maxDuration', DEFAULT_MAX_DURATION_MS);
      if (vus === undefined || iterations === undefined || maxDurationMs === undefined) return undefined;
      if (executor === 'shared-iterations' && vus > iterations) {
        c.fail(at('vus'), `${vus} VUs for ${iterations} iterations: some VUs would never run`, 'use at most as many VUs as iterations');
        return undefined;
      }
      return { executor, ...base, vus, iterations, maxDurationMs };
    }
    case 'constant-vus': {
      const vus = obj.vus === undefined ? 1 : c.bounded(obj.vus, at('vus'), 1, LIMITS.vus);
      const durationMs = c.duration(required('duration'), at('duration'), false);
      if (vus === undefined || durationMs === undefined) return undefined;
      return { executor, ...base, vus, durationMs };
    }
    case 'constant-arrival-rate': {
      const rate = c.number(required('rate'), at('rate'));
      const timeUnitMs = obj.timeUnit === undefined ? 1000 : c.duration(obj.timeUnit, at('timeUnit'), false);
      const durationMs = c.duration(required('duration'), at('duration'), false);
      const vus = arrivalVus(c, obj, path);
      const rateOk = rate !== undefined && timeUnitMs !== undefined && rateWithinLimit(c, rate, timeUnitMs, at('rate'));
      if (!rateOk || durationMs === undefined || !vus) return undefined;
      return { executor, ...base, rate, timeUnitMs, durationMs, ...vus };
    }
    case 'ramping-arrival-rate': {
      const startRate = obj.startRate === undefined ? 0 : c.number(obj.startRate, at('startRate'), true);
      const timeUnitMs = obj.timeUnit === undefined ? 1000 : c.duration(obj.timeUnit, at('timeUnit'), false);
      const stages = validateStages(c, required('stages'), at('stages'), Number.MAX_VALUE);
      const vus = arrivalVus(c, obj, path);
      if (startRate === undefined || timeUnitMs === undefined || !stages) return undefined;
      const ratesOk = [rateWithinLimit(c, startRate, timeUnitMs, at('startRate')), ...stages.map((s, i) => rateWithinLimit(c, s.target, timeUnitMs, [...path, 'stages', i, 'target']))];
      if (ratesOk.includes(false) || !vus) return undefined;
      return { executor, ...base, startRate, timeUnitMs, stages, ...vus };
    }
    case 'ramping-vus': {
      const startVUs = obj.startVUs === undefined ? 1 : c.bounded(obj.startVUs, at('startVUs'), 0, LIMITS.vus);
      const stages = validateStages(c, required('stages'), at('stages'), LIMITS.vus);
      const gracefulRampDownMs = optDuration('gracefulRampDown', DEFAULT_GRACEFUL_STOP_MS);
      if (startVUs === undefined || !stages || gracefulRampDownMs === undefined) return undefined;
      return { executor, ...base, startVUs, stages, gracefulRampDownMs };
    }
  }
}

function arrivalVus(c: Checker, obj: Record<string, unknown>, path: Path) {
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
function rateWithinLimit(c: Checker, rate: number, timeUnitMs: number, path: Path): boolean {
  const perSec = (rate * 1000) / timeUnitMs;
  if (perSec <= LIMITS.ratePerSec) return true;
  const unit = timeUnitMs === 1000 ? '' : ` per ${timeUnitMs} ms (${formatLimit(Math.round(perSec))}/s)`;
  c.fail(path, `rate ${formatLimit(rate)}${unit} is over the limit of ${formatLimit(LIMITS.ratePerSec)} iterations/s`, 'one runner process cannot start more: lower the rate, or lengthen timeUnit');
  return false;
}

/** `maxTarget`: VUs for ramping-vus; arrival rates are checked against their time unit by the caller. */
function validateStages(c: Checker, raw: unknown, path: Path, maxTarget: number): Stage[] | undefined {
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
