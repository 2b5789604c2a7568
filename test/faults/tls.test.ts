// HTTPS faults: a self-signed certificate is refused by default (→ tls) and accepted with `insecure`;
// a handshake that never completes ends as connect_timeout within the request timeout.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { makeSelfSignedCert, startHttpsServer, startSilentServer, tlsSkipReason, type SmallServer } from '../helpers/tls.ts';
import { assertBooksBalance, runFault } from './harness.ts';

const skip = tlsSkipReason();
const servers: SmallServer[] = [];
after(() => Promise.all(servers.map((s) => s.close())));

test('tls: a self-signed certificate is rejected by default → tls, no request reaches the handler', { skip }, async () => {
  const s = await startHttpsServer(makeSelfSignedCert());
  servers.push(s);
  const { result } = await runFault({ target: s.url, vus: 2, iterations: 6 });
  assertBooksBalance(result);
  assert.deepEqual(result.totals.errors, { tls: 6 });
  assert.equal(s.count, 0);

  const insecure = await runFault({ target: s.url, vus: 2, iterations: 6, http: 'insecure: true' });
  assertBooksBalance(insecure.result);
  assert.deepEqual(insecure.result.totals.byStatus, { '200': 6 });
  assert.equal(s.count, 6);
});

test('tls: a handshake that never completes → connect_timeout within the timeout', { skip }, async () => {
  const s = await startSilentServer();
  servers.push(s);
  const { result, wallMs } = await runFault({ target: s.url, vus: 2, iterations: 4, timeout: '300ms' });
  assertBooksBalance(result);
  assert.deepEqual(result.totals.errors, { connect_timeout: 4 });
  assert.ok(s.connections >= 1);
  // Two rounds of 300 ms, each fired within the 5 ms sweep.
  assert.ok(wallMs < 1_500, `took ${wallMs} ms`);
});
