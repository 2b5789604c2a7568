// A request with no response (refused, timeout, reset, …) fails its `<request>: status is expected` check: a
// check that records nothing on error lets `checks: rate>0.99` pass at 100 % refused.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { evaluateThresholds } from '../../src/metrics/thresholds/evaluate.ts';
import { compileThresholds } from '../../src/metrics/thresholds/parse.ts';
import { compilePlan } from '../../src/plan/compile.ts';
import { Run } from '../../src/run.ts';
import { loadYamlScenario } from '../../src/scenario/load-yaml.ts';
import { freePort, startTestServer, type Behaviour, type TestServer } from '../helpers/server.ts';

const servers: TestServer[] = [];
after(() => Promise.all(servers.map((s) => s.close())));

async function runWithChecksThreshold(target: string) {
  const yaml = [
    'name: checks-on-error',
    `target: ${target}`,
    'http: { timeout: 500ms }',
    'requests:',
    '  - { name: hit, path: / }',
    'load: { executor: shared-iterations, vus: 2, iterations: 6 }',
    'thresholds:',
    '  checks: rate>0.99',
  ].join('\n');
  const plan = compilePlan(loadYamlScenario(yaml, '/virtual/checks.yaml'), { seed: 1, env: {} });
  const result = await new Run(plan).start();
  const [verdict] = evaluateThresholds(compileThresholds(plan.thresholds, plan.requestNames), result);
  return { result, verdict };
}

test('refused: every request fails its status check, and checks: rate>0.99 fails', async () => {
  const { result, verdict } = await runWithChecksThreshold(`http://127.0.0.1:${await freePort()}`);
  assert.deepEqual(result.totals.errors, { refused: 6 });
  assert.equal(result.totals.bytesSent, 0, 'no connection, nothing sent (was counted as sent)');
  assert.deepEqual(result.checks, { 'hit: status is expected': { passes: 0, fails: 6 } });
  assert.equal(verdict.value, 0);
  assert.equal(verdict.ok, false);
});

for (const [name, behaviour, kind] of [
  ['timeout', { kind: 'hang' }, 'timeout'],
  ['reset', { kind: 'reset' }, 'reset'],
] as [string, Behaviour, string][]) {
  test(`${name}: the status check fails for each request, as it does for an unexpected status`, async () => {
    const s = await startTestServer({ behaviour });
    servers.push(s);
    const { result, verdict } = await runWithChecksThreshold(s.url);
    assert.deepEqual(result.totals.errors, { [kind]: 6 });
    assert.equal(s.count, 6);
    assert.deepEqual(result.checks, { 'hit: status is expected': { passes: 0, fails: 6 } });
    assert.equal(verdict.ok, false);
  });
}

test('a healthy target: the checks pass and the threshold holds (the check still counts each response once)', async () => {
  const s = await startTestServer();
  servers.push(s);
  const { result, verdict } = await runWithChecksThreshold(s.url);
  assert.deepEqual(result.checks, { 'hit: status is expected': { passes: 6, fails: 0 } });
  assert.equal(verdict.ok, true);
});
