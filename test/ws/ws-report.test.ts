// The ws section read by every consumer: the summary's ws lines, compare's ws rows, the HTML report's block,
// thresholds on the ws metrics, and the result-file validator (a damaged ws histogram is found on read).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compilePlanThresholds } from '../../src/metrics/thresholds/parse.ts';
import { evaluateThresholds } from '../../src/metrics/thresholds/evaluate.ts';
import { compareResults } from '../../src/report/compare.ts';
import { renderHtmlReport } from '../../src/report/html.ts';
import { renderSummary } from '../../src/report/summary.ts';
import { validateRunResult } from '../../src/report/validate-result.ts';
import type { RunResult } from '../../src/result/types.ts';
import { WsMetrics } from '../../src/ws/metrics.ts';
import { fixtureResult } from '../helpers/result-fixture.ts';

/** A result with a ws section: `lost` of 100 expected receipts lost, delivery latencies from `baseMs`. */
function wsResult(lost: number, baseMs: number): RunResult {
  const m = new WsMetrics(() => 0, 0);
  for (let i = 0; i < 10; i++) m.connected(2_000 + i * 100);
  m.connectFailed('handshake_401');
  m.closed(true, 1006);
  for (let i = 0; i < 9; i++) m.closed(false, 1000);
  for (let i = 0; i < 20; i++) m.messageSent();
  for (let i = 0; i < 100 - lost; i++) m.messageReceived();
  Object.assign(m.delivery, { tracked: 20, expected: 100, lost, duplicated: 1, unexpected: 0 });
  for (let i = 0; i < 100 - lost; i++) m.delivered((baseMs + i / 10) * 1000);
  const r = fixtureResult();
  r.ws = JSON.parse(JSON.stringify(m.toResult()));
  return r;
}

test('summary: ws connections (failures and closes by class), messages, delivery counts and latency', () => {
  const text = renderSummary(wsResult(3, 5), { color: false });
  assert.match(text, /^ws connections: opened 10 {2}failed 1 {2}peak open 10$/m);
  assert.match(text, /^ {2}failures: handshake_401 1$/m);
  assert.match(text, /^ {2}closed by server: 1006 1 {2}by runner: 1000 9$/m);
  assert.match(text, /^ws messages: sent 20 \(peak 20\/s\) {2}received 97 \(peak 97\/s\)/m);
  assert.match(text, /^ws delivery: tracked 20 {2}expected 100 {2}delivered 97 {2}lost 3 {2}duplicated 1 {2}unexpected 0$/m);
  assert.match(text, /^ {2}delivery latency \(ms\): count 97 {2}min 5/m);
  assert.doesNotMatch(renderSummary(fixtureResult(), { color: false }), /^ws /m, 'no ws lines for a run without WebSockets');
});

test('thresholds on ws metrics: counters and trends from the ws section; without WebSockets counters are 0 and trends have no data', () => {
  const specs = [
    { metric: 'ws_msgs_lost', expression: 'count==0' },
    { metric: 'ws_delivery_latency', expression: 'p(99)<100' },
    { metric: 'ws_sessions', expression: 'count>=10' },
    { metric: 'ws_connecting', expression: 'max<10' },
  ].map((s) => ({ ...s, abortOnFail: false, delayAbortEvalMs: 0 }));
  const t = compilePlanThresholds({ thresholds: specs, requestNames: [], scenarios: [] });
  const verdicts = evaluateThresholds(t, wsResult(3, 5), true).map((v) => [v.threshold.metric, v.value, v.ok]);
  assert.deepEqual(verdicts, [
    ['ws_msgs_lost', 3, false],
    ['ws_delivery_latency', 14.607, true],
    ['ws_sessions', 10, true],
    ['ws_connecting', 2.901, true],
  ]);
  const none = evaluateThresholds(t, fixtureResult(), true).map((v) => v.value);
  assert.deepEqual(none, [0, null, 0, null]);
  assert.throws(() => compilePlanThresholds({ thresholds: [{ ...specs[0], metric: 'ws_msgs_lost{name:chat}' }], requestNames: ['chat'], scenarios: [] }), /has no per-request values/);
});

