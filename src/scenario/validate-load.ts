// Validates a `load:` mapping into one executor config: the keys every executor shares here, the
// executor's own keys in its module (scheduler/<executor>.ts).
import { didYouMean } from '../errors.ts';
import type { Checker, Path } from './checker.ts';
import type { LoadReader } from '../scheduler/executor.ts';
import { executorKinds, executorOf, executors, isExecutorKind, type ExecutorConfig } from '../scheduler/index.ts';
import { DEFAULT_GRACEFUL_STOP_MS } from '../scheduler/load-checks.ts';

export const commonLoadKeys = ['executor', 'startTime', 'gracefulStop'] as const;

export function validateLoad(c: Checker, raw: unknown, path: Path): ExecutorConfig | undefined {
  const obj = c.object(raw, path);
  if (!obj) return undefined;
  const kind = obj.executor;
  if (typeof kind !== 'string' || !isExecutorKind(kind)) {
    const guess = typeof kind === 'string' ? didYouMean(kind, executorKinds) : undefined;
    return c.fail([...path, 'executor'], kind === undefined ? 'missing executor' : `unknown executor '${String(kind)}'`, guess ?? `one of: ${executorKinds.join(', ')}`);
  }
  const executor = executors[kind];
  c.onlyKeys(obj, path, [...commonLoadKeys, ...executor.keys]);
  const at = (key: string): Path => [...path, key];
  const reader: LoadReader = {
    c,
    obj,
    path,
    at,
    optDuration: (key, fallback) => (obj[key] === undefined ? fallback : c.duration(obj[key], at(key))),
    required: (key) => (obj[key] === undefined ? c.fail(path, `${kind} needs '${key}'`, `add '${key}:' under 'load:'`) : obj[key]),
  };
  const startTimeMs = reader.optDuration('startTime', 0);
  const gracefulStopMs = reader.optDuration('gracefulStop', DEFAULT_GRACEFUL_STOP_MS);
  if (startTimeMs === undefined || gracefulStopMs === undefined) return undefined;
  // The module typed for one config of the union: its validate reads only its own keys.
  return (executor as ReturnType<typeof executorOf>).validate(reader, { startTimeMs, gracefulStopMs });
}
