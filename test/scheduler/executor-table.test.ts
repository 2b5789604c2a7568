// The executor table: every module answers for its own config (keys, validation, VUs, planned work, open or
// closed), and everything else asks the table rather than switching on the executor's name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Checker } from '../../src/scenario/checker.ts';
import { validateLoad } from '../../src/scenario/validate-load.ts';
import { SegmentTuple } from '../../src/scheduler/segment.ts';
import { executorKinds, executorOf, executors, isOpenModel, maxVusOf } from '../../src/scheduler/index.ts';

function load(raw: Record<string, unknown>) {
  const c = new Checker(() => undefined, 's.yaml');
  const config = validateLoad(c, raw, ['load']);
  return { config, messages: c.diagnostics.map((d) => d.message) };
}

const cases = [
  { raw: { executor: 'shared-iterations', vus: 3, iterations: 30 }, maxVus: 3, open: false, planned: { spanMs: 600_000, iterations: 30 } },
  { raw: { executor: 'per-vu-iterations', vus: 3, iterations: 4, maxDuration: '1m' }, maxVus: 3, open: false, planned: { spanMs: 60_000, iterations: 12 } },
  { raw: { executor: 'constant-vus', vus: 5, duration: '10s' }, maxVus: 5, open: false, planned: { spanMs: 10_000 } },
  { raw: { executor: 'constant-arrival-rate', rate: 50, duration: '2s', preAllocatedVUs: 2, maxVUs: 7 }, maxVus: 7, open: true, planned: { spanMs: 2_000 } },
  { raw: { executor: 'ramping-arrival-rate', stages: [{ duration: '1s', target: 10 }, { duration: '2s', target: 0 }] }, maxVus: 1000, open: true, planned: { spanMs: 3_000 } },
  { raw: { executor: 'ramping-vus', startVUs: 2, stages: [{ duration: '1s', target: 9 }, { duration: '1s', target: 4 }] }, maxVus: 9, open: false, planned: { spanMs: 2_000 } },
];

test('the table covers every executor, each with its own keys, model, max VUs and planned work', () => {
  assert.deepEqual(executorKinds, cases.map((c) => c.raw.executor));
  for (const c of cases) {
    const { config, messages } = load(c.raw);
    assert.deepEqual(messages, [], String(c.raw.executor));
    assert.ok(config);
    assert.equal(config.executor, c.raw.executor);
    assert.equal(maxVusOf(config), c.maxVus, config.executor);
    assert.equal(isOpenModel(config.executor), c.open, config.executor);
    assert.deepEqual(executorOf(config).planned(config, SegmentTuple.full()), c.planned, config.executor);
    // Every key of the case is one the module declares.
    for (const key of Object.keys(c.raw)) if (key !== 'executor') assert.ok(executors[config.executor].keys.includes(key), `${config.executor}: ${key}`);
  }
});

test("a key of another executor is reported by name, with the executor's own keys as the hint", () => {
  const { messages } = load({ executor: 'constant-vus', duration: '1s', rate: 5 });
  assert.deepEqual(messages, ["unknown key 'rate' at 'load.rate'"]);
});

test('--vus alone: kept executors change their VU count, the others say why not', () => {
  const si = load(cases[0].raw).config!;
  assert.deepEqual(executorOf(si).withVus(si, 2), { ...si, vus: 2 });
  assert.throws(() => executorOf(si).withVus(si, 31), /--vus 31 is more than the scenario's 30 iterations/);
  const rate = load(cases[3].raw).config!;
  assert.throws(() => executorOf(rate).withVus(rate, 2), /--vus alone does not apply to the constant-arrival-rate executor/);
});
