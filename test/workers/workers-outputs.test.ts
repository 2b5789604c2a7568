// --workers with the outputs and live numbers of one thread: the HDR log and Prometheus read the threads' seconds
// merged on the main thread (one log, one stream, the same counts as the result file); checks by name reach the
// main thread each second (an abortOnFail threshold on checks stops the run); rates are taken over the run's
// duration. The runs spawn the built CLI (threads load the bundle).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HistogramLogReader } from 'hdr-histogram-js';
import type { RunResult } from '../../src/result/types.ts';
import { prometheusMissing, startPrometheus } from '../helpers/prometheus.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { startWsRoomServer } from '../helpers/ws-room-server.ts';
import { runCli } from '../e2e/cli.ts';
import { runInProcess } from '../e2e/in-process.ts';

const servers: TestServer[] = [];
const dir = mkdtempSync(join(tmpdir(), 'runner-workers-out-'));
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
  rmSync(dir, { recursive: true, force: true });
});

async function server(options: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> {
  const s = await startTestServer({ record: false, ...options });
  servers.push(s);
  return s;
}

/** `ok` answers 200, `missing` 404 although 200 is expected (a failed request and a failed check). */
const twoRequests = (url: string, load: string, extra = '') => `name: wout
target: ${url}
requests:
  - name: ok
    method: GET
    path: /ok
    expect: 200
  - name: missing
    method: POST
    path: /missing
    body: 'x'
    expect: 200
load: ${load}
${extra}`;

const readResult = (file: string): RunResult => JSON.parse(readFileSync(file, 'utf8')) as RunResult;

test('--workers 2 --hdr-log: one log whose intervals hold every request once, per name and untagged', { timeout: 60_000 }, async () => {
  const target = await server({ handle: (req) => ({ kind: 'respond', status: req.path === '/ok' ? 200 : 404 }) });
  writeFileSync(join(dir, 'hdr.yaml'), twoRequests(target.url, '{ executor: shared-iterations, vus: 4, iterations: 300 }'));
  const hlog = join(dir, 'run.hlog');
  const r = await runCli(['run', 'hdr.yaml', '--workers', '2', '--seed', '5', '--out', 'hdr.json', '--out', `hdr-log=${hlog}`, '-q'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  const result = readResult(join(dir, 'hdr.json'));
  assert.equal(result.totals.requests, 600);
  assert.equal(target.count, 600, 'what the server received');
  const text = readFileSync(hlog, 'utf8');
  const reader = new HistogramLogReader(text);
  const counts = new Map<string, number>();
  for (let h = reader.nextIntervalHistogram(); h !== null; h = reader.nextIntervalHistogram()) counts.set(h.tag, (counts.get(h.tag) ?? 0) + h.totalCount);
  assert.deepEqual(Object.fromEntries(counts), { 'NO TAG': 600, ok: 300, missing: 300 });
  assert.equal(text.split('#[Histogram log format version').length - 1, 1, 'one header: one log');
  // The log starts with the load (when the threads were told to go), not when the main thread began compiling.
  const base = Number(/#\[BaseTime: ([\d.]+)/.exec(text)?.[1]) * 1000;
  assert.ok(Math.abs(base - Date.parse(result.startedAt)) < 1000, `BaseTime ${base} vs startedAt ${result.startedAt}`);
});

test('--workers 2 --out ndjson=: one file, a whole line per request in one thread\'s format, names as the plan\'s', { timeout: 60_000 }, async () => {
  const target = await server({ handle: (req) => ({ kind: 'respond', status: req.path === '/ok' ? 200 : 404 }) });
  writeFileSync(join(dir, 'nd.yaml'), twoRequests(target.url, '{ executor: shared-iterations, vus: 4, iterations: 300 }'));
  const r = await runCli(['run', 'nd.yaml', '--workers', '2', '--seed', '5', '--out', 'nd.json', '--out', 'ndjson=nd2.ndjson', '-q'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  const one = await runInProcess(['run', 'nd.yaml', '--seed', '5', '--out', 'ndjson=nd1.ndjson', '-q'], dir);
  assert.equal(one.code, 0, one.stderr);
  const result = readResult(join(dir, 'nd.json'));
  assert.equal(target.count, 1200, 'both runs reached the server');
  const read = (file: string) => {
    const text = readFileSync(join(dir, file), 'utf8');
    assert.ok(text.endsWith('\n'));
    return text.slice(0, -1).split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  };
  const [two, single] = [read('nd2.ndjson'), read('nd1.ndjson')];
  assert.equal(two.length, result.totals.requests);
  assert.equal(two.length, 600);
  // The same fields in the same order, and the same requests (name, status, expected) as one thread wrote.
  const shape = (l: Record<string, unknown>) => `${Object.keys(l).join(',')} ${l.name} ${l.status} ${l.expected} ${l.error}`;
  assert.deepEqual(two.map(shape).sort(), single.map(shape).sort());
  const start = Date.parse(result.startedAt);
  for (const l of two) assert.ok(typeof l.t === 'number' && l.t >= start - 1000 && l.t <= start + result.durationMs + 1000, `t ${l.t}`);
});

test('--workers 2 --out prometheus=: the totals in Prometheus equal the result file, per status, name and check', { skip: prometheusMissing(), timeout: 90_000 }, async () => {
  const target = await server({ handle: (req) => ({ kind: 'respond', status: req.path === '/ok' ? 200 : 404, delayMs: 5 }) });
  writeFileSync(join(dir, 'prom.yaml'), twoRequests(target.url, '{ executor: constant-vus, vus: 4, duration: 2s }'));
  const prom = await startPrometheus();
  try {
    const r = await runCli(['run', 'prom.yaml', '--workers', '2', '--out', 'prom.json', '--out', `prometheus=${prom.writeUrl}`, '--tag', 'testid=w2', '-q'], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    const result = readResult(join(dir, 'prom.json'));
    assert.deepEqual(result.warnings, []);
    assert.ok(result.totals.requests > 20, `requests ${result.totals.requests}`);
    assert.equal(target.count, result.totals.requests, JSON.stringify(result.totals));
    const sumBy = async (expr: string, label: string): Promise<Record<string, number>> => {
      const out: Record<string, number> = {};
      for (const row of await prom.query(`sum by (${label}) (${expr})`)) out[row.metric[label] ?? ''] = Number(row.value[1]);
      return out;
    };
    const sel = 'runner_http_reqs_total{testid="w2"}';
    assert.deepEqual(await sumBy(sel, 'status'), Object.fromEntries(Object.entries(result.totals.byStatus)));
    assert.deepEqual(await sumBy(sel, 'name'), { ok: result.requests.ok.totals.requests, missing: result.requests.missing.totals.requests });
    // Checks by name reach the main thread with each second: the last batch has the run's totals.
    const checks = await sumBy('runner_checks_total{testid="w2"}', 'result');
    const passes = Object.values(result.checks).reduce((s, c) => s + c.passes, 0);
    const fails = Object.values(result.checks).reduce((s, c) => s + c.fails, 0);
    assert.deepEqual(checks, { pass: passes, fail: fails });
    const iterations = await prom.query('runner_iterations_total{testid="w2"}');
    assert.equal(Number(iterations[0].value[1]), result.iterations.completed + result.iterations.failed);
    assert.equal((await prom.query('runner_vus{testid="w2"}')).length, 1, 'one stream, not one per thread');
    // WebSocket counters: each thread's travel with its seconds; the series hold the sum (none before: only Run had them).
    const room = await startWsRoomServer();
    try {
      writeFileSync(
        join(dir, 'ws.yaml'),
        `name: ws\ntarget: ${room.httpUrl}\nrequests:\n  - ws:\n      name: chat\n      path: /?room=r\n      steps:\n        - send: { json: { t: x }, count: 3, every: 5ms }\n        - close: 1000\nload: { executor: shared-iterations, vus: 4, iterations: 20 }\n`,
      );
      const w = await runCli(['run', 'ws.yaml', '--workers', '2', '--out', 'ws.json', '--out', `prometheus=${prom.writeUrl}`, '--tag', 'testid=w2ws', '-q'], { cwd: dir });
      assert.equal(w.code, 0, w.stderr);
      const ws = readResult(join(dir, 'ws.json')).ws!;
      assert.equal(ws.connections.opened, 20);
      const value = async (metric: string) => Number((await prom.query(`${metric}{testid="w2ws"}`))[0]?.value[1]);
      assert.equal(await value('runner_ws_sessions_total'), ws.connections.opened);
      assert.equal(await value('runner_ws_msgs_sent_total'), ws.messages.sent);
      assert.equal(ws.messages.sent, 60);
    } finally {
      await room.close();
    }
  } finally {
    await prom.dispose();
  }
});

test('--workers 2: a check failing from the start with an abortOnFail threshold on checks stops the run within seconds', { timeout: 60_000 }, async () => {
  const target = await server({ behaviour: { kind: 'respond', status: 500, body: 'no' } });
  writeFileSync(
    join(dir, 'checks.yaml'),
    twoRequests(target.url, '{ executor: constant-vus, vus: 2, duration: 20s }', "thresholds:\n  checks: [{ threshold: 'rate>0.9', abortOnFail: true }]\n"),
  );
  const r = await runCli(['run', 'checks.yaml', '--workers', '2', '--out', 'checks.json', '-q'], { cwd: dir, timeoutMs: 40_000 });
  assert.equal(r.code, 99, r.stderr);
  const result = readResult(join(dir, 'checks.json'));
  assert.equal(result.outcome, 'aborted', 'the live watch saw the checks (before: none reached the main thread until the end)');
  assert.ok(result.durationMs < 10_000, `stopped after ${result.durationMs} ms`);
  assert.ok(result.thresholds?.checks?.[0]?.ok === false, JSON.stringify(result.thresholds));
});

test('--workers 2 on a short run: every rate is taken over the run\'s duration; the series is the merged seconds', { timeout: 60_000 }, async () => {
  const target = await server({ handle: (req) => ({ kind: 'respond', status: req.path === '/ok' ? 200 : 404 }) });
  writeFileSync(join(dir, 'short.yaml'), twoRequests(target.url, '{ executor: shared-iterations, vus: 2, iterations: 40 }'));
  const r = await runCli(['run', 'short.yaml', '--workers', '2', '--seed', '2', '--out', 'short.json', '-q'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  const result = readResult(join(dir, 'short.json'));
  const rate = (n: number) => Math.round((n / (result.durationMs / 1000)) * 1000) / 1000;
  assert.equal(result.totals.requests, 80);
  assert.equal(result.totals.rps, rate(80), `rps ${result.totals.rps} over ${result.durationMs} ms`);
  assert.equal(result.requests.ok.totals.rps, rate(40));
  assert.equal(result.scenarios.default.totals.rps, rate(80));
  assert.equal(result.timeSeries.reduce((n, p) => n + p.finished, 0), 80);
  assert.equal(result.timeSeries.reduce((n, p) => n + (p.checksPassed ?? 0) + (p.checksFailed ?? 0), 0), 80);
});
