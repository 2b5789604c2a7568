// escapeTerminalText, and every text renderer applying it to data: summary, thresholds, compare, plot. The HTML
// report escapes every string from a result, outcome and warnings included.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareResults } from '../../src/report/compare.ts';
import { renderHtmlReport } from '../../src/report/html.ts';
import { renderSpectrumPlot } from '../../src/report/plot.ts';
import { renderComparison } from '../../src/report/render-compare.ts';
import type { RunResult } from '../../src/result/types.ts';
import { renderSummary } from '../../src/report/summary.ts';
import { escapeTerminalText } from '../../src/terminal-text.ts';
import { fixtureResult } from '../helpers/result-fixture.ts';

// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

test('escapeTerminalText: a table', () => {
  const cases: [string, string][] = [
    ['plain text, ünïcödé, 한국어, emoji 🎉', 'plain text, ünïcödé, 한국어, emoji 🎉'],
    ['\u001b[31mred\u001b[0m', '\\e[31mred\\e[0m'],
    ['\u001b]0;title\u0007', '\\e]0;title\\x07'],
    ['a\rb\nc\td', 'a\\rb\\nc\\td'],
    ['\u0000\u0008\u007f', '\\x00\\x08\\x7f'],
    ['\u009b2J csi', '\\x9b2J csi'],
    ['\u202eevil\u202c \u2066x\u2069 \u200f', '\\u202eevil\\u202c \\u2066x\\u2069 \\u200f'],
    ['line\u2028sep', 'line\\u2028sep'],
  ];
  for (const [input, expected] of cases) assert.equal(escapeTerminalText(input), expected, JSON.stringify(input));
});

const EVIL = '\u001b[2J\u001b]0;x\u0007\r\u009b\u202e';

function hostile(): RunResult {
  const r = fixtureResult({ name: `scn ${EVIL}`, requests: [`req ${EVIL}`, 'me'], warnings: [`warn ${EVIL}`] });
  r.target = `http://h/${EVIL}`;
  r.checks = { [`check ${EVIL}`]: { passes: 1, fails: 1 } };
  r.iterationErrors = [{ message: `server said ${EVIL}`, count: 2, location: `f.ts:${EVIL}` }];
  r.thresholds = { [`http_req_duration{name:req ${EVIL}}`]: [{ expression: `p(99)<5 ${EVIL}`, ok: false, value: 9 }] };
  r.scenarios = { [`s1 ${EVIL}`]: { ...r.requests.me, executor: `x${EVIL}`, model: 'closed', iterations: r.iterations }, s2: { ...r.requests.me, executor: 'y', model: 'closed', iterations: r.iterations } };
  return r;
}

test('summary and thresholds: every name and message escaped', () => {
  const text = renderSummary(hostile(), { color: false });
  assert.equal(RAW_CONTROL.exec(text), null, JSON.stringify(text));
  for (const what of ['scn', 'req', 'check', 'server said', 'warn', 'p(99)<5', 's1']) assert.ok(text.includes(`${what} \\e[2J\\e]0;x\\x07\\r\\x9b\\u202e`), what);
});

test('compare text and plot: file names, scenario names, request names escaped', () => {
  const files = [`a${EVIL}.json`, `b${EVIL}.json`];
  const c = compareResults([hostile(), fixtureResult()], files);
  const text = renderComparison(c, { color: false });
  assert.equal(RAW_CONTROL.exec(text), null, JSON.stringify(text));
  assert.match(text, /req \\e\[2J/);
  const plot = renderSpectrumPlot(files.map((label, i) => ({ label, hdr: (i === 0 ? hostile() : fixtureResult()).latency.hdr })), { color: false });
  assert.equal(RAW_CONTROL.exec(plot), null);
});

test('HTML: a crafted outcome, warnings, names, target and seed from a result are escaped; the only <script> is ours', () => {
  const r = hostile() as unknown as Record<string, unknown> & RunResult;
  const xss = '<script>alert(1)</script><img src=x onerror=alert(2)>';
  (r as { outcome: string }).outcome = xss;
  r.warnings = [xss];
  r.scenario = { name: xss, file: xss, seed: xss as unknown as number };
  r.target = xss;
  r.runner = xss;
  r.requests = { [xss]: r.requests.me };
  r.totals.errors = { [xss]: 1 };
  r.thresholds = { [xss]: [{ expression: xss, ok: false, value: 1 }] };
  const html = renderHtmlReport([{ label: xss, result: r }]);
  assert.equal((html.match(/<script/gi) ?? []).length, 1, 'only the report script');
  assert.doesNotMatch(html, /<img/i);
  assert.doesNotMatch(html, /<[^>]*onerror=/i);
  assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
});
