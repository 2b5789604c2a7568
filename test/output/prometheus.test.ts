// --out prometheus= against Debian's real Prometheus (remote-write receiver on): the totals Prometheus holds
// equal the result file's per status and per name; a Prometheus stopped mid-run, or one that never answers,
// costs batches (counted and reported) and never the run.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunResult } from '../../src/result/types.ts';
import { runInProcess } from '../e2e/in-process.ts';
import { dashboardQueries } from '../helpers/dashboard.ts';
import { createWriteRequestEncoder, REMOTE_WRITE_HEADERS } from '../../src/output/prometheus/remote-write.ts';
import { prometheusMissing, startPrometheus, type RunningPrometheus } from '../helpers/prometheus.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const missing = prometheusMissing();
let dir = '';
let target: TestServer;
let hanging: TestServer;
let prom: RunningPrometheus | undefined;

// `ok` answers 200; `missing` answers 404 although 200 is expected (a failed request and a failed check).
const scenario = `version: 1
name: prom
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
load:
  executor: constant-vus
  vus: 2
  duration: DURATION
`;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'runner-prom-test-'));
  target = await startTestServer({ record: false, handle: (req) => ({ kind: 'respond', status: req.path === '/ok' ? 200 : 404, delayMs: 5 }) });
  hanging = await startTestServer({ record: false, behaviour: { kind: 'hang' } });
  writeFileSync(join(dir, 'two.yaml'), scenario.replace('DURATION', '2s'));
  writeFileSync(join(dir, 'three.yaml'), scenario.replace('DURATION', '3s'));
});
after(async () => {
  await prom?.dispose();
  await target?.close();
  await hanging?.close();
  rmSync(dir, { recursive: true, force: true });
});

const sumBy = async (p: RunningPrometheus, expr: string, label: string): Promise<Record<string, number>> => {
  const out: Record<string, number> = {};
  for (const r of await p.query(`sum by (${label}) (${expr})`)) out[r.metric[label] ?? ''] = Number(r.value[1]);
  return out;
};

test('the totals in Prometheus equal the result file, per status and per name; checks, iterations, percentiles, tags', { skip: missing, timeout: 60_000 }, async () => {
  prom = await startPrometheus();
  const before = target.count;
  const run = await runInProcess(['run', 'two.yaml', '--target', target.url, '--out', 'r.json', '--out', `prometheus=${prom.writeUrl}`, '--tag', 'testid=t1', '--tag', 'team=perf', '-q'], dir);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stderr, '');
  const r = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as RunResult;
  assert.ok(r.totals.requests > 20, `requests ${r.totals.requests}`);
  assert.equal(target.count - before, r.totals.requests, 'what the server received');
  assert.deepEqual(r.warnings, []);

  const sel = 'runner_http_reqs_total{testid="t1",team="perf"}';
  assert.deepEqual(await sumBy(prom, sel, 'status'), Object.fromEntries(Object.entries(r.totals.byStatus)));
  assert.deepEqual(await sumBy(prom, sel, 'name'), { ok: r.requests.ok.totals.requests, missing: r.requests.missing.totals.requests });
  assert.deepEqual(await sumBy(prom, sel, 'method'), { GET: r.requests.ok.totals.requests, POST: r.requests.missing.totals.requests });
  assert.deepEqual(await sumBy(prom, sel, 'scenario'), { [Object.keys(r.scenarios)[0]]: r.totals.requests });
  assert.deepEqual(await sumBy(prom, 'runner_http_req_failed_total{testid="t1"}', 'name'), { ok: 0, missing: r.requests.missing.totals.requests });
  const iterations = await prom.query('runner_iterations_total{testid="t1"}');
  assert.equal(Number(iterations[0].value[1]), r.iterations.completed + r.iterations.failed);
  assert.equal((await prom.query('runner_dropped_iterations_total{testid="t1"}'))[0].value[1], '0');
  const checks = await sumBy(prom, 'runner_checks_total{testid="t1"}', 'result');
  const passes = Object.values(r.checks).reduce((s, c) => s + c.passes, 0);
  const fails = Object.values(r.checks).reduce((s, c) => s + c.fails, 0);
  assert.deepEqual(checks, { pass: passes, fail: fails });
  assert.equal((await prom.query('runner_vus{testid="t1"}')).length, 1);
  // Per-second percentiles: for all requests (no name label) and per name, every quantile, in seconds.
  // last_over_time: the run's last batch may end these series with stale markers (a second without responses).
  const p = await prom.query('last_over_time(runner_http_req_duration_seconds{testid="t1",name=""}[1m])');
  assert.deepEqual(p.map((s) => s.metric.quantile).sort(), ['0.5', '0.9', '0.95', '0.99', '1']);
  for (const s of p) assert.ok(Number(s.value[1]) >= 0.004 && Number(s.value[1]) < 5, `${s.metric.quantile}: ${s.value[1]} s`);
  assert.equal((await prom.query('last_over_time(runner_http_req_service_time_seconds{testid="t1",name="ok",quantile="0.99"}[1m])')).length, 1);
  // Over the run: one batch a second, so the counter has a sample for most seconds.
  const samples = await prom.query('count_over_time(runner_vus{testid="t1"}[1m])');
  assert.ok(Number(samples[0].value[1]) >= 2, `batches ${samples[0].value[1]}`);
});

