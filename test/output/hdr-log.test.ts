// --hdr-log writes a tagged line only for a name with values in that interval (plus one empty line at the end for
// a name that never had one, which Java's HistogramLogProcessor needs); the untagged line every interval.
import assert from 'node:assert/strict';
import { respond } from '../helpers/samples.ts';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { HistogramLogReader, HistogramLogWriter } from 'hdr-histogram-js';
import { createHdrLog, renderHdrTag, renderIntervalLine } from '../../src/output/hdr-log.ts';
import { createHistogram, recordUs } from '../../src/metrics/histogram.ts';
import { createCollector } from '../../src/metrics/collector.ts';
import type { MetricsSink } from '../../src/metrics/types.ts';

const dir = mkdtempSync(join(tmpdir(), 'runner-hdrlog-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** [tag ('NO TAG' for the all-requests line), count] of each interval histogram, in file order. */
function readLog(text: string): Array<[string, number]> {
  const reader = new HistogramLogReader(text);
  const read: Array<[string, number]> = [];
  for (let h = reader.nextIntervalHistogram(); h !== null; h = reader.nextIntervalHistogram()) read.push([h.tag, h.totalCount]);
  return read;
}

/** Writes a log with `names` over the 5 seconds of a run on a manual clock; `record` runs in its first second. */
async function writeLog(file: string, names: string[], record: (sink: MetricsSink) => void): Promise<string> {
  const path = join(dir, file);
  let now = 0;
  const run = createCollector(names, () => now);
  const log = createHdrLog(path, names, 'test');
  run.onSecond((v) => log.second(v));
  log.start(Date.now());
  run.begin();
  record(run);
  now = 4500;
  run.finish();
  log.close();
  return path;
}

test('--hdr-log skips a name with no value in the interval (1,000 names were 1,000 lines a second)', async () => {
  const names = Array.from({ length: 1000 }, (_, i) => `name-${i}`);
  const path = await writeLog('many.hlog', names, (sink) => {
    respond(sink, 3, 200, 1500, 1500, 0, 0, true);
    respond(sink, 3, 200, 2500, 2500, 0, 0, true);
    respond(sink, 999, 500, 800, 800, 0, 0, true);
  });
  const read = readLog(readFileSync(path, 'utf8'));
  const untagged = read.filter(([t]) => t === 'NO TAG');
  assert.ok(untagged.length >= 3, `an untagged line per interval, empty ones included (${untagged.length})`);
  assert.equal(untagged.reduce((n, [, c]) => n + c, 0), 3);
  // Each name has exactly one line: its interval with values, or one empty line at the end. The old log wrote
  // every name in every interval: ~10,000 tagged lines here.
  const tagged = read.filter(([t]) => t !== 'NO TAG');
  assert.equal(tagged.length, 1000);
  assert.equal(new Set(tagged.map(([t]) => t)).size, 1000);
  assert.deepEqual(tagged.filter(([, c]) => c > 0), [['name-3', 2], ['name-999', 1]]);
});

test('--hdr-log keeps the untagged all-requests line for an interval with no values at all', async () => {
  const path = await writeLog('idle.hlog', ['a', 'b'], (sink) => respond(sink, 0, 200, 1000, 1000, 0, 0, true));
  const read = readLog(readFileSync(path, 'utf8'));
  assert.deepEqual(read.filter(([t]) => t === 'a'), [['a', 1]]);
  assert.deepEqual(read.filter(([t]) => t === 'b'), [['b', 0]], 'b: one empty line at the end');
  assert.ok(read.filter(([t]) => t === 'NO TAG').length >= 3);
});

test('a tag is printable ASCII without spaces or commas (Java splits on them); names that render alike stay distinct', async () => {
  assert.equal(renderHdrTag('GET /health'), 'GET_/health');
  assert.equal(renderHdrTag('hit, again'), 'hit__again');
  assert.equal(renderHdrTag('a\tb\r\nc'), 'a_b__c');
  assert.equal(renderHdrTag('이름 😀'), '____', 'one _ per character, not per UTF-16 unit');
  assert.equal(renderHdrTag(''), '_', 'an empty tag is written untagged by hdr-histogram-js');
  assert.equal(renderHdrTag('POST /v1/{id}?x=1&y=[2]'), 'POST_/v1/{id}?x=1&y=[2]');
  const names = ['GET /a', 'GET_/a', 'GET,/a', '', 'NO TAG', 'line\u2028break"'];
  const path = await writeLog('tags.hlog', names, (sink) => {
    names.forEach((_, id) => respond(sink, id, 200, 1000 + id, 1000 + id, 0, 0, true));
  });
  const text = readFileSync(path, 'utf8');
  // No data line holds a space or a comma inside its tag.
  const tagLines = text.split('\n').filter((l) => l.startsWith('Tag='));
  assert.equal(tagLines.length, names.length);
  for (const l of tagLines) assert.match(l, /^Tag=[\x21-\x2b\x2d-\x7e]+,[\d.]+,[\d.]+,[\d.]+,\S+$/);
  const read = readLog(text);
  assert.deepEqual(
    read.filter(([t]) => t !== 'NO TAG').map(([t, n]) => [t, n]),
    [['GET_/a', 1], ['GET_/a~2', 1], ['GET_/a~3', 1], ['_', 1], ['NO_TAG', 1], ['line_break"', 1]],
  );
  assert.equal(read.filter(([t]) => t === 'NO TAG').reduce((n, [, c]) => n + c, 0), names.length);
  // One ASCII comment line per tag maps it back to its name, before the tag's first data line.
  const comments = text.split('\n').filter((l) => l.startsWith('#[Tag '));
  assert.deepEqual(comments, [
    '#[Tag GET_/a = "GET /a"]',
    '#[Tag GET_/a~2 = "GET_/a"]',
    '#[Tag GET_/a~3 = "GET,/a"]',
    '#[Tag _ = ""]',
    '#[Tag NO_TAG = "NO TAG"]',
    '#[Tag line_break" = "line\\u2028break\\""]',
  ]);
  for (const c of comments) {
    const m = /^#\[Tag (\S+) = (".*")\]$/.exec(c);
    assert.ok(m);
    assert.ok(names.includes(JSON.parse(m[2])), `${c} maps back to a name`);
    assert.ok(text.indexOf(c) < text.indexOf(`Tag=${m[1]},`), `${c} comes before its first line`);
  }
});

// Java's own reader (apt-get install default-jre-headless libhdrhistogram-java); skipped where it is absent.
const jar = '/usr/share/java/hdrhistogram.jar';
const hasJava = existsSync(jar) && (() => {
  try {
    execFileSync('java', ['-version'], { stdio: 'ignore', timeout: 20_000 });
    return true;
  } catch {
    return false;
  }
})();

test('Java HistogramLogProcessor reads a sparse log, for a name with values and for one without', { skip: !hasJava && 'java or libhdrhistogram-java not installed' }, async () => {
  const path = await writeLog('java.hlog', ['a', 'b'], (sink) => {
    respond(sink, 0, 200, 1000, 1000, 0, 0, true);
    respond(sink, 0, 200, 3000, 3000, 0, 0, true);
  });
  const processTag = (tag: string): string =>
    execFileSync('java', ['-cp', jar, 'org.HdrHistogram.HistogramLogProcessor', '-i', path, '-tag', tag, '-outputValueUnitRatio', '1000'], { encoding: 'utf8', timeout: 60_000 });
  assert.match(processTag('a'), /^#\[Mean\s*=\s*2\.0\d*, StdDeviation/m);
  assert.match(processTag('a'), /^#\[Max\s*=\s*3\.0\d*, Total count\s*=\s*2\]/m);
  assert.match(processTag('b'), /Total count\s*=\s*0\]/);
});

test('an interval line is what hdr-histogram-js\'s HistogramLogWriter writes (runner renders it itself: the writer\'s module costs start-up)', () => {
  const h = createHistogram();
  for (const us of [1, 950, 12_345, 2_000_000, 3_600_000_000]) recordUs(h, us);
  const empty = createHistogram();
  for (const [hist, tag, start, end] of [
    [h, 'GET_/x', 0, 1.0004],
    [h, undefined, 1234.5675, 1235.9995],
    [empty, undefined, 99_999.25, 100_000.125],
  ] as const) {
    let written = '';
    const writer = new HistogramLogWriter((text) => (written += text));
    hist.tag = tag ?? 'NO TAG';
    writer.outputIntervalHistogram(hist, start, end, 1000);
    assert.equal(renderIntervalLine(hist, tag, start, end), written);
  }
});
