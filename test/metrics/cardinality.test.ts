// The cap warnings say how many names were folded, for checks as for requests (README: "with a warning saying
// how many were folded").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createChecks, MAX_CHECK_NAMES, OTHER_CHECKS } from '../../src/flow/checks.ts';
import { cardinalityWarnings } from '../../src/metrics/cardinality.ts';

test('the check-name cap warning says how many distinct names were folded and how many results they made', () => {
  const c = createChecks();
  // 1,050 distinct names, each looked up 3 times: 50 folded names, 150 results under (other checks).
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < MAX_CHECK_NAMES + 50; i++) c.record(c.id(`id ${i} ok`), true);
  }
  const warnings = cardinalityWarnings(undefined, c.folded());
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /^50 distinct check names past the first 1000 were counted together as '\(other checks\)' \(150 results\)/);
  assert.equal(c.toJSON()[OTHER_CHECKS].passes, 150);
});

test('no warning when no check name was folded', () => {
  const c = createChecks();
  c.record(c.id('ok'), true);
  assert.deepEqual(cardinalityWarnings(undefined, c.folded()), []);
});
