// HTTP safety: TLS is verified unless --insecure says otherwise (and the summary says so), redirects are
// followed only up to http.maxRedirects, and a body is buffered for a capture only up to http.maxCaptureSize.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { makeSelfSignedCert, startHttpsServer, tlsSkipReason, type SmallServer } from '../helpers/tls.ts';
import { assertBooksBalance, runFault } from '../faults/harness.ts';

const exec = promisify(execFile);
const bin = fileURLToPath(new URL('../../dist/cli/bin.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'runner-safety-http-'));
const closers: (() => Promise<void>)[] = [];
after(async () => {
  await Promise.all(closers.map((c) => c()));
  rmSync(dir, { recursive: true, force: true });
});

async function serve(opts: Parameters<typeof startTestServer>[0]): Promise<TestServer> {
  const s = await startTestServer(opts);
  closers.push(() => s.close());
  return s;
}

test('TLS: verified by default (self-signed → tls); --insecure gets 200s and the summary warns', { skip: tlsSkipReason() }, async () => {
  const server: SmallServer = await startHttpsServer(makeSelfSignedCert());
  closers.push(() => server.close());
  const file = join(dir, 'tls.yaml');
  writeFileSync(file, `target: ${server.url}\nrequests:\n  - { name: hit, path: / }\nload: { executor: shared-iterations, vus: 1, iterations: 3 }\n`);
  // No request got a response: exit 3 (ExitCode.noResponses), so execFile rejects with the output attached.
  const verified = await exec(process.execPath, [bin, 'run', file, '--no-color'], { cwd: dir }).then(
    () => assert.fail('a run with no response must not exit 0'),
    (e: { code: number; stdout: string; stderr: string }) => e,
  );
  assert.equal(verified.code, 3);
  assert.match(verified.stdout, /error: tls count: 3/);
  assert.doesNotMatch(verified.stdout, /warning: TLS/);
  assert.equal(server.count, 0);

  const insecure = await exec(process.execPath, [bin, 'run', file, '--no-color', '--insecure', '--out', 'r.json'], { cwd: dir });
  assert.match(insecure.stdout, /status: 200 count: 3/);
  assert.match(insecure.stdout, /warning: TLS certificate verification is disabled \(--insecure\)/);
  assert.equal(server.count, 3);
});

test('redirects: not followed by default; an endless chain is followed only up to maxRedirects', async () => {
  // /r/1 → /r/2 → /r/3 → … never ends.
  const server = await serve({ handle: (req) => ({ kind: 'respond', status: 302, headers: { location: `/r/${Number(req.path.slice(3)) + 1}` } }) });
  const none = await runFault({ target: server.url, path: '/r/1', vus: 1, iterations: 5 });
  assertBooksBalance(none.result);
  assert.deepEqual(none.result.totals.byStatus, { '302': 5 });
  assert.equal(server.count, 5, 'one request per iteration');

  const before = server.count;
  // After the limit the last 3xx is the answer (as in k6); `expect: 200` makes it a failure.
  const limited = await runFault({ target: server.url, path: '/r/1', vus: 1, iterations: 5, http: 'maxRedirects: 3', request: 'expect: 200' });
  assertBooksBalance(limited.result);
  assert.deepEqual(limited.result.totals.byStatus, { '302': 5 }, 'one bucket per request, whatever the hops');
  assert.equal(limited.result.totals.unexpectedStatus, 5);
  assert.equal(server.count - before, 5 * 4, 'the request and 3 redirects, no more');
});

test('redirects: a loop back to a visited URL is a protocol error, sent once', async () => {
  const server = await serve({ behaviour: { kind: 'respond', status: 302, headers: { location: '/loop' } } });
  const { result } = await runFault({ target: server.url, path: '/loop', vus: 1, iterations: 3, http: 'maxRedirects: 10' });
  assertBooksBalance(result);
  assert.deepEqual(result.totals.errors, { protocol: 3 });
  assert.equal(server.count, 3);
});

test('redirects: to another origin, the request goes to that origin', async () => {
  const other = await serve({ behaviour: { kind: 'respond', status: 200, body: 'there' } });
  const server = await serve({ behaviour: { kind: 'respond', status: 307, headers: { location: `${other.url}/there` } } });
  const { result } = await runFault({ target: server.url, path: '/here', vus: 1, iterations: 3, http: 'maxRedirects: 1', request: 'expect: 200' });
  assertBooksBalance(result);
  assert.deepEqual(result.totals.byStatus, { '200': 3 });
  assert.deepEqual(server.received.map((r) => r.path), ['/here', '/here', '/here']);
  assert.deepEqual(other.received.map((r) => r.path), ['/there', '/there', '/there']);
});

test('redirects within the limit end at the final answer', async () => {
  const server = await serve({
    handle: (req) => (req.path === '/final' ? { kind: 'respond', status: 200, body: 'ok' } : { kind: 'respond', status: 301, headers: { location: '/final' } }),
  });
  const { result } = await runFault({ target: server.url, path: '/start', vus: 1, iterations: 4, http: 'maxRedirects: 2', request: 'expect: 200' });
  assertBooksBalance(result);
  assert.deepEqual(result.totals.byStatus, { '200': 4 });
  assert.equal(server.count, 8);
});

test('capture cap: a body over http.maxCaptureSize fails the capture cleanly; the response still counts', async () => {
  const big = JSON.stringify({ token: 'abc', pad: 'x'.repeat(4096) });
  const server = await serve({ behaviour: { kind: 'respond', status: 200, body: big, headers: { 'content-type': 'application/json' } } });
  const capped = await runFault({ target: server.url, vus: 1, iterations: 3, http: 'maxCaptureSize: 1024', request: 'capture: { token: $.token }' });
  assertBooksBalance(capped.result);
  assert.deepEqual(capped.result.totals.byStatus, { '200': 3 });
  assert.deepEqual(capped.result.checks['hit: captured token'], { passes: 0, fails: 3 });
  assert.equal(capped.result.iterations.failed, 3);
  assert.ok(capped.result.totals.bytesReceived >= 3 * big.length, 'the whole body was still read');

  const roomy = await runFault({ target: server.url, vus: 1, iterations: 3, http: 'maxCaptureSize: 8192', request: 'capture: { token: $.token }' });
  assert.deepEqual(roomy.result.checks['hit: captured token'], { passes: 3, fails: 0 });
  assert.equal(roomy.result.iterations.completed, 3);
});