test('compare: ws connecting and ws delivery rows with losses as errors and a verdict on the delivery latency', () => {
  const c = compareResults([wsResult(0, 5), wsResult(10, 50)], ['a.json', 'b.json']);
  const delivery = c.rows.find((r) => r.name === 'ws: delivery')!;
  assert.deepEqual(delivery.values.count, [100, 100]);
  assert.deepEqual(delivery.values.errors, [0, 10]);
  assert.equal(delivery.verdicts[0], 'regression');
  assert.ok(c.rows.some((r) => r.name === 'ws: connecting'));
  assert.equal(c.rows.at(-1)!.name, 'total');
  assert.ok(!compareResults([fixtureResult(), fixtureResult()], ['a', 'b']).rows.some((r) => r.name.startsWith('ws')));
});

test('HTML report: a WebSockets block with escaped failure classes; none without WebSockets', () => {
  const r = wsResult(3, 5);
  r.ws!.connections.failures['<b>x</b>'] = 1;
  const html = renderHtmlReport([{ label: 'run.json', result: r }]);
  assert.match(html, /<h2 id="ws">WebSockets<\/h2>/);
  assert.match(html, /&lt;b&gt;x&lt;\/b&gt; 1/);
  assert.doesNotMatch(renderHtmlReport([{ label: 'run.json', result: fixtureResult() }]), /id="ws"/);
});

test('a result file with a ws section reads back; a ws histogram that does not hold its count is a problem', () => {
  const good = wsResult(3, 5);
  assert.deepEqual(validateRunResult(JSON.parse(JSON.stringify(good))).problems, []);
  const bad = JSON.parse(JSON.stringify(good));
  bad.ws.delivery.latency.count = 5;
  assert.match(validateRunResult(bad).problems.join('\n'), /ws\.delivery\.latency\.hdr: the histogram holds 97 values but count says 5/);
});

test('Prometheus: the ws counters of a running run become runner_ws_* series; none while no WebSocket was opened', async () => {
  const { PrometheusAggregate } = await import('../../src/output/prometheus/aggregate.ts');
  const { Seconds } = await import('../../src/metrics/seconds.ts');
  const a = new PrometheusAggregate([], '');
  // One batch: the output writes a batch for each second the run closes.
  type Run = Parameters<typeof a.second>[2];
  const batch = (run: Run) => {
    let out: ReturnType<typeof a.second> = [];
    const seconds = new Seconds([], () => 0, undefined);
    seconds.listen((v) => (out = a.second(v, 1000, run, {})));
    seconds.begin();
    seconds.finish();
    return out;
  };
  const base = { activeVus: 1, iterations: { completed: 0, failed: 0, dropped: 0 }, checks: { toJSON: () => ({}) } };
  const counts = { opened: 10, failed: 1, open: 7, sent: 20, received: 180, delivered: 170, lost: 10 };
  const series = batch({ ...base, wsCounts: () => counts });
  const value = (name: string) => series.find((x) => x.labels.__name__ === name)?.samples[0].value;
  assert.deepEqual(
    ['runner_ws_sessions_total', 'runner_ws_connections_open', 'runner_ws_connect_failed_total', 'runner_ws_msgs_sent_total', 'runner_ws_msgs_received_total', 'runner_ws_msgs_delivered_total', 'runner_ws_msgs_lost_total'].map(value),
    [10, 7, 1, 20, 180, 170, 10],
  );
  assert.ok(!batch({ ...base, wsCounts: () => undefined }).some((x) => x.labels.__name__.startsWith('runner_ws_')));
});

test('--summary-export: k6\'s ws metric names (ws_connecting, ws_sessions, ws_msgs_sent/received) plus delivery latency and loss', async () => {
  const { buildSummaryExport } = await import('../../src/output/summary-export.ts');
  const metrics = buildSummaryExport(wsResult(3, 5)).metrics as Record<string, Record<string, number>>;
  assert.equal(metrics.ws_sessions.count, 10);
  assert.equal(metrics.ws_msgs_sent.count, 20);
  assert.equal(metrics.ws_msgs_received.count, 97);
  assert.equal(metrics.ws_msgs_lost.count, 3);
  assert.equal(metrics.ws_delivery_latency.min, 5);
  assert.ok(metrics.ws_connecting['p(99)'] > 2);
  assert.equal((buildSummaryExport(fixtureResult()).metrics as Record<string, unknown>).ws_sessions, undefined);
});
