// Network error codes that landed in `other`: no route (unreachable), no free local port (ports_exhausted),
// aborted connections, a read that timed out at the TCP level, happy-eyeballs AggregateErrors. classifyError is
// a pure function: the table uses error objects shaped as Node's net/dns produce them (errno, code, syscall,
// address, port, message), since a real EHOSTUNREACH would need traffic off 127.0.0.1. EADDRNOTAVAIL is also
// produced for real (undici, binding to a local address this host does not have; nothing is sent), and the
// summary prints each new class's hint.
import { resultOf } from '../helpers/result-fixture.ts';
import { fail } from '../helpers/samples.ts';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Client } from 'undici';
import { classifyError } from '../../src/http/classify.ts';
import { createCollector } from '../../src/metrics/collector.ts';
import { renderSummary } from '../../src/report/summary.ts';

/** An error as Node's net module builds it (lib/internal/errors.js exceptionWithHostPort). */
function netError(code: string, errno: number, syscall: string, address = '10.9.8.7', port = 80): Error {
  return Object.assign(new Error(`${syscall} ${code} ${address}:${port}`), { errno, code, syscall, address, port });
}

const table: [string, unknown, string][] = [
  ['host unreachable', netError('EHOSTUNREACH', -113, 'connect'), 'unreachable'],
  ['network unreachable', netError('ENETUNREACH', -101, 'connect'), 'unreachable'],
  ['host down', netError('EHOSTDOWN', -112, 'connect'), 'unreachable'],
  ['network down', netError('ENETDOWN', -100, 'connect'), 'unreachable'],
  ['ephemeral ports exhausted', netError('EADDRNOTAVAIL', -99, 'connect'), 'ports_exhausted'],
  ['local address in use', netError('EADDRINUSE', -98, 'bind'), 'ports_exhausted'],
  ['connection aborted', netError('ECONNABORTED', -103, 'read'), 'reset'],
  ['write to a closed peer', netError('EPIPE', -32, 'write'), 'reset'],
  ['connect timed out in the kernel', netError('ETIMEDOUT', -110, 'connect'), 'connect_timeout'],
  ['read timed out on an established socket', Object.assign(new Error('read ETIMEDOUT'), { errno: -110, code: 'ETIMEDOUT', syscall: 'read' }), 'timeout'],
  ['undici refuses an argument', Object.assign(new Error('invalid header'), { code: 'UND_ERR_INVALID_ARG', name: 'InvalidArgumentError' }), 'invalid_request'],
  ['happy eyeballs: all addresses unreachable', Object.assign(new AggregateError([netError('ENETUNREACH', -101, 'connect', '::1'), netError('EHOSTUNREACH', -113, 'connect')]), {}), 'unreachable'],
];

for (const [label, err, kind] of table) {
  test(`classify: ${label} → ${kind}`, () => {
    assert.equal(classifyError(err), kind);
  });
}

test('a real EADDRNOTAVAIL from undici (a local address this host lacks) is ports_exhausted', async () => {
  const client = new Client('http://127.0.0.1:9', { localAddress: '192.0.2.1', connectTimeout: 5000 });
  try {
    const err = await client.request({ path: '/', method: 'GET' }).then(
      () => assert.fail('no response expected'),
      (e: unknown) => e,
    );
    assert.equal((err as { code?: string }).code, 'EADDRNOTAVAIL');
    assert.equal(classifyError(err), 'ports_exhausted');
  } finally {
    await client.close();
  }
});

test('the summary gives ports_exhausted and unreachable a hint', () => {
  const c = createCollector(['hit']);
  fail(c, 0, 'ports_exhausted', 0, 0);
  fail(c, 0, 'unreachable', 0, 0);
  const r = resultOf(c, { iterations: { started: 2, completed: 0, failed: 2, dropped: 0, aborted: 0 } });
  assert.deepEqual(r.totals.errors, { ports_exhausted: 1, unreachable: 1 });
  const text = renderSummary(r, { color: false });
  assert.match(text, /ports_exhausted.*\n.*ip_local_port_range/);
  assert.match(text, /unreachable.*\n.*no route to the target/);
});
