// compare when a run got no responses, when files come from different scenarios, and --fail-on naming a
// request a file lacks: no latency shown as 0 ms, no verdict from an empty histogram, a warning, exit 2.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { checkBudgets, parseBudget } from '../../src/report/budget.ts';
import { compareResults } from '../../src/report/compare.ts';
import { renderHtmlReport } from '../../src/report/html.ts';
import { readRunSeries } from '../../src/report/report-series.ts';
import { renderSpectrumPlot } from '../../src/report/plot.ts';
import { renderComparison } from '../../src/report/render-compare.ts';
import { runInProcess } from '../e2e/in-process.ts';
import { fixtureResult } from '../helpers/result-fixture.ts';

const base = fixtureResult();
const dead = fixtureResult({ responses: 0 });

test('a candidate with no responses: latency cells are "—", no latency delta or verdict, a warning', () => {
  const c = compareResults([base, dead], ['base.json', 'dead.json']);
  const total = c.rows[c.rows.length - 1];
  for (const stat of ['mean', 'p50', 'p99', 'max'] as const) {
    assert.equal(total.values[stat][1], null, stat);
    assert.deepEqual(total.changes[0]?.[stat], { delta: null, pct: null }, stat);
  }
  assert.equal(total.values.count[1], 40);
  assert.equal(total.values.errors[1], 100);
  assert.equal(total.verdicts[0], 'regression', 'the error rate went up');
  assert.ok(c.warnings.some((w) => /dead\.json has no responses/.test(w)), c.warnings.join('\n'));
  const text = renderComparison(c, { color: false });
  assert.doesNotMatch(text, /(^|\s)[±+-]?0\.000(\s|$)/m);
  assert.match(text, /^ {2}p99 ms +[\d.]+ +—$/m);
  assert.match(text, /\(no responses: candidate; no latency\)/);
  assert.match(text, /^warning: dead\.json has no responses/m);
});

test('the base with no responses: the same, the other way round', () => {
  const c = compareResults([dead, base], ['dead.json', 'base.json']);
  const text = renderComparison(c, { color: false });
  assert.match(text, /^ {2}p50 ms +— +[\d.]+$/m);
  assert.match(text, /\(no responses: base; no latency\)/);
  assert.doesNotMatch(text, /(^|\s)[±+-]?0\.000(\s|$)/m);
});

test('a latency budget against a run with no responses cannot hold: a breach, not a pass', () => {
  const c = compareResults([base, dead], ['base.json', 'dead.json']);
  const { breaches } = checkBudgets(c, [parseBudget('p99>+10%'), parseBudget('mean>+5ms')]);
  assert.equal(breaches.length, 2);
  assert.equal(breaches[0].observed, null);
  const text = renderComparison(c, { color: false, breaches });
  assert.match(text, /budget exceeded: p99>\+10% \(no latency to check: the base or dead\.json got no responses\)/);
});

test('plot and HTML: a run with no responses draws no latency line and says so', () => {
  assert.match(renderSpectrumPlot([{ label: 'base.json', hdr: base.latency.hdr }, { label: 'dead.json', hdr: dead.latency.hdr }], { color: false }), /dead\.json \(no responses\)/);
  const html = renderHtmlReport([{ label: 'dead.json', result: dead }]);
  assert.match(html, /dead\.json \(no responses\)/);
  // Seconds in which nothing got a response have no latency: a gap, not 0 ms.
  const gappy = { ...base, timeSeries: [0, 1, 2].map((t) => ({ t, started: 5, finished: 5, errors: t === 1 ? 5 : 0, dropped: 0, p50: t === 1 ? 0 : 2, p99: t === 1 ? 0 : 3 })) };
  assert.deepEqual(readRunSeries({ ...gappy, durationMs: 3000 })?.points.map((p) => p.p50), [2, null, 2]);
});

describe('compare CLI: budgets and scenarios', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'runner-compare-empty-'));
    await writeFile(join(dir, 'base.json'), JSON.stringify(base));
    await writeFile(join(dir, 'dead.json'), JSON.stringify(dead));
    await writeFile(join(dir, 'only-signup.json'), JSON.stringify(fixtureResult({ requests: ['signup'] })));
    await writeFile(join(dir, 'other.json'), JSON.stringify(fixtureResult({ name: 'checkout', file: 'checkout.yaml' })));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('--fail-on naming a request one file lacks: exit 2 naming the file', async () => {
    const r = await runInProcess(['compare', 'base.json', 'only-signup.json', '--fail-on', 'p99{name:me}>+10%'], dir);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--fail-on 'p99\{name:me\}>\+10%': only-signup\.json has no request named 'me'/);
    const reversed = await runInProcess(['compare', 'only-signup.json', 'base.json', '--fail-on', 'p99{name:me}>+10%'], dir);
    assert.equal(reversed.code, 2, reversed.stderr);
    const nowhere = await runInProcess(['compare', 'base.json', 'only-signup.json', '--fail-on', 'p99{name:nope}>+10%'], dir);
    assert.equal(nowhere.code, 2);
    assert.match(nowhere.stderr, /no request is named 'nope'/);
  });

  test('a candidate with no responses fails a latency budget (exit 99) and shows no 0.000', async () => {
    const r = await runInProcess(['compare', 'base.json', 'dead.json', '--fail-on', 'p99>+10%'], dir);
    assert.equal(r.code, 99, r.stderr);
    assert.doesNotMatch(r.stdout, /(^|\s)[±+-]?0\.000(\s|$)/m);
    assert.match(r.stdout, /budget exceeded: p99>\+10%/);
  });

  test('two different scenarios: a warning (text on stdout, --json on stderr and in the JSON)', async () => {
    const r = await runInProcess(['compare', 'base.json', 'other.json'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /warning: other\.json ran scenario 'checkout' \(checkout\.yaml\), the base ran 'shop' \(shop\.yaml\): different scenarios/);
    const j = await runInProcess(['compare', 'base.json', 'other.json', '--json'], dir);
    assert.equal(j.code, 0);
    assert.match(j.stderr, /warning: other\.json ran scenario 'checkout'/);
    assert.equal(JSON.parse(j.stdout).warnings.length, 1);
    const same = await runInProcess(['compare', 'base.json', 'base.json'], dir);
    assert.doesNotMatch(same.stdout + same.stderr, /warning/);
  });
});

test('one scenario run from two checkouts (two folders, as CI does) is not "different scenarios"; another file is', () => {
  const main = { ...base, scenario: { ...base.scenario, file: '/ci/build-101/scenarios/shop.yaml' } };
  const branch = { ...base, scenario: { ...base.scenario, file: '/ci/build-102/scenarios/shop.yaml' } };
  assert.deepEqual(compareResults([main, branch], ['main.json', 'branch.json']).warnings, []);
  const renamed = { ...base, scenario: { ...base.scenario, file: '/ci/build-102/scenarios/shop-v2.yaml' } };
  assert.match(compareResults([main, renamed], ['main.json', 'renamed.json']).warnings.join('\n'), /renamed\.json ran scenario .*: different scenarios/);
});