test('every query of the Grafana dashboard runs on Prometheus and finds the run', { skip: missing, timeout: 30_000 }, async () => {
  assert.ok(prom, 'the first test started Prometheus');
  for (const { where, expr } of dashboardQueries()) {
    const q = expr.replaceAll('$testid', 't1').replaceAll('$__rate_interval', '1m').replaceAll('$__range', '1m');
    // label_values(series, label) is Grafana's, not PromQL: query the series and look for the label.
    const lv = /^label_values\((.+), (\w+)\)$/.exec(q);
    if (lv) {
      assert.ok((await prom.query(lv[1])).some((r) => r.metric[lv[2]] === 't1'), `${where}: no ${lv[2]} t1`);
      continue;
    }
    // As Grafana asks: over a time range (the run's last batch may end the latency series with stale markers).
    const rows = await prom.queryRange(q, 60);
    // The run had no network errors and no WebSockets: only the errors and WebSocket panels may be empty
    // (test/ws/ws-report.test.ts checks the runner_ws_* series themselves).
    if (!q.includes('status="0"') && !q.includes('runner_ws_')) assert.ok(rows.length > 0, `${where}: ${q} returned nothing`);
  }
});

test('Prometheus takes the stale marker runner writes for a quiet second: the series has a gap there', { skip: missing, timeout: 30_000 }, async () => {
  assert.ok(prom, 'the first test started Prometheus');
  const t0 = Date.now() - 60_000;
  const labels = { __name__: 'runner_http_req_duration_seconds', testid: 'stale', quantile: '0.99' };
  const body = createWriteRequestEncoder().encode([{ labels, samples: [{ value: 0.25, timestampMs: t0 }, { value: Number.NaN, timestampMs: t0 + 1000, stale: true }, { value: 0.5, timestampMs: t0 + 2000 }] }]);
  const res = await fetch(prom.writeUrl, { method: 'POST', body: Buffer.from(body), headers: { ...REMOTE_WRITE_HEADERS } });
  assert.equal(res.status, 204, await res.text());
  const at = async (ms: number) => (await prom!.query(`runner_http_req_duration_seconds{testid="stale"} @ ${(ms / 1000).toFixed(3)}`)).map((r) => r.value[1]);
  assert.deepEqual(await at(t0 + 500), ['0.25']);
  // Without the marker the last value would be repeated here for up to 5 minutes.
  assert.deepEqual(await at(t0 + 1500), []);
  assert.deepEqual(await at(t0 + 2500), ['0.5']);
});

test('without --tag testid the run is labelled by its start time and seed', { skip: missing, timeout: 60_000 }, async () => {
  prom ??= await startPrometheus();
  const run = await runInProcess(['run', 'two.yaml', '--target', target.url, '--duration', '1s', '--seed', '42', '--out', `prometheus=${prom.writeUrl}`, '-q'], dir);
  assert.equal(run.code, 0, run.stderr);
  const ids = (await prom.query('runner_vus')).map((s) => s.metric.testid);
  assert.ok(ids.some((id) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ-seed42$/.test(id)), ids.join(', '));
});

