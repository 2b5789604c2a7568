// The one reader of result files: a table of damaged and foreign inputs, each a UserError naming the file and
// what is wrong (never a TypeError), and the odd-but-valid ones read correctly.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isUserError } from '../../src/errors.ts';
import { parseRunResult } from '../../src/report/read-result.ts';
import { fixtureResult } from '../helpers/result-fixture.ts';

const good = fixtureResult();
const goodText = JSON.stringify(good);

/** `good` with one change made by `edit` (on a deep copy). */
function edited(edit: (r: Record<string, any>) => void): string {
  const r = JSON.parse(goodText);
  edit(r);
  return JSON.stringify(r);
}

/** A base64 histogram with one character changed in its compressed body. */
function corrupt(hdr: string): string {
  const i = Math.floor(hdr.length / 2);
  return hdr.slice(0, i) + (hdr[i] === 'A' ? 'B' : 'A') + hdr.slice(i + 1);
}

const bad: [string, string, RegExp][] = [
  ['an empty file', '', /r\.json is empty/],
  ['only whitespace', '  \n', /is empty/],
  ['not JSON', 'status: 200 count: 3', /is not valid JSON/],
  ['truncated JSON', goodText.slice(0, goodText.length / 2), /is not valid JSON/],
  ['a JSON array', '[{"version":1}]', /holds a JSON array, not a result object/],
  ['a JSON number', '42', /holds a JSON number/],
  ['null', 'null', /holds null/],
  ['no version', '{"runner":"x"}', /has no "version"/],
  ['a future version', edited((r) => (r.version = 3 as never)), /has version 3; this runner reads versions 1 and 2/],
  ['a string version', edited((r) => (r.version = '1')), /has version "1"/],
  ['a corrupt total histogram', edited((r) => (r.latency.hdr = corrupt(r.latency.hdr))), /latency\.hdr: not an HdrHistogram/],
  ['a corrupt per-request histogram', edited((r) => (r.requests.me.serviceTime.hdr = 'abc')), /requests\.me\.serviceTime\.hdr: not an HdrHistogram/],
  ['a histogram that disagrees with count', edited((r) => (r.latency.count += 1)), /latency\.hdr: the histogram holds 400 values but count says 401/],
  ['no totals', edited((r) => delete r.totals), /totals: missing/],
  ['no requests section', edited((r) => delete r.requests), /requests: missing/],
  ['requests as an array', edited((r) => (r.requests = [])), /requests: expected an object, got an array/],
  ['a count as a string', edited((r) => (r.totals.requests = '400')), /totals\.requests: expected a number ≥ 0, got "400"/],
  ['a negative count', edited((r) => (r.requests.signup.totals.requests = -1)), /requests\.signup\.totals\.requests: expected a number ≥ 0, got -1/],
  ['an infinite latency', edited((r) => (r.latency.p99 = 'INF')).replace('"INF"', '1e999'), /latency\.p99: expected a number ≥ 0, got Infinity/],
  ['an unknown outcome (script)', edited((r) => (r.outcome = '<script>alert(1)</script>')), /outcome: expected one of completed, interrupted, aborted/],
  ['a status that is not a status', edited((r) => (r.totals.byStatus.abc = 1)), /totals\.byStatus\.abc: expected an HTTP status code as the key/],
  ['a timeSeries point without t', edited((r) => delete r.timeSeries[1].t), /timeSeries\[1\]\.t: missing/],
  ['warnings as a string', edited((r) => (r.warnings = 'oops')), /warnings: expected an array, got "oops"/],
  ['a threshold without ok', edited((r) => (r.thresholds = { http_req_duration: [{ expression: 'p(99)<5', value: 1 }] })), /thresholds\.http_req_duration\[0\]\.ok: missing/],
  ['a result from another tool', '{"version":1,"metrics":{"http_reqs":{"count":3}}}', /is damaged or not a runner result: runner: missing; scenario: missing;.*; and \d+ more/],
];

for (const [what, text, message] of bad) {
  test(`refused: ${what}`, () => {
    let caught: unknown;
    try {
      parseRunResult(text, 'r.json');
    } catch (err) {
      caught = err;
    }
    assert.ok(isUserError(caught), `expected a UserError, got ${String(caught)}`);
    assert.match(caught.message, /^result file r\.json /);
    assert.match(caught.message, message);
    assert.ok(caught.diagnostics[0].hint, 'a hint');
  });
}

test('read: what run --out writes, with a BOM, and without the optional sections older files lack', () => {
  assert.deepEqual(JSON.parse(JSON.stringify(parseRunResult(goodText, 'r.json'))), good);
  assert.equal(parseRunResult(`\ufeff${goodText}`, 'r.json').totals.requests, good.totals.requests);
  const old = parseRunResult(
    edited((r) => {
      for (const k of ['checks', 'warnings', 'scenarios', 'timeSeries', 'iterationErrors', 'selfCheck', 'serviceTime', 'target']) delete r[k];
      delete r.requests.me.serviceTime;
    }),
    'old.json',
  );
  assert.deepEqual(old.warnings, []);
  const oldSelfCheck = edited((r) => {
    r.selfCheck = { eventLoopDelayP99Ms: 1, eventLoopDelayMaxMs: 2, cpuPercent: 3, lateStartsP99Ms: null, lateStartsMaxMs: null, scheduledStarts: 0, saturated: false, reasons: [] };
  });
  assert.equal(parseRunResult(oldSelfCheck, 'old.json').selfCheck?.cpuPercent, 3);
  assert.deepEqual(old.timeSeries, []);
  assert.deepEqual(Object.keys(old.scenarios), []);
});

test('read: requests named __proto__ and constructor are data in null-prototype maps', () => {
  const text = goodText.replace('"signup":', '"__proto__":').replace('"me":', '"constructor":');
  const r = parseRunResult(text, 'r.json');
  assert.equal(Object.getPrototypeOf(r.requests), null);
  assert.deepEqual(Object.keys(r.requests), ['__proto__', 'constructor']);
  assert.equal(r.requests.__proto__.totals.requests, good.requests.signup.totals.requests);
  assert.equal(r.requests['constructor'].latency.count, good.requests.me.latency.count);
  assert.equal(Object.getPrototypeOf(r.totals.byStatus), null);
  assert.equal(r.totals.byStatus.constructor, undefined);
});

test('read: a 24-hour run (86,400 time-series points) in well under a few seconds', () => {
  const day = JSON.stringify(fixtureResult({ timeSeriesSeconds: 86_400 }));
  const started = performance.now();
  const r = parseRunResult(day, 'day.json');
  assert.equal(r.timeSeries.length, 86_400);
  assert.ok(performance.now() - started < 10_000, 'bounded, generously for a loaded machine');
});
