// Result files for the report/compare tests: real collectors and histograms, with a few knobs.
import { createCollector, type Collector } from '../../src/metrics/collector.ts';
import { fail, respond } from './samples.ts';
import { buildRunResult } from '../../src/report/result.ts';
import type { RunResult } from '../../src/result/types.ts';

export interface FixtureOptions {
  name?: string;
  file?: string;
  /** Request names (default: signup, me). */
  requests?: string[];
  /** Responses per request (default 200); 0: every request failed (refused). */
  responses?: number;
  /** Latency of the first response, µs; later ones add `stepUs`. */
  baseUs?: number;
  stepUs?: number;
  warnings?: string[];
  timeSeriesSeconds?: number;
}

/** A result as `runner run --out` writes it, parsed back from JSON (plain objects, no undefined). */
export function fixtureResult(o: FixtureOptions = {}): RunResult {
  const names = o.requests ?? ['signup', 'me'];
  const c = createCollector(names);
  const responses = o.responses ?? 200;
  names.forEach((_, id) => {
    for (let i = 0; i < responses; i++) respond(c, id, i % 50 === 0 ? 503 : 200, (o.baseUs ?? 1000) + i * (o.stepUs ?? 7), 900, 10, 10, i % 50 !== 0);
    if (responses === 0) for (let i = 0; i < 20; i++) fail(c, id, 'refused', 0, 0);
  });
  const result = buildRunResult({
    runner: 'test',
    scenario: { name: o.name ?? 'shop', file: o.file ?? 'shop.yaml', seed: 7 },
    target: 'http://127.0.0.1:1',
    startedAt: new Date(0),
    durationMs: 3000,
    outcome: 'completed',
    iterations: { started: 100, completed: 100, failed: 0, dropped: 0, aborted: 0 },
    metrics: c.toRequestResults(3000),
    warnings: o.warnings ?? [],
    timeSeries: Array.from({ length: o.timeSeriesSeconds ?? 3 }, (_, t) => ({ t, started: 10, finished: 10, errors: 0, dropped: 0, p50: 1 + (t % 5), p99: 4 + (t % 11) })),
  });
  return JSON.parse(JSON.stringify(result)) as RunResult;
}

/** A completed run of `durationMs` whose numbers are what `c` recorded; `iterations` and `checks` as given. */
export function resultOf(c: Collector, o: { durationMs?: number; iterations?: Partial<RunResult['iterations']>; checks?: RunResult['checks'] } = {}): RunResult {
  const durationMs = o.durationMs ?? 1000;
  return buildRunResult({
    runner: 't',
    scenario: { name: 's', file: 's.yaml', seed: 1 },
    startedAt: new Date(0),
    durationMs,
    outcome: 'completed',
    iterations: { started: 0, completed: 0, failed: 0, dropped: 0, aborted: 0, ...o.iterations },
    metrics: c.toRequestResults(durationMs),
    checks: o.checks ?? {},
  });
}
