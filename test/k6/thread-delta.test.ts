// The k6 registries of worker threads, drained in pieces and absorbed by the main thread's, equal one registry
// that saw every sample: counters, rates, trend histograms (every percentile), sub-metrics, checks per group.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MetricRegistry } from '../../src/k6/k6-metrics.ts';
import { absorbK6Delta, createK6Drain } from '../../src/k6/thread-delta.ts';
import { groupNode, type K6Run } from '../../src/k6/vu-state.ts';
import { summaryMetrics, resultSection } from '../../src/k6/summary.ts';
import type { RunResult } from '../../src/result/types.ts';

function k6Run(): K6Run {
  const run: K6Run = { registry: new MetricRegistry(), options: {}, groups: new Map(), now: () => 0, abort: () => undefined, startedAtMs: 0, env: {}, counters: () => ({ completed: 0, interrupted: 0, activeVus: 0 }) };
  for (const [name, type] of [['c', 'counter'], ['t', 'trend'], ['r', 'rate']] as const) run.registry.define(name, type, type === 'trend');
  run.registry.submetric(run.registry.metrics.get('t')!, { kind: 'even' });
  return run;
}

/** Sample i as a VU would record it. */
function record(run: K6Run, i: number): void {
  const tags = { kind: i % 2 === 0 ? 'even' : 'odd' };
  run.registry.addByName('c', 1, tags);
  run.registry.addByName('t', (i * 37) % 1000 + 0.25, tags);
  run.registry.addByName('r', i % 3 === 0 ? 1 : 0, tags);
  const g = groupNode(run, i % 4 === 0 ? '::a::b' : '::a', i % 4 === 0 ? 'b' : 'a');
  const name = i % 5 === 0 ? 'five' : 'other';
  const c = g.checks.get(name) ?? { passes: 0, fails: 0 };
  g.checks.set(name, c);
  if (i % 7 === 0) c.fails++;
  else c.passes++;
  g.requests.set('req', (g.requests.get('req') ?? 0) + 1);
}

test('two threads drained every few samples and absorbed = one registry that saw them all', () => {
  const one = k6Run();
  const main = k6Run();
  const threads = [k6Run(), k6Run()];
  const drains = threads.map((t) => createK6Drain(t));
  for (let i = 0; i < 5000; i++) {
    record(one, i);
    record(threads[i % 2], i);
    if (i % 777 === 0) for (const d of drains) {
      const delta = d();
      if (delta) absorbK6Delta(main, structuredClone(delta));
    }
  }
  for (const d of drains) {
    const delta = d();
    if (delta) absorbK6Delta(main, structuredClone(delta));
  }
  assert.equal(drains[0](), undefined, 'nothing left after a drain');
  const result = { durationMs: 10_000, iterations: { dropped: 0 } } as RunResult;
  const stats = { ...one.options, summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(99)', 'p(99.9)', 'count'] };
  one.options = stats;
  main.options = stats;
  assert.deepEqual(summaryMetrics(main, result, 1), summaryMetrics(one, result, 1));
  assert.deepEqual(resultSection(main, result).metrics, resultSection(one, result).metrics);
  const byPath = (run: K6Run) => Object.fromEntries(resultSection(run, result).groups.map((g) => [g.path, g]));
  assert.deepEqual(byPath(main), byPath(one));
  assert.deepEqual(main.groups.get('::a')!.children, ['::a::b']);
  assert.equal(main.registry.metrics.get('t')!.sink.histogram!.totalCount, 5000);
});

test('a gauge keeps the value added last in time, whichever thread added it; min and max over all', () => {
  const main = k6Run();
  const a = k6Run();
  const b = k6Run();
  for (const r of [main, a, b]) r.registry.define('g', 'gauge', false);
  a.registry.addByName('g', 5, {});
  const early = createK6Drain(a)();
  b.registry.addByName('g', 1, {});
  b.registry.addByName('g', 3, {});
  const late = createK6Drain(b)();
  // The later sample arrives first: arrival order does not decide.
  absorbK6Delta(main, late!);
  absorbK6Delta(main, early!);
  assert.deepEqual(main.registry.metrics.get('g')!.sink.values(1000, []), { value: 3, min: 1, max: 5 });
});
