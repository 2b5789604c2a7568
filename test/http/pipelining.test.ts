// `http.pipelining: N` really pipelines: a raw socket server sees N requests queued on one socket before it
// writes any response (it answers only once N have arrived), and runner's books still balance.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { compilePlan } from '../../src/plan/compile.ts';
import { Run } from '../../src/run.ts';
import { loadYamlScenario } from '../../src/scenario/load-yaml.ts';
import { assertBooksBalance } from '../faults/harness.ts';
import { OK_RESPONSE, startRawServer, type RawServer, type RawSocketState } from '../faults/raw-server.ts';

const servers: RawServer[] = [];
after(() => Promise.all(servers.map((s) => s.close())));

const N = 4;

/** Answers nothing until N requests are queued on the socket, then N responses at once. */
function answerInBatchesOfN(s: RawSocketState): void {
  if (s.received - s.answered < N) return;
  while (s.answered < s.received) {
    s.socket.write(OK_RESPONSE);
    s.answered++;
  }
}

async function run(target: string, method: string) {
  const yaml = [
    'name: pipelining',
    `target: ${target}`,
    `http: { connections: 1, pipelining: ${N}, timeout: 2s }`,
    'requests:',
    `  - { name: hit, method: ${method}, path: / }`,
    // 4 VUs keep N requests waiting for the one socket; 12 = 3 batches.
    `load: { executor: shared-iterations, vus: ${N}, iterations: 12 }`,
  ].join('\n');
  return new Run(compilePlan(loadYamlScenario(yaml, '/virtual/pipelining.yaml'), { seed: 1, env: {} })).start();
}

for (const method of ['GET', 'DELETE']) {
  test(`pipelining: ${N} with ${method}: ${N} requests queued on one socket before any response; all 200, books balance`, async () => {
    const server = await startRawServer(answerInBatchesOfN);
    servers.push(server);
    const t0 = performance.now();
    const result = await run(server.url, method);
    const wallMs = performance.now() - t0;
    assert.equal(server.maxQueuedBeforeAnswer, N, 'requests read on the socket before the first response');
    assert.equal(server.connections, 1);
    assert.equal(server.count, 12);
    assertBooksBalance(result);
    assert.deepEqual(result.totals.byStatus, { '200': 12 }, JSON.stringify(result.totals));
    assert.deepEqual(result.totals.errors, {});
    // Without pipelining the server never gets N requests: each waits out its 2 s deadline.
    assert.ok(wallMs < 8_000, `took ${wallMs} ms`);
  });
}
