// The summary's load-model parts: service time beside latency (open) or the note that they are one measure
// (closed), the per-scenario table, runner's self-check line and its warnings.
import { test } from 'node:test';
import { respond } from '../helpers/samples.ts';
import assert from 'node:assert/strict';
import { createCollector } from '../../src/metrics/collector.ts';
import { buildRunResult } from '../../src/report/result.ts';
import type { RunResult, ScenarioResult, SelfCheckResult } from '../../src/result/types.ts';
import { renderSummary } from '../../src/report/summary.ts';

const calm: SelfCheckResult = {
  eventLoopDelayP99Ms: 0.8, eventLoopDelayMaxMs: 2, cpuPercent: 22.5, eventLoopUtilization: 0.2,
  lateStartsP99Ms: 1.1, lateStartsMaxMs: 3, scheduledStarts: 1000, droppedIterations: 0, saturated: false, reasons: [],
};

function result(opts: { open: boolean; scenarios?: number; selfCheck?: SelfCheckResult; dropped?: number }): RunResult {
  const c = createCollector(['a', 'b']);
  // Open model: latency (from the intended start) 2 ms above service time.
  for (let i = 0; i < 1000; i++) respond(c, i % 2, 200, 20_000 + (opts.open ? 2_000 : 0), 20_000, 100, 100, true);
  const iterations = { started: 1000, completed: 1000, failed: 0, dropped: opts.dropped ?? 0, aborted: 0 };
  const scenarios: Record<string, ScenarioResult> = {};
  const names = ['browse', 'checkout', 'admin'].slice(0, opts.scenarios ?? 1);
  names.forEach((name, i) => {
    const r = c.summarizeIds([i % 2], 10_000);
    scenarios[name] = { executor: opts.open ? 'constant-arrival-rate' : 'constant-vus', model: opts.open ? 'open' : 'closed', ...r, iterations };
  });
  return buildRunResult({
    runner: '0.1.0', scenario: { name: 't', file: 't.yaml', seed: 1 }, startedAt: new Date(0), durationMs: 10_000, outcome: 'completed',
    iterations, metrics: c.toRequestResults(10_000), scenarios, selfCheck: opts.selfCheck,
  });
}

test('open model: a service-time table follows the latency table', () => {
  const text = renderSummary(result({ open: true, selfCheck: calm }), { color: false });
  const lines = text.split('\n');
  const lat = lines.findIndex((l) => /^latency \(ms\)/.test(l));
  const svc = lines.findIndex((l) => /^service time \(ms\)/.test(l));
  assert.ok(lat >= 0 && svc > lat, text);
  assert.match(lines[svc + 3], /^total +1,000 +20\.0 /);
  assert.match(lines[lat + 3], /^total +1,000 +22\.0 /);
  assert.doesNotMatch(text, /closed model/);
  assert.match(text, /^runner: CPU 22\.5% {2}event loop busy 20% {2}delay p99 0\.800 ms {2}start lateness p99 1\.10 ms$/m);
  assert.doesNotMatch(text, /^warning/m);
});

test('closed model: one line says latency and service time are the same measure', () => {
  const text = renderSummary(result({ open: false }), { color: false });
  assert.match(text, /^latency = service time here \(closed model/m);
  assert.doesNotMatch(text, /^service time \(ms\)/m);
});

test('several scenarios: one row each', () => {
  const text = renderSummary(result({ open: true, scenarios: 3 }), { color: false });
  assert.match(text, /^scenario +executor +iterations +dropped +requests +rps +p50 ms +p99 ms$/m);
  assert.match(text, /^browse +constant-arrival-rate +1,000 +0 +500 +50\.0 +22\.0 +22\.0$/m);
  assert.match(text, /^admin +constant-arrival-rate /m);
  assert.doesNotMatch(renderSummary(result({ open: true, scenarios: 1 }), { color: false }), /^scenario +executor/m);
});

test('saturated runner and dropped iterations are warned about', () => {
  const busy = { ...calm, saturated: true, reasons: ['event-loop delay p99 50 ms', 'scheduled starts p99 64 ms late'] };
  const text = renderSummary(result({ open: true, selfCheck: busy, dropped: 12 }), { color: false });
  assert.match(text, /^warning: runner was saturated \(event-loop delay p99 50 ms, scheduled starts p99 64 ms late\): the latencies describe runner more than the server/m);
  assert.match(text, /^warning: 12 iterations dropped: no VU was free/m);
  assert.match(renderSummary(result({ open: true, selfCheck: busy }), { color: true }), /\x1b\[31mwarning: runner was saturated/);
});
