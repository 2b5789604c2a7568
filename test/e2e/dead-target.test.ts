// A target that is down is a result, not a crash: the run completes, every request is counted as `refused`, and
// the result file is written and holds together. It is not a pass either: exit 3 (no request got a response).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { freePort } from '../helpers/server.ts';
import { readResult, runCli, signupScenario, sum, tempDir } from './cli.ts';

let tmp: Awaited<ReturnType<typeof tempDir>>;
before(async () => {
  tmp = await tempDir('runner-e2e-dead-');
});
after(async () => {
  await tmp.cleanup();
});

test('signup.yaml against a closed port: completes, 1,000 × refused, result file written, exit 3', async () => {
  // freePort() returns a port nothing listens on (it was bound, then closed): connects are refused.
  const port = await freePort();
  const out = join(tmp.dir, 'dead.json');
  const r = await runCli(['run', signupScenario, '--target', `http://127.0.0.1:${port}`, '--iterations', '1000', '--out', out, '--seed', '1']);
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stderr, /^error: no request got a response \(1,000 sent: 1,000 refused\)/m);
  assert.doesNotMatch(r.stderr, /^\s+at /m);
  assert.match(r.stdout, /refused/);
  assert.match(r.stdout, /1,000|1000/);
  assert.doesNotMatch(r.stdout, /status: \d+ count/);

  const result = await readResult(out);
  assert.equal(result.outcome, 'completed');
  assert.equal(result.totals.requests, 1000);
  assert.deepEqual(result.totals.byStatus, {});
  assert.deepEqual(result.totals.errors, { refused: 1000 });
  assert.equal(result.totals.requests, sum(result.totals.byStatus) + sum(result.totals.errors));
  assert.equal(result.latency.count, 0);
  assert.deepEqual(result.requests.signup.totals.errors, { refused: 1000 });
  assert.deepEqual(result.iterations, { started: 1000, completed: 0, failed: 1000, dropped: 0, aborted: 0 });
  assert.equal(result.target, `http://127.0.0.1:${port}`);
});
