// The end-of-run summary text and the formatters it uses.
import { test } from 'node:test';
import { fail, respond } from '../helpers/samples.ts';
import assert from 'node:assert/strict';
import { createCollector } from '../../src/metrics/collector.ts';
import { buildRunResult } from '../../src/report/result.ts';
import { renderSummary } from '../../src/report/summary.ts';
import { formatBytes, formatDurationMs, formatLatencyMs, formatNumber } from '../../src/report/format.ts';
import type { RunResult } from '../../src/result/types.ts';

const ANSI = /\x1b\[/;

function sampleResult(opts: { errors: boolean }): RunResult {
  const c = createCollector(['GET /home', 'POST /login']);
  for (let i = 0; i < 10_000; i++) respond(c, i % 2, 200, 500 + (i % 3000), 400, 150, 1200, true);
  for (let i = 0; i < 7; i++) respond(c, 1, 503, 20_000, 19_000, 150, 80, false);
  if (opts.errors) {
    for (let i = 0; i < 12; i++) fail(c, 0, 'refused', 0, 0);
    fail(c, 1, 'timeout', 150, 0);
  }
  return buildRunResult({
    runner: '0.1.0',
    scenario: { name: 'checkout', file: 'checkout.yaml', seed: 12345 },
    target: 'http://127.0.0.1:8080',
    startedAt: new Date(0),
    durationMs: 62_300,
    outcome: 'completed',
    iterations: { started: 10_020, completed: 10_000, failed: 20, dropped: 0, aborted: 0 },
    metrics: c.toRequestResults(62_300),
    checks: opts.errors ? { 'status is 200': { passes: 10_000, fails: 7 } } : {},
    warnings: opts.errors ? ['TLS verification disabled (--insecure)'] : [],
  });
}

function indexOfLine(lines: string[], re: RegExp): number {
  const i = lines.findIndex((l) => re.test(l));
  assert.ok(i >= 0, `no line matches ${re}`);
  return i;
}

test('the summary holds every section, in order', () => {
  const text = renderSummary(sampleResult({ errors: true }), { color: false });
  const lines = text.split('\n');
  const order = [
    /^scenario: checkout {2}target: http:\/\/127\.0\.0\.1:8080 {2}duration: 1m02\.3s {2}outcome: completed$/,
    /^seed: 12345 \(replay with --seed 12345\)$/,
    /^status: 200 count: 10000$/,
    /^status: 503 count: 7$/,
    /^error: refused count: 12$/,
    /^error: timeout count: 1$/,
    /^unexpected status: 7$/,
    /^requests: 10,020 {2}160\.8\/s$/,
    /^iterations: completed 10,000 {2}started 10,020 {2}failed 20$/,
    /^data: sent 1\.4 MiB {2}received 11\.4 MiB$/,
    /^latency \(ms\) +count +min +mean +p50 +p90 +p95 +p99 +p99\.9 +max$/,
    /^GET \/home /,
    /^POST \/login /,
    /^total /,
    /^check +passes +fails$/,
    /^status is 200 +10,000 +7$/,
    /^warning: TLS verification disabled \(--insecure\)$/,
  ];
  const positions = order.map((re) => indexOfLine(lines, re));
  assert.deepEqual(positions, [...positions].sort((a, b) => a - b), 'sections out of order');
  assert.equal(lines[0], lines.find((l) => l.startsWith('scenario:')), 'header first');
  assert.doesNotMatch(text, ANSI);
  assert.doesNotMatch(text, /errors: none/);
});

test('the latency table has aligned columns and a row per request plus total', () => {
  const lines = renderSummary(sampleResult({ errors: false }), { color: false }).split('\n');
  const start = indexOfLine(lines, /^latency \(ms\)/);
  const table = lines.slice(start, start + 4);
  assert.deepEqual(table.map((l) => l.split(/ {2,}/)[0]), ['latency (ms)', 'GET /home', 'POST /login', 'total']);
  // Right-aligned numbers: every row ends at the same column, and each row has a value per column.
  assert.equal(new Set(table.map((l) => l.length)).size, 1, table.join('\n'));
  for (const row of table.slice(1)) assert.equal(row.trim().split(/ {2,}/).length, 10, row);
  const total = table[3].trim().split(/ {2,}/);
  assert.equal(total[1], '10,007');
  assert.equal(total[2], '0.500'); // min: 500 µs
  assert.equal(total[9], '20.0'); // max: 20 ms, inside the 0.1% bucket
});

test('no errors prints "errors: none" and omits the optional sections', () => {
  const text = renderSummary(sampleResult({ errors: false }), { color: false });
  assert.match(text, /^errors: none$/m);
  assert.doesNotMatch(text, /^error: /m);
  assert.doesNotMatch(text, /^check/m);
  assert.doesNotMatch(text, /^warning/m);
  assert.match(text, /^iterations: completed 10,000 {2}started 10,020 {2}failed 20$/m);
});

test('colour only when asked: green 2xx, red errors', () => {
  const result = sampleResult({ errors: true });
  const text = renderSummary(result, { color: true });
  assert.match(text, /\x1b\[32mstatus: 200 count: 10000\x1b\[39m/);
  assert.match(text, /\x1b\[31merror: refused count: 12\x1b\[39m/);
  assert.match(text, /^status: 503 count: 7$/m);
  assert.doesNotMatch(renderSummary(result, { color: false }), ANSI);
});

test('an empty run renders without NaN', () => {
  const text = renderSummary(
    buildRunResult({
      runner: '0.1.0',
      scenario: { name: 'empty', file: 'e.yaml', seed: 1 },
      startedAt: new Date(0),
      durationMs: 0,
      outcome: 'interrupted',
      iterations: { started: 0, completed: 0, failed: 0, dropped: 0, aborted: 0 },
      metrics: createCollector(['only']).toRequestResults(0),
    }),
    { color: false },
  );
  assert.doesNotMatch(text, /NaN|undefined|Infinity/);
  assert.match(text, /^scenario: empty {2}duration: 0ms {2}outcome: interrupted$/m);
  assert.match(text, /^total +0 +- +-/m);
});

test('formatters', () => {
  const cases: [string, string][] = [
    [formatDurationMs(850), '850ms'],
    [formatDurationMs(12_340), '12.3s'],
    [formatDurationMs(59_960), '1m00.0s'],
    [formatDurationMs(62_300), '1m02.3s'],
    [formatDurationMs(3_723_000), '1h02m03s'],
    [formatBytes(512), '512 B'],
    [formatBytes(1536), '1.5 KiB'],
    [formatBytes(1.25 * 1024 ** 2), '1.3 MiB'],
    [formatNumber(1_234_567), '1,234,567'],
    [formatNumber(-1234.56, 1), '-1,234.6'],
    [formatNumber(999), '999'],
    [formatLatencyMs(0.412), '0.412'],
    [formatLatencyMs(4.123), '4.12'],
    [formatLatencyMs(41.23), '41.2'],
    [formatLatencyMs(4123.4), '4,123'],
  ];
  for (const [actual, expected] of cases) assert.equal(actual, expected);
});
