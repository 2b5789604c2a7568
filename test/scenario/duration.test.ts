import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDuration, parseRate, parseStages } from '../../src/scenario/duration.ts';

test('durations: table', () => {
  const table: [string, number | undefined][] = [
    ['500ms', 500],
    ['5s', 5000],
    ['1m30s', 90_000],
    ['1h', 3_600_000],
    ['1.5s', 1500],
    ['0', 0],
    ['250us', 0.25],
    ['-1s', undefined],
    ['5', undefined],
    ['s', undefined],
    ['5 s', undefined],
    ['', undefined],
    ['banana', undefined],
  ];
  for (const [text, expected] of table) assert.equal(parseDuration(text), expected, text);
});

test('rates: per second by default, or per a unit', () => {
  assert.deepEqual(parseRate('100'), { rate: 100, timeUnitMs: 1000 });
  assert.deepEqual(parseRate('500/1m'), { rate: 500, timeUnitMs: 60_000 });
  assert.deepEqual(parseRate('500/m'), { rate: 500, timeUnitMs: 60_000 });
  assert.equal(parseRate('0'), undefined);
  assert.equal(parseRate('-5'), undefined);
  assert.equal(parseRate('5/x'), undefined);
  assert.equal(parseRate('5/1s/2'), undefined);
});

test('stages: duration:target lists', () => {
  assert.deepEqual(parseStages('10s:100,30s:100,10s:0'), [
    { durationMs: 10_000, target: 100 },
    { durationMs: 30_000, target: 100 },
    { durationMs: 10_000, target: 0 },
  ]);
  assert.equal(parseStages('10s'), undefined);
  assert.equal(parseStages('10s:x'), undefined);
  assert.equal(parseStages('ten:5'), undefined);
});
