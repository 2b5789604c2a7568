// The HTML report in a real browser (headless Chromium over the DevTools protocol) at a laptop's 1280 px:
// reports of a closed run, an open run with dropped iterations, a run with errors and a 3-run comparison load
// without console errors, every chart has drawn marks, and no chart is wider than the viewport. Screenshots go
// to $RUNNER_SCREENSHOTS when set (to look at), else to a temporary folder removed afterwards.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runInProcess } from './in-process.ts';
import { findChromium, launchBrowser, type Browser } from '../helpers/browser.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const chromium = findChromium();
const skip = chromium ? undefined : 'chromium is not installed (.ci/run installs it where apt is available)';
let dir = '';
let shots = '';
let server: TestServer;
let browser: Browser | undefined;
/** Server delay for the next requests, ms (the comparison runs differ by it). */
let delayMs = 2;
/** Every `errorEvery`-th request answers 500 and every `resetEvery`-th is reset; 0: never. */
let errorEvery = 0;

const closed = (name: string, duration: string) => `version: 1
name: ${name}
requests:
  - name: list
    method: GET
    path: /list
    expect: 200
  - name: create
    method: POST
    path: /create
    body: '{"a":1}'
    expect: 200
load:
  executor: constant-vus
  vus: 3
  duration: ${duration}
`;

const open = `version: 1
name: open
requests:
  - name: order
    method: GET
    path: /order
    expect: 200
load:
  executor: constant-arrival-rate
  rate: 150
  timeUnit: 1s
  duration: 2500ms
  preAllocatedVUs: 2
  maxVUs: 2
`;

before(async () => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), 'runner-report-browser-'));
  shots = process.env.RUNNER_SCREENSHOTS ?? mkdtempSync(join(tmpdir(), 'runner-report-shots-'));
  mkdirSync(shots, { recursive: true });
  let i = 0;
  server = await startTestServer({
    record: false,
    handle: () => {
      i++;
      if (errorEvery > 0 && i % (errorEvery * 3) === 0) return { kind: 'reset' };
      if (errorEvery > 0 && i % errorEvery === 0) return { kind: 'respond', status: 500, delayMs };
      return { kind: 'respond', status: 200, body: '{"ok":true}', delayMs };
    },
  });
  writeFileSync(join(dir, 'closed.yaml'), closed('checkout', '2s'));
  writeFileSync(join(dir, 'open.yaml'), open);
  const run = async (file: string, out: string): Promise<void> => {
    const r = await runInProcess(['run', file, '--target', server.url, '--out', out, '-q'], dir);
    assert.ok(r.code === 0 || r.code === 99, `${file}: exit ${r.code}\n${r.stderr}`);
  };
  const report = async (files: string[], out: string): Promise<void> => {
    const r = await runInProcess(['report', ...files, '-o', out], dir);
    assert.equal(r.code, 0, r.stderr);
  };
  delayMs = 2;
  await run('closed.yaml', 'closed.json');
  delayMs = 25;
  await run('open.yaml', 'open.json');
  delayMs = 2;
  errorEvery = 7;
  await run('closed.yaml', 'errors.json');
  errorEvery = 0;
  delayMs = 4;
  await run('closed.yaml', 'slower.json');
  delayMs = 1;
  await run('closed.yaml', 'faster.json');
  await report(['closed.json'], 'closed.html');
  await report(['open.json'], 'open.html');
  await report(['errors.json'], 'errors.html');
  await report(['closed.json', 'slower.json', 'faster.json'], 'compare.html');
  browser = await launchBrowser(chromium as string);
});
after(async () => {
  await browser?.close();
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  if (shots && !process.env.RUNNER_SCREENSHOTS) rmSync(shots, { recursive: true, force: true });
});

interface Layout {
  viewport: number;
  pageWidth: number;
  charts: { title: string; right: number; width: number; marks: number }[];
  series: string | null;
}

const LAYOUT = `(() => ({
  viewport: window.innerWidth,
  pageWidth: document.documentElement.scrollWidth,
  series: document.body.getAttribute('data-series'),
  charts: [...document.querySelectorAll('figure.chart')].map((f) => {
    const r = f.getBoundingClientRect();
    const marks = [...f.querySelectorAll('svg .series')].filter((m) => { const b = m.getBBox(); return b.width > 0 || b.height > 0; }).length;
    return { title: f.querySelector('figcaption').textContent, right: r.right, width: r.width, marks };
  }),
}))()`;

