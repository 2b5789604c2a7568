// The real clock keeps delays past Node's timer limit (2^31-1 ms ≈ 24.8 days): setTimeout replaces those with
// 1 ms, so a 600 h think time fired at once and looped requests at full speed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRealClock } from '../../src/scheduler/clock.ts';

test('a sleep past the timer limit does not fire early, and an abort still ends it', async () => {
  const clock = createRealClock();
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(w.name);
  process.on('warning', onWarning);
  try {
    const ac = new AbortController();
    let woke = false;
    const sleeping = clock.sleep(2 ** 31 + 60_000, ac.signal).then(() => (woke = true));
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(woke, false, 'woke after 200 ms');
    ac.abort();
    await sleeping;
    assert.equal(woke, true);
    assert.deepEqual(warnings, [], 'no TimeoutOverflowWarning');
  } finally {
    process.off('warning', onWarning);
  }
});

test('ordinary sleeps still take their time', async () => {
  const clock = createRealClock();
  const t0 = clock.now();
  await clock.sleep(30);
  assert.ok(clock.now() - t0 >= 29, `${clock.now() - t0} ms`);
});