test('Prometheus stopped mid-run: the run completes on time and reports the dropped batches', { skip: missing, timeout: 60_000 }, async () => {
  const own = await startPrometheus();
  try {
    // Stop it once the first batch has arrived (a fixed 1.2 s raced the run's own start-up on a busy machine:
    // every batch came after the stop, so none had arrived), and at the latest after 2.5 s.
    const t0 = Date.now();
    void (async () => {
      while (Date.now() - t0 < 2500) {
        const seen = await own.query('runner_vus{testid="t2"}').catch(() => []);
        if (seen.length > 0) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      await own.stop();
    })();
    const run = await runInProcess(['run', 'three.yaml', '--target', target.url, '--out', 'stopped.json', '--out', `prometheus=${own.writeUrl}`, '--tag', 'testid=t2'], dir);
    const tookMs = Date.now() - t0;
    assert.equal(run.code, 0, run.stderr);
    const r = JSON.parse(readFileSync(join(dir, 'stopped.json'), 'utf8')) as RunResult;
    assert.equal(r.outcome, 'completed');
    assert.ok(r.durationMs < 4000, `duration ${r.durationMs}`);
    assert.ok(tookMs < 9000, `took ${tookMs} ms`);
    const w = r.warnings.find((x) => x.startsWith('--out prometheus='));
    assert.ok(w, r.warnings.join('\n'));
    const m = /: (\d+) of (\d+) batches dropped \(first: (.+?)\)/.exec(w);
    assert.ok(m && Number(m[1]) >= 1 && Number(m[2]) > Number(m[1]), w);
    assert.match(m[3], /ECONNREFUSED|ECONNRESET|UND_ERR_SOCKET|closed/);
    assert.ok(run.stdout.includes('batches dropped'), 'the summary shows the warning');
  } finally {
    await own.dispose();
  }
});

test('a Prometheus that never answers slows nothing: the batches are dropped after a bounded wait', { timeout: 60_000 }, async () => {
  const t0 = Date.now();
  const run = await runInProcess(['run', 'two.yaml', '--target', target.url, '--duration', '1s', '--out', 'hang.json', '--out', `prometheus=${hanging.url}/api/v1/write`, '-q'], dir);
  const tookMs = Date.now() - t0;
  assert.equal(run.code, 0, run.stderr);
  const r = JSON.parse(readFileSync(join(dir, 'hang.json'), 'utf8')) as RunResult;
  assert.ok(r.durationMs < 2000, `duration ${r.durationMs}`);
  // 1 s of load, then at most the 2 s close wait.
  assert.ok(tookMs < 6000, `took ${tookMs} ms`);
  assert.ok(hanging.count >= 1, 'the first batch reached the server');
  assert.match(r.warnings.join('\n'), /--out prometheus=http:\/\/127\.0\.0\.1:\d+\/api\/v1\/write: \d+ of \d+ batches dropped/);
  assert.match(run.stderr, /batches dropped/);
});

test('--out prometheus= and --tag refuse what Prometheus would refuse, before any traffic', async () => {
  const before = target.count;
  for (const [args, message] of [
    [['--out', 'prometheus=localhost:9090'], /--out prometheus= takes the receiver's URL/],
    [['--out', 'prometheus=ftp://x/'], /--out prometheus= takes the receiver's URL/],
    [['--out', 'prometheus=http://a/w', '--tag', '1x=y'], /--tag 1x: a label name/],
    [['--out', 'prometheus=http://a/w', '--tag', 'status=y'], /--tag status: runner sets this label itself/],
    [['--out', 'prometheus=http://a/w', '--tag', 'novalue'], /--tag takes name=value/],
  ] as [string[], RegExp][]) {
    const run = await runInProcess(['run', 'two.yaml', '--target', target.url, ...args], dir);
    assert.equal(run.code, 2, args.join(' '));
    assert.match(run.stderr, message);
  }
  assert.equal(target.count, before);
});
