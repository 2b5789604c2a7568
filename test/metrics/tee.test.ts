// A sink that throws (an exporter on a full disk, a bug) is dropped with a warning; it neither hangs the
// run (the exception used to land in the response handler, leaving the request unsettled) nor costs the
// collector or the other sinks a sample.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { compilePlan } from '../../src/plan/compile.ts';
import { loadYamlScenario } from '../../src/scenario/load-yaml.ts';
import type { MetricsSink } from '../../src/metrics/types.ts';
import { Run } from '../../src/run.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const servers: TestServer[] = [];
after(() => Promise.all(servers.map((s) => s.close())));

test('a throwing sink is dropped with a warning; the run ends and the other sinks see every sample', { timeout: 30_000 }, async () => {
  const server = await startTestServer();
  servers.push(server);
  const text = `name: t\ntarget: ${server.url}\nrequests:\n  - name: get\n    path: /x\nload: { executor: shared-iterations, vus: 2, iterations: 20 }\n`;
  const plan = compilePlan(loadYamlScenario(text, join(tmpdir(), 't.yaml')), { seed: 1, env: {} });
  let thrown = 0;
  const broken: MetricsSink = {
    started() {},
    record() {
      thrown++;
      throw new Error('ENOSPC: no space left on device, write');
    },
  };
  let seen = 0;
  const counting: MetricsSink = { started() {}, record: () => void seen++ };
  const started = Date.now();
  const result = await new Run(plan, { sinks: [broken, counting], stopGraceMs: 500 }).start();
  assert.ok(Date.now() - started < 20_000, 'ends');
  assert.equal(server.count, 20);
  assert.equal(result.totals.requests, 20);
  assert.deepEqual(result.iterations, { started: 20, completed: 20, failed: 0, dropped: 0, aborted: 0 });
  assert.equal(thrown, 1, 'called until it threw, then dropped');
  assert.equal(seen, 20);
  assert.deepEqual(result.warnings, ['an output stopped recording samples during the run: ENOSPC: no space left on device, write']);
});