async function check(name: string, expectTitles: RegExp[]): Promise<Layout> {
  const file = join(dir, `${name}.html`);
  assert.ok(statSync(file).size < 500_000, `${name}.html is ${statSync(file).size} bytes`);
  const page = await (browser as Browser).open(pathToFileURL(file).href, { width: 1280, height: 900 });
  try {
    const layout = await page.evaluate<Layout>(LAYOUT);
    writeFileSync(join(shots, `${name}.png`), await page.screenshot());
    assert.deepEqual(page.errors, [], `${name}: console errors`);
    assert.deepEqual(page.requests, [], `${name}: requests beyond the file itself`);
    assert.ok(layout.series !== null, `${name}: the inline script ran`);
    assert.equal(layout.viewport, 1280);
    assert.ok(layout.pageWidth <= 1280, `${name}: the page is ${layout.pageWidth} px wide`);
    for (const c of layout.charts) {
      assert.ok(c.marks > 0, `${name}: chart '${c.title}' has no drawn marks`);
      assert.ok(c.right <= 1280 && c.width <= 1280, `${name}: chart '${c.title}' ends at ${c.right} px`);
      // Full width means full width: a time chart spans most of the page, not ~460 px.
      if (!/percentile|histogram/.test(c.title)) assert.ok(c.width > 1000, `${name}: chart '${c.title}' is ${c.width} px wide`);
    }
    const titles = layout.charts.map((c) => c.title);
    for (const t of expectTitles) assert.ok(titles.some((x) => t.test(x)), `${name}: no chart ${t} in ${titles.join(' | ')}`);
    return layout;
  } finally {
    await page.close();
  }
}

test('a closed run: latency, throughput, VUs, per-request curves, distribution; the subtitle says closed model', { skip, timeout: 60_000 }, async () => {
  const r = JSON.parse(readFileSync(join(dir, 'closed.json'), 'utf8'));
  // The result file carries per-second numbers per request name, which the per-request curves draw.
  assert.ok(r.timeSeries.some((p: { requests?: Record<string, { finished: number }> }) => (p.requests?.list?.finished ?? 0) > 0 && (p.requests?.create?.finished ?? 0) > 0));
  await check('closed', [/^Latency per second/, /^Requests per second/, /^Active VUs/, /^Latency per request/, /^Requests per second per request/, /histogram/, /percentile/]);
  const html = readFileSync(join(dir, 'closed.html'), 'utf8');
  assert.match(html, /<p class="subtitle">Closed model: latency runs from the send/);
  assert.match(html, /<h2 id="checks">Checks<\/h2>/);
  assert.match(html, /✓ not saturated|✗ saturated/);
});

test('an open run with dropped iterations: arrival rate with drops, service time beside latency', { skip, timeout: 60_000 }, async () => {
  const r = JSON.parse(readFileSync(join(dir, 'open.json'), 'utf8'));
  assert.ok(r.iterations.dropped > 0, 'the run dropped iterations');
  await check('open', [/^Arrival rate/, /^Latency per second/]);
  assert.match(readFileSync(join(dir, 'open.html'), 'utf8'), /open\.json service time p99/);
  const html = readFileSync(join(dir, 'open.html'), 'utf8');
  assert.match(html, /<p class="subtitle">Open model: latency runs from each request&#39;s intended start/);
});

test('a run with errors: errors per second drawn, statuses and checks show the failures', { skip, timeout: 60_000 }, async () => {
  await check('errors', [/^Requests per second/]);
  const html = readFileSync(join(dir, 'errors.html'), 'utf8');
  assert.match(html, /errors\/s/);
  assert.match(html, /<th>status 500<\/th><td class="bad">/);
  assert.match(html, /<td class="bad">✗ /);
});

test('a 3-run comparison: verdicts per request against the first file, every run overlaid', { skip, timeout: 60_000 }, async () => {
  await check('compare', [/^Latency per second/, /percentile/]);
  const html = readFileSync(join(dir, 'compare.html'), 'utf8');
  assert.match(html, /<h2 id="compare">Compared with closed\.json<\/h2>/);
  assert.match(html, /slower\.json against closed\.json/);
  assert.match(html, /faster\.json against closed\.json/);
  assert.doesNotMatch(html, /different scenarios/);
  assert.equal((html.match(/<td rowspan="2" class="verdict/g) ?? []).length, 2 * 3, 'list, create and total for each candidate');
});
