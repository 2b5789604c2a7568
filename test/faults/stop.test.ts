// Stopping a run in-process: a graceful stop lets in-flight requests finish; when the grace runs out they
// are aborted, counted once as `aborted`, and the outcome says so.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { assertBooksBalance, runFault } from './harness.ts';

const servers: TestServer[] = [];
after(() => Promise.all(servers.map((s) => s.close())));

test('stop(): in-flight requests finish within the grace; outcome interrupted; 200s == server responses', async () => {
  const s = await startTestServer({ behaviour: { kind: 'respond', status: 200, body: 'ok', delayMs: 100 }, record: false });
  servers.push(s);
  const { result, wallMs } = await runFault({
    target: s.url,
    load: 'executor: constant-vus\nvus: 5\nduration: 60s',
    run: { stopGraceMs: 1_000 },
    during: async (run) => {
      await sleep(350);
      run.stop();
    },
  });
  assertBooksBalance(result);
  assert.equal(result.outcome, 'interrupted');
  assert.ok(wallMs < 2_000, `took ${wallMs} ms`);
  assert.deepEqual(result.totals.errors, {});
  assert.equal(result.totals.byStatus['200'], s.statusCounts.get(200));
  assert.equal(result.totals.requests, s.count);
  assert.equal(result.iterations.aborted, 0);
});

test('stop(): when the grace runs out, in-flight requests are aborted and the outcome is aborted', async () => {
  const s = await startTestServer({ behaviour: { kind: 'hang' } });
  servers.push(s);
  let stoppedAt = 0;
  const { result, wallMs } = await runFault({
    target: s.url,
    timeout: '30s',
    load: 'executor: constant-vus\nvus: 5\nduration: 60s',
    run: { stopGraceMs: 200 },
    during: async (run) => {
      await sleep(200);
      stoppedAt = performance.now();
      run.stop();
    },
  });
  const afterStopMs = performance.now() - stoppedAt;
  assertBooksBalance(result);
  assert.equal(result.outcome, 'aborted');
  assert.ok(afterStopMs < 1_500, `ended ${afterStopMs} ms after stop()`);
  assert.ok(wallMs < 2_500);
  assert.deepEqual(result.totals.errors, { aborted: 5 });
  assert.equal(s.count, 5, 'the server saw the 5 requests that were aborted, and no more');
  assert.equal(result.iterations.aborted, 5);
});

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
