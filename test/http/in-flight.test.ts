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

test('no periodic wake-up: requests that end before their deadline leave the timer asleep', async () => {
  // Counts every clock read: a sweep reads it. The old 5 ms sweep read it ~12 times in these 60 ms.
  let reads = 0;
  const f = new InFlight(() => {
    reads++;
    return performance.now();
  });
  const log: string[] = [];
  for (let i = 0; i < 100; i++) {
    const t = item(log, `r${i}`);
    f.add(t, 10_000, performance.now());
    if (i % 2 === 0) f.remove(t);
  }
  await new Promise((r) => setTimeout(r, 60));
  assert.equal(reads, 0);
  assert.deepEqual(log, []);
  f.stop();
});

test('the timer is armed for the earliest deadline: a shorter timeout added later fires first, on time', async () => {
  const f = new InFlight(() => performance.now());
  // The tracker's timer is unref'd (it never holds a run open): this one keeps the test's loop alive.
  const keepAlive = setTimeout(() => {}, 5_000);
  const fired: [string, number][] = [];
  const started = performance.now();
  const done = new Promise<void>((resolve) => {
    const at = (name: string): Tracked => ({
      ...item([], name),
      expire: () => {
        fired.push([name, performance.now() - started]);
        if (fired.length === 2) resolve();
      },
    });
    f.add(at('long'), 300);
    f.add(at('short'), 20);
  });
  await done;
  clearTimeout(keepAlive);
  assert.deepEqual(fired.map(([n]) => n), ['short', 'long']);
  // Never early; the upper bounds only guard against waiting for the long one (a loaded machine may be late).
  assert.ok(fired[0][1] >= 20 && fired[0][1] < 250, `short fired at ${fired[0][1]} ms`);
  assert.ok(fired[1][1] >= 300, `long fired at ${fired[1][1]} ms`);
  assert.equal(f.size, 0);
});
