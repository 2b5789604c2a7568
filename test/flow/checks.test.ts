// Check names are bounded like request names, and any name (even `__proto__`) survives into the result.
import { test } from 'node:test';
import { respond } from '../helpers/samples.ts';
import assert from 'node:assert/strict';
import { createChecks, MAX_CHECK_NAMES, OTHER_CHECKS } from '../../src/flow/checks.ts';
import { createCollector } from '../../src/metrics/collector.ts';

test(`past ${MAX_CHECK_NAMES} distinct check names, the rest are counted under '${OTHER_CHECKS}'`, () => {
  const c = createChecks();
  for (let i = 0; i < 5000; i++) c.record(c.id(`user ${i} ok`), i % 2 === 0);
  const json = c.toJSON();
  assert.equal(Object.keys(json).length, MAX_CHECK_NAMES + 1);
  assert.deepEqual(json[OTHER_CHECKS], { passes: 2000, fails: 2000 });
  assert.deepEqual(c.folded(), { names: 5000 - MAX_CHECK_NAMES, atLeast: false, results: 4000 });
  assert.equal(c.fails(), 2500);
});

test('a check or a request named __proto__ is kept as an own key, not lost into the prototype', () => {
  const checks = createChecks();
  checks.record(checks.id('__proto__'), true);
  assert.deepEqual(JSON.parse(JSON.stringify(checks.toJSON())), JSON.parse('{"__proto__":{"passes":1,"fails":0}}'));
  const m = createCollector(['a', '__proto__']);
  respond(m, 1, 200, 1000, 1000, 0, 0, true);
  const { byName } = m.toRequestResults(1000);
  assert.ok(Object.hasOwn(byName, '__proto__'));
  assert.equal(Object.getPrototypeOf(byName), Object.prototype);
  assert.equal(JSON.parse(JSON.stringify(byName))['__proto__'].totals.requests, 1);
});
