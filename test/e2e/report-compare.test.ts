// Reports end to end against a fast and a 15 ms slower server: compare exit codes and table, the HTML report in
// headless Chromium, the HDR interval log read back, NDJSON line count, the summary export.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HistogramLogReader } from 'hdr-histogram-js';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { runCli, tempDir, writeFiles } from './report-helpers.ts';

let fast: TestServer;
let slow: TestServer;
let dir: string;

function scenario(iterations: number): string {
  return `version: 1
name: cmp
requests:
  - name: signup
    method: POST
    path: /signup
    body: '{"a":1}'
    expect: 200
  - name: me
    method: GET
    path: /me
    expect: 200
load:
  executor: shared-iterations
  vus: 8
  iterations: ${iterations}
`;
}

before(async () => {
  fast = await startTestServer({ record: false });
  slow = await startTestServer({ behaviour: { kind: 'respond', status: 200, body: '{"ok":true}', delayMs: 15 }, record: false });
  dir = tempDir('runner-report-');
  writeFiles(dir, { 'big.yaml': scenario(10_000), 'small.yaml': scenario(300) });
  const a = await runCli(dir, ['run', 'big.yaml', '--target', fast.url, '--out', 'fast.json', '--out', 'ndjson=samples.ndjson', '--hdr-log', 'fast.hlog', '--summary-export', 'summary.json']);
  assert.equal(a.code, 0, a.stderr);
  const b = await runCli(dir, ['run', 'small.yaml', '--target', slow.url, '--out', 'slow.json', '--hdr-log', 'slow.hlog']);
  assert.equal(b.code, 0, b.stderr);
});
after(async () => {
  await fast.close();
  await slow.close();
});

const read = (name: string) => JSON.parse(readFileSync(join(dir, name), 'utf8'));

