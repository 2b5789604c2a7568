// --rate and --stages → executor configs (k6's meaning where k6 has the flag), and their flag parsers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvalidArgumentError } from 'commander';
import { parseRateFlag, parseStagesFlag } from '../../src/cli/options.ts';
import { isUserError } from '../../src/errors.ts';
import type { TestModel } from '../../src/scenario/model.ts';
import { applyShortcuts, arrivalVusFor, type LoadShortcuts } from '../../src/scenario/shortcuts.ts';

function model(): TestModel {
  return {
    version: 1, name: 't', file: '/t.yaml', http: { timeoutMs: 5000, pipelining: 1, insecure: false, maxRedirects: 0, maxCaptureBytes: 1 << 20 },
    headers: [], fields: [], thresholds: [],
    scenarios: [{ name: 'default', flow: { kind: 'requests', requests: [] }, load: { executor: 'shared-iterations', startTimeMs: 0, gracefulStopMs: 5000, vus: 10, iterations: 100, maxDurationMs: 600_000 } }],
  };
}
const load = (flags: LoadShortcuts) => applyShortcuts(model(), flags).scenarios[0].load;

test('--rate N --duration D → constant-arrival-rate, VUs from the rate', () => {
  assert.deepEqual(load({ rate: { rate: 1000, timeUnitMs: 1000 }, durationMs: 10_000 }), {
    executor: 'constant-arrival-rate', startTimeMs: 0, gracefulStopMs: 5000, rate: 1000, timeUnitMs: 1000, durationMs: 10_000, preAllocatedVUs: 100, maxVUs: 1000,
  });
  assert.deepEqual(load({ rate: { rate: 500, timeUnitMs: 60_000 }, durationMs: 60_000, vus: 7 }), {
    executor: 'constant-arrival-rate', startTimeMs: 0, gracefulStopMs: 5000, rate: 500, timeUnitMs: 60_000, durationMs: 60_000, preAllocatedVUs: 7, maxVUs: 7,
  });
});

test('--stages → ramping-vus from --vus (default 1); with --rate → ramping-arrival-rate starting at the rate', () => {
  const stages = [{ durationMs: 10_000, target: 100 }, { durationMs: 30_000, target: 100 }, { durationMs: 10_000, target: 0 }];
  assert.deepEqual(load({ stages }), { executor: 'ramping-vus', startTimeMs: 0, gracefulStopMs: 5000, startVUs: 1, stages, gracefulRampDownMs: 30_000 });
  assert.equal((load({ stages, vus: 5 }) as { startVUs: number }).startVUs, 5);
  assert.deepEqual(load({ stages, rate: { rate: 0, timeUnitMs: 1000 } }), {
    executor: 'ramping-arrival-rate', startTimeMs: 0, gracefulStopMs: 5000, startRate: 0, timeUnitMs: 1000, stages, preAllocatedVUs: 10, maxVUs: 100,
  });
});

test('arrivalVusFor: 0.1 s and 1 s of the peak rate, within bounds', () => {
  assert.deepEqual(arrivalVusFor(1, undefined), { preAllocatedVUs: 1, maxVUs: 10 });
  assert.deepEqual(arrivalVusFor(200, undefined), { preAllocatedVUs: 20, maxVUs: 200 });
  assert.deepEqual(arrivalVusFor(50_000, undefined), { preAllocatedVUs: 1000, maxVUs: 10_000 });
});

test('contradictory load flags are user errors', () => {
  const stages = [{ durationMs: 1000, target: 1 }];
  for (const flags of [
    { rate: { rate: 10, timeUnitMs: 1000 } },
    { rate: { rate: 0, timeUnitMs: 1000 }, durationMs: 1000 },
    { rate: { rate: 10, timeUnitMs: 1000 }, durationMs: 1000, iterations: 5 },
    { stages, durationMs: 1000 },
    { stages, iterations: 3 },
  ] satisfies LoadShortcuts[]) {
    assert.throws(() => load(flags), (e: unknown) => isUserError(e), JSON.stringify(flags));
  }
});

test('parseRateFlag and parseStagesFlag', () => {
  assert.deepEqual(parseRateFlag('500'), { rate: 500, timeUnitMs: 1000 });
  assert.deepEqual(parseRateFlag('500/1m'), { rate: 500, timeUnitMs: 60_000 });
  assert.deepEqual(parseRateFlag('10/100ms'), { rate: 10, timeUnitMs: 100 });
  assert.deepEqual(parseRateFlag('0/1m'), { rate: 0, timeUnitMs: 60_000 });
  for (const bad of ['', 'x', '-5', '5/', '5/x', '1/2/3']) assert.throws(() => parseRateFlag(bad), InvalidArgumentError, bad);
  assert.deepEqual(parseStagesFlag('10s:100,30s:100,10s:0'), [{ durationMs: 10_000, target: 100 }, { durationMs: 30_000, target: 100 }, { durationMs: 10_000, target: 0 }]);
  for (const bad of ['10s', '10s:x', 'x:10', '10s:1:2']) assert.throws(() => parseStagesFlag(bad), InvalidArgumentError, bad);
});
