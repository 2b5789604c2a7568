// compare on synthetic histograms: the bootstrap verdicts (same, shifted, noisier), budgets and the text table.
import { test } from 'node:test';
import { fail, respond } from '../helpers/samples.ts';
import assert from 'node:assert/strict';
import { createRng } from '../../src/generators/rng.ts';
import { createCollector } from '../../src/metrics/collector.ts';
import { createHistogram, recordUs } from '../../src/metrics/histogram.ts';
import { checkBudgets, parseBudget } from '../../src/report/budget.ts';
import { compareResults } from '../../src/report/compare.ts';
import { testChange, toDistribution } from '../../src/report/noise.ts';
import { renderSpectrumPlot } from '../../src/report/plot.ts';
import { renderComparison } from '../../src/report/render-compare.ts';
import { resultOf } from '../helpers/result-fixture.ts';
import type { RunResult } from '../../src/result/types.ts';

/** `n` lognormal latencies (µs) with the given median (ms) and log-sd, scaled by `scale`. */
function samples(seed: number, n: number, medianMs: number, sigma: number, scale = 1): number[] {
  const rng = createRng(seed);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const z = Math.sqrt(-2 * Math.log(1 - rng.nextFloat())) * Math.cos(2 * Math.PI * rng.nextFloat());
    out.push(medianMs * 1000 * Math.exp(sigma * z) * scale);
  }
  return out;
}

function dist(values: number[]) {
  const h = createHistogram();
  for (const v of values) recordUs(h, v);
  return toDistribution(h);
}

function runResult(values: number[], errors = 0, durationMs = 10_000): RunResult {
  const c = createCollector(['signup']);
  for (const v of values) respond(c, 0, 200, v, v, 100, 100, true);
  for (let i = 0; i < errors; i++) fail(c, 0, 'refused', 0, 0);
  return resultOf(c, { durationMs });
}

const stats = ['mean', 50, 90, 95, 99] as const;

test('same distribution, independent samples: no verdict (at most 1 of 40 tests, the 99 % interval)', () => {
  let flagged = 0;
  for (let pair = 0; pair < 8; pair++) {
    const a = dist(samples(100 + pair, 5000, 10, 0.3));
    const b = dist(samples(200 + pair, 5000, 10, 0.3));
    for (const s of stats) if (testChange(a, b, s, pair)?.verdict !== 'same') flagged++;
  }
  assert.ok(flagged <= 1, `${flagged} false verdicts`);
});

test('shifted by 15 %: slower on every statistic; shifted by −15 %: faster', () => {
  const a = dist(samples(1, 5000, 10, 0.3));
  const slower = dist(samples(2, 5000, 10, 0.3, 1.15));
  const faster = dist(samples(3, 5000, 10, 0.3, 0.85));
  for (const s of stats) {
    const t = testChange(a, slower, s);
    assert.equal(t?.verdict, 'slower', `stat ${s}`);
    assert.ok(t && t.change > 0.05 && t.low > 0, `stat ${s}: change ${t?.change}, low ${t?.low}`);
    assert.equal(testChange(a, faster, s)?.verdict, 'faster', `stat ${s}`);
  }
});

test('a 2 % wiggle on a 500-request run is not a regression', () => {
  const a = dist(samples(5, 500, 10, 0.3));
  const b = dist(samples(6, 500, 10, 0.3, 1.02));
  for (const s of stats) assert.equal(testChange(a, b, s)?.verdict, 'same', `stat ${s}`);
});

test('noisier with the same median: no p50 verdict, but the tail is slower', () => {
  const a = dist(samples(7, 5000, 10, 0.2));
  const b = dist(samples(8, 5000, 10, 0.6));
  assert.equal(testChange(a, b, 50)?.verdict, 'same');
  assert.equal(testChange(a, b, 99)?.verdict, 'slower');
  assert.equal(testChange(a, b, 90)?.verdict, 'slower');
});

test('the same inputs always give the same verdicts (seeded)', () => {
  const a = dist(samples(9, 800, 10, 0.3));
  const b = dist(samples(10, 800, 10, 0.3, 1.03));
  assert.deepEqual(testChange(a, b, 99, 42), testChange(a, b, 99, 42));
});

