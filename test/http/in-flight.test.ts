import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InFlight, type Tracked } from '../../src/http/in-flight.ts';

function item(log: string[], name: string): Tracked {
  return { deadlineMs: 0, prev: null, next: null, list: null, expire: () => log.push(`expire ${name}`), abort: () => log.push(`abort ${name}`) };
}

test('deadlines expire in order, per timeout list, and removed items never fire', () => {
  let now = 0;
  const f = new InFlight(() => now);
  const log: string[] = [];
  const a = item(log, 'a');
  const b = item(log, 'b');
  const c = item(log, 'c');
  const d = item(log, 'd');
  f.add(a, 100);
  now = 10;
  f.add(b, 100);
  f.add(c, 50);
  f.add(d, 100);
  f.remove(d);
  assert.equal(f.size, 3);
  now = 60;
  f.sweep();
  assert.deepEqual(log, ['expire c']);
  now = 105;
  f.sweep();
  assert.deepEqual(log, ['expire c', 'expire a']);
  now = 110;
  f.sweep();
  assert.deepEqual(log, ['expire c', 'expire a', 'expire b']);
  assert.equal(f.size, 0);
  f.stop();
});

test('abortAll aborts everything once', () => {
  const f = new InFlight(() => 0);
  const log: string[] = [];
  f.add(item(log, 'x'), 10);
  f.add(item(log, 'y'), 20);
  f.abortAll();
  f.abortAll();
  assert.deepEqual(log.sort(), ['abort x', 'abort y']);
  assert.equal(f.size, 0);
});
