// `runner compare` and `runner report` given damaged or foreign result files: exit 2 with a message naming the
// file and what is wrong, never a stack trace and never exit 1; odd but valid files (a request named __proto__,
// a day of per-second points) give a correct report. In process (main(io)): no process needs spawning here.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runInProcess, type InProcessResult } from './in-process.ts';
import { fixtureResult } from '../helpers/result-fixture.ts';

const STACK_FRAME = /^\s+at .+[(:]\d+/m;

function assertRefused(r: InProcessResult, file: string, what: RegExp): void {
  assert.equal(r.code, 2, `exit ${r.code}; stderr:\n${r.stderr}`);
  assert.doesNotMatch(r.stderr, STACK_FRAME, r.stderr);
  assert.doesNotMatch(r.stderr, /internal error|TypeError|RangeError|SyntaxError/, r.stderr);
  assert.ok(r.stderr.includes(file), `names ${file}:\n${r.stderr}`);
  assert.match(r.stderr, what);
}

describe('damaged or foreign result files', () => {
  let dir = '';
  const good = fixtureResult();
  const goodText = JSON.stringify(good, null, 2);

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'runner-damaged-'));
    await writeFile(join(dir, 'good.json'), goodText);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const damaged: [string, () => string, RegExp][] = [
    ['corrupt-hdr.json', () => goodText.replace(good.latency.hdr, good.latency.hdr.slice(0, 40) + 'AAAA' + good.latency.hdr.slice(44)), /latency\.hdr: not an HdrHistogram/],
    ['no-latency.json', () => JSON.stringify({ ...good, latency: undefined }), /latency: missing/],
    ['wrong-type.json', () => JSON.stringify({ ...good, requests: { signup: { ...good.requests.signup, totals: 'many' } } }), /requests\.signup\.totals: expected an object/],
    ['array.json', () => '[]', /holds a JSON array/],
    ['empty.json', () => '', /is empty/],
    ['text.json', () => 'hello', /is not valid JSON/],
    ['future.json', () => JSON.stringify({ ...good, version: 3 }), /has version 3/],
    ['outcome.json', () => JSON.stringify({ ...good, outcome: '<img src=x onerror=alert(1)>' }), /outcome: expected one of/],
  ];

  for (const [name, text, what] of damaged) {
    test(`${name}: compare and report exit 2 naming the file`, async () => {
      await writeFile(join(dir, name), text());
      assertRefused(await runInProcess(['compare', 'good.json', name], dir), name, what);
      assertRefused(await runInProcess(['compare', name, 'good.json'], dir), name, what);
      assertRefused(await runInProcess(['report', name, '-o', 'out.html'], dir), name, what);
    });
  }

  test('a directory, a missing file', async () => {
    await mkdir(join(dir, 'folder.json'), { recursive: true });
    assertRefused(await runInProcess(['report', 'folder.json', '-o', 'out.html'], dir), 'folder.json', /is a directory/);
    assertRefused(await runInProcess(['compare', 'good.json', 'nope.json'], dir), 'nope.json', /does not exist/);
  });

  test('requests named __proto__ and constructor in one file only: compare and report are correct', async () => {
    // Renamed in the text: runner's own collector cannot write a request named __proto__ yet (reported separately).
    const odd = fixtureResult({ requests: ['p_r_o_t_o', 'c_o_n_s', 'signup'] });
    await writeFile(join(dir, 'odd.json'), JSON.stringify(odd).replace('"p_r_o_t_o":', '"__proto__":').replace('"c_o_n_s":', '"constructor":'));
    for (const [a, b] of [['good.json', 'odd.json'], ['odd.json', 'good.json']]) {
      const r = await runInProcess(['compare', a, b], dir);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^__proto__: n\/a$/m);
      assert.match(r.stdout, /^constructor: n\/a$/m);
      assert.match(r.stdout, /^signup: /m);
    }
    const json = await runInProcess(['compare', 'good.json', 'odd.json', '--json'], dir);
    const parsed = JSON.parse(json.stdout);
    const proto = parsed.rows.find((row: { name: string }) => row.name === '__proto__');
    assert.deepEqual(proto.values.count, [null, odd.requests.signup.totals.requests]);
    const report = await runInProcess(['report', 'odd.json', 'good.json', '-o', 'odd.html'], dir);
    assert.equal(report.code, 0, report.stderr);
    const html = await readFile(join(dir, 'odd.html'), 'utf8');
    assert.match(html, /<td class="">__proto__<\/td>/);
    assert.match(html, /<td class="">constructor<\/td>/);
  });

  test('a 24-hour run (86,400 per-second points): a report of bounded size, in bounded time', async () => {
    await writeFile(join(dir, 'day.json'), JSON.stringify(fixtureResult({ timeSeriesSeconds: 86_400 })));
    const started = performance.now();
    const r = await runInProcess(['report', 'day.json', '-o', 'day.html'], dir);
    const elapsedMs = performance.now() - started;
    assert.equal(r.code, 0, r.stderr);
    const html = await readFile(join(dir, 'day.html'), 'utf8');
    assert.match(html, /Requests per second/);
    assert.ok(html.length < 1_000_000, `report is ${html.length} bytes`);
    assert.ok(elapsedMs < 30_000, `took ${Math.round(elapsedMs)} ms`);
    const c = await runInProcess(['compare', 'day.json', 'good.json'], dir);
    assert.equal(c.code, 0, c.stderr);
  });
});