test('compare fast slow --fail-on "p99>+20%" exits 99; the reverse exits 0; the table shows p50/p90/p99', async () => {
  const worse = await runCli(dir, ['compare', 'fast.json', 'slow.json', '--fail-on', 'p99>+20%']);
  assert.equal(worse.code, 99, worse.stderr);
  for (const label of ['p50 ms', 'p90 ms', 'p99 ms']) assert.match(worse.stdout, new RegExp(`^  ${label} .*slower$`, 'm'));
  // Per request the far tail (p99.9, max) of a busy machine can go either way; the body of the distribution cannot.
  assert.match(worse.stdout, /^signup: (regression|mixed)$/m);
  assert.match(worse.stdout, /^me: (regression|mixed)$/m);
  assert.match(worse.stdout, /^total: regression$/m);
  assert.match(worse.stdout, /budget exceeded: p99>\+20% \(slow\.json: \+\d+/);
  const better = await runCli(dir, ['compare', 'slow.json', 'fast.json', '--fail-on', 'p99>+20%', '--plot']);
  assert.equal(better.code, 0, better.stdout);
  assert.match(better.stdout, /^total: improvement$/m);
  assert.match(better.stdout, /latency \(ms\) by percentile/);
  const json = await runCli(dir, ['compare', 'fast.json', 'slow.json', '--json', '--fail-on', 'p50{name:me}>+20%']);
  assert.equal(json.code, 99);
  const data = JSON.parse(json.stdout);
  assert.deepEqual(data.rows.map((r: { name: string }) => r.name), ['signup', 'me', 'total']);
  assert.equal(data.budgets.exceeded[0].budget.requestName, 'me');
  const bad = await runCli(dir, ['compare', 'fast.json', 'nope.json']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /result file nope\.json does not exist/);
  const badBudget = await runCli(dir, ['compare', 'fast.json', 'slow.json', '--fail-on', 'p99>10']);
  assert.equal(badBudget.code, 2);
});

test('the HDR interval log reads back with the same totals, per tag', () => {
  for (const [log, result] of [['fast.hlog', 'fast.json'], ['slow.hlog', 'slow.json']]) {
    const text = readFileSync(join(dir, log), 'utf8');
    const r = read(result);
    assert.match(text, /^#\[Histogram log format version 1\.3\]$/m);
    assert.match(text, /^#\[StartTime: \d+\.\d{3} \(seconds since epoch\), .+\]$/m);
    assert.match(text, /^#\[BaseTime: \d+\.\d{3} \(seconds since epoch\)\]$/m);
    assert.match(text, /^"StartTimestamp","Interval_Length","Interval_Max","Interval_Compressed_Histogram"$/m);
    const reader = new HistogramLogReader(text);
    const counts = new Map<string, number>();
    let intervals = 0;
    for (let h = reader.nextIntervalHistogram(); h !== null; h = reader.nextIntervalHistogram()) {
      const tag = h.tag && h.tag !== 'NO TAG' ? h.tag : '';
      counts.set(tag, (counts.get(tag) ?? 0) + h.totalCount);
      if (tag === '') intervals++;
    }
    assert.ok(intervals >= 1);
    assert.equal(counts.get(''), r.latency.count, log);
    assert.equal(counts.get('signup'), r.requests.signup.latency.count);
    assert.equal(counts.get('me'), r.requests.me.latency.count);
  }
});

test('NDJSON: one line per request, same count as totals.requests, every line parses', () => {
  const r = read('fast.json');
  const lines = readFileSync(join(dir, 'samples.ndjson'), 'utf8').split('\n');
  assert.equal(lines.pop(), '');
  assert.equal(lines.length, r.totals.requests);
  assert.equal(lines.length, 20_000);
  let signups = 0;
  for (const line of lines) {
    const o = JSON.parse(line);
    if (o.name === 'signup') signups++;
    assert.equal(o.status, 200);
    assert.equal(typeof o.latencyMs, 'number');
    assert.equal(o.error, null);
  }
  assert.equal(signups, 10_000);
  const first = JSON.parse(lines[0]);
  assert.ok(Math.abs(first.t - Date.parse(r.startedAt)) < 60_000);
});

test('the summary export uses k6 metric names and matches the result file', () => {
  const s = read('summary.json');
  const r = read('fast.json');
  assert.equal(s.metrics.http_reqs.count, r.totals.requests);
  assert.equal(s.metrics.http_req_duration['p(99)'], r.latency.p99);
  assert.equal(s.metrics.http_req_duration.med, r.latency.p50);
  assert.equal(s.metrics['http_req_duration{name:me}']['p(95)'], r.requests.me.latency.p95);
  assert.deepEqual(s.metrics.http_req_failed, { passes: 0, fails: r.totals.requests, value: 0 });
  assert.equal(JSON.stringify(s).includes('HISTF'), false);
});

function findChromium(): string | undefined {
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
    if (r.status === 0 && r.stdout.trim()) return r.stdout.trim();
  }
  return undefined;
}

/** Loads `file` in headless Chromium; returns the DOM after scripts ran and the console lines it logged. */
function loadInChromium(chromium: string, file: string): Promise<{ dom: string; console: string[] }> {
  const profile = mkdtempSync(join(tmpdir(), 'runner-chromium-'));
  const args = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    `--user-data-dir=${profile}`,
    '--enable-logging=stderr',
    '--v=0',
    '--dump-dom',
    `file://${file}`,
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(chromium, args);
    let dom = '';
    let err = '';
    child.stdout.on('data', (d) => (dom += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', () => {
      clearTimeout(timer);
      resolve({ dom, console: err.split('\n').filter((l) => l.includes(':CONSOLE')) });
    });
  });
}

test('runner report writes one self-contained HTML file that loads in headless Chromium with charts', async (t) => {
  const r = await runCli(dir, ['report', 'fast.json', 'slow.json', '-o', 'report.html']);
  assert.equal(r.code, 0, r.stderr);
  const html = readFileSync(join(dir, 'report.html'), 'utf8');
  // Self-contained: no external scripts, styles, images or fonts (links within the page, href="#…", fetch nothing).
  assert.doesNotMatch(html, /<link\b|\b(?:src|href|xlink:href)=(?!"#)|url\(|@import|fetch\(|XMLHttpRequest|<iframe|<img/);
  assert.match(html, /href="#summary"/);
  assert.match(html, /<svg[^>]*>/);
  assert.match(html, /fast\.json/);
  assert.match(html, /status 200/);

  const chromium = findChromium();
  if (!chromium) {
    t.skip('chromium is not installed (.ci/run installs it where apt is available)');
    return;
  }
  const page = await loadInChromium(chromium, join(dir, 'report.html'));
  assert.deepEqual(page.console, [], 'console output while loading the report');
  // The inline script ran to its end and counted the drawn series: one spectrum line per run.
  const m = /data-series="(\d+)"/.exec(page.dom);
  assert.ok(m, 'the inline script did not run');
  assert.ok(Number(m[1]) >= 2);
  const paths = [...page.dom.matchAll(/<path class="series"[^>]* d="([^"]+)"/g)];
  assert.ok(paths.length >= 2);
  // The percentile spectrum: one long line per run; the over-time charts add shorter ones (one point a second).
  const spectrumLines = paths.filter((p) => p[1].split('L').length > 50);
  assert.ok(spectrumLines.length >= 2, 'a spectrum line with content per run');
  assert.ok(paths.length > spectrumLines.length, 'over-time lines from the per-second series');

  // And the check itself can fail: a page with a script error is caught.
  writeFiles(dir, { 'broken.html': '<!doctype html><body><script>undefinedFunction()</script></body>' });
  const broken = await loadInChromium(chromium, join(dir, 'broken.html'));
  assert.equal(broken.console.length, 1);
  assert.ok(existsSync(join(dir, 'report.html')));
});