test('compareResults rows, budgets and the table', () => {
  const base = runResult(samples(11, 3000, 10, 0.3));
  const cand = runResult(samples(12, 3000, 10, 0.3, 1.15), 30);
  const c = compareResults([base, cand], ['fast.json', 'slow.json']);
  assert.deepEqual(c.rows.map((r) => r.name), ['signup', 'total']);
  const total = c.rows[1];
  assert.equal(total.verdicts[0], 'regression');
  assert.equal(total.values.count[1], 3030);
  assert.ok(Math.abs((total.values.errors[1] ?? 0) - (30 / 3030) * 100) < 1e-9);
  assert.equal(total.changes[0]?.errors.verdict, 'slower');
  assert.ok((total.changes[0]?.p99.pct ?? 0) > 10);

  const { breaches } = checkBudgets(c, [parseBudget('p99>+10%'), parseBudget('errors>+0.5pp'), parseBudget('p50>+50%'), parseBudget('rps<-5%')]);
  assert.deepEqual(breaches.map((b) => b.budget.text), ['p99>+10%', 'errors>+0.5pp']);
  const reverse = compareResults([cand, base], ['slow.json', 'fast.json']);
  assert.equal(checkBudgets(reverse, [parseBudget('p99>+10%')]).breaches.length, 0);
  assert.equal(reverse.rows[1].verdicts[0], 'improvement');

  const text = renderComparison(c, { color: false, breaches });
  for (const label of ['p50 ms', 'p90 ms', 'p95 ms', 'p99 ms', 'p99.9 ms', 'mean ms', 'max ms', 'req/s', 'error rate', 'requests']) assert.ok(text.includes(label), label);
  assert.match(text, /^total \(signup\): regression$/m);
  assert.match(text, /p99 ms +[\d.]+ +[\d.]+ +\+[\d.]+ +\+\d+\.\d% +slower/);
  assert.match(text, /budget exceeded: p99>\+10% \(slow\.json: \+\d+\.\d\d%\)/);
  assert.doesNotMatch(text, /\x1b\[/);
  assert.match(renderComparison(c, { color: true }), /\x1b\[31m/);
});

test('a budget past its bound but within noise does not fail', () => {
  const base = runResult(samples(13, 300, 10, 0.5));
  const cand = runResult(samples(14, 300, 10, 0.5, 1.06));
  const c = compareResults([base, cand], ['a', 'b']);
  const r = checkBudgets(c, [parseBudget('p99>+1%')]);
  if ((c.rows[1].changes[0]?.p99.pct ?? 0) > 1) {
    assert.equal(r.breaches.length, 0);
    assert.equal(r.withinNoise.length, 1);
  } else assert.equal(r.breaches.length + r.withinNoise.length, 0);
});

test('budget syntax', () => {
  assert.deepEqual(parseBudget('p99>+10%'), { text: 'p99>+10%', stat: 'p99', requestName: undefined, operator: '>', bound: 10, unit: '%' });
  assert.equal(parseBudget('p99.9 > 5ms').stat, 'p999');
  assert.equal(parseBudget('p99{name:signup}>+10%').requestName, 'signup');
  assert.equal(parseBudget('rps<-5%').bound, -5);
  for (const bad of ['p99>10', 'p98>+1%', 'rps>5ms', 'p99>+1pp', 'errors>1ms', 'p99 10%']) assert.throws(() => parseBudget(bad), /--fail-on/, bad);
});

test('the terminal percentile plot has one mark per series and nines ticks', () => {
  const a = runResult(samples(15, 2000, 10, 0.3));
  const b = runResult(samples(16, 2000, 10, 0.3, 1.5));
  const text = renderSpectrumPlot([{ label: 'a.json', hdr: a.latency.hdr }, { label: 'b.json', hdr: b.latency.hdr }], { color: false, width: 50, height: 12 });
  assert.ok((text.match(/●/g) ?? []).length >= 50);
  assert.ok((text.match(/○/g) ?? []).length >= 40);
  assert.match(text, /0% +90% +99% +99\.9%/);
  assert.match(text, /● a\.json {3}○ b\.json/);
});
