// HTTP/2 (`http.version: 2`), a custom CA (`http.ca`) and client certificates (`http.cert` / `http.key`), against
// real TLS servers on 127.0.0.1 with certificates made by openssl now. Assert what the servers saw and what runner counted.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createSecureServer, type Http2Session } from 'node:http2';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { compilePlan } from '../../src/plan/compile.ts';
import { Run } from '../../src/run.ts';
import { renderSummary } from '../../src/report/summary.ts';
import { loadScenario } from '../../src/scenario/load.ts';
import { runInProcess } from '../e2e/in-process.ts';
import { assertBooksBalance } from '../faults/harness.ts';
import { makeCertChain, tlsSkipReason, type CertChain } from '../helpers/tls.ts';

const skip = tlsSkipReason();
let chain: CertChain;
let dir: string;
const closers: (() => Promise<void>)[] = [];
before(() => {
  if (skip) return;
  chain = makeCertChain();
  dir = mkdtempSync(join(tmpdir(), 'runner-h2-'));
});
after(async () => {
  await Promise.all(closers.map((c) => c()));
  chain?.remove();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** An HTTP/2-only TLS server (no HTTP/1.1 fallback) counting streams per session and the most streams open at once per session. */
async function startH2Server() {
  const perSession = new Map<Http2Session, { streams: number; open: number; maxOpen: number }>();
  const bodies: string[] = [];
  const server = createSecureServer({ key: chain.server.key, cert: chain.server.cert, allowHTTP1: false });
  server.on('session', (session) => perSession.set(session, { streams: 0, open: 0, maxOpen: 0 }));
  server.on('stream', (stream) => {
    const s = perSession.get(stream.session!)!;
    s.streams++;
    s.maxOpen = Math.max(s.maxOpen, ++s.open);
    let body = '';
    stream.setEncoding('utf8');
    stream.on('data', (c: string) => (body += c));
    stream.on('end', () => {
      bodies.push(body);
      // A little service time, so that VUs overlap and streams share a session.
      setTimeout(() => {
        s.open--;
        if (!stream.destroyed) stream.respond({ ':status': 200, 'content-type': 'application/json' }), stream.end('{"ok":true}');
      }, 5);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(() => new Promise<void>((r) => server.close(() => r())));
  for (const s of perSession.keys()) s.destroy();
  return { url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, perSession, bodies, close: () => { for (const s of perSession.keys()) s.destroy(); } };
}

/** An HTTPS (HTTP/1.1) server; with `mtls` it asks for a client certificate signed by the test CA and refuses others. */
async function startHttps1Server(mtls: boolean) {
  let answered = 0;
  const server = createHttpsServer(
    { key: chain.server.key, cert: chain.server.cert, ...(mtls ? { ca: chain.ca, requestCert: true, rejectUnauthorized: true } : {}) },
    (req, res) => {
      req.resume();
      req.once('end', () => {
        answered++;
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      });
    },
  );
  const sockets = new Set<import('node:net').Socket>();
  server.on('secureConnection', (s) => (sockets.add(s), s.once('close', () => sockets.delete(s))));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(() => {
    for (const s of sockets) s.destroy();
    return new Promise<void>((r) => server.close(() => r()));
  });
  return { url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, get answered() { return answered; } };
}

async function runYaml(name: string, yaml: string) {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(file, yaml);
  const model = await loadScenario(file, dir);
  const run = new Run(compilePlan(model, { seed: 1, env: {} }));
  return run.start();
}

test('http.version 2: POSTs from 20 VUs share one HTTP/2 session, streams multiplexed; the result records h2; books balance', { skip }, async () => {
  const server = await startH2Server();
  const result = await runYaml(
    'h2',
    [
      `target: ${server.url}`,
      `http: { version: 2, ca: ${chain.files.ca}, timeout: 5s }`,
      'fields: { n: { gen: sequence } }',
      'requests:',
      '  - { name: post, method: POST, path: /items, json: { n: "{{n}}" } }',
      'load: { executor: shared-iterations, vus: 20, iterations: 200 }',
      '',
    ].join('\n'),
  );
  assertBooksBalance(result);
  assert.deepEqual(result.totals.byStatus, { '200': 200 });
  assert.deepEqual(result.totals.errors, {});
  const sessions = [...server.perSession.values()];
  const streams = sessions.reduce((a, s) => a + s.streams, 0);
  assert.equal(streams, 200, 'the server got every request as a stream');
  assert.equal(new Set(server.bodies).size, 200, 'each body once');
  // 20 VUs fit in one session of 100 streams: one connection, not 20.
  assert.ok(sessions.length <= 2, `sessions: ${sessions.length}`);
  assert.ok(Math.max(...sessions.map((s) => s.maxOpen)) > 1, `streams were multiplexed: ${JSON.stringify(sessions)}`);
  assert.deepEqual(result.protocols, { h2: sessions.length });
  assert.match(renderSummary(result, { color: false }), new RegExp(`protocols: h2 ${sessions.length} connection\\(s\\)`));
  assert.equal(result.warnings.filter((w) => w.includes('HTTP/2')).length, 0);
});

test('http.version 2 against an HTTP/1.1-only server: falls back, records http/1.1 and warns', { skip }, async () => {
  const server = await startHttps1Server(false);
  const result = await runYaml(
    'h2-fallback',
    [`target: ${server.url}`, `http: { version: 2, ca: ${chain.files.ca} }`, 'requests: [{ path: / }]', 'load: { executor: shared-iterations, vus: 2, iterations: 6 }', ''].join('\n'),
  );
  assertBooksBalance(result);
  assert.deepEqual(result.totals.byStatus, { '200': 6 });
  assert.equal(server.answered, 6);
  assert.ok(result.protocols && result.protocols['http/1.1'] >= 1 && result.protocols.h2 === undefined, JSON.stringify(result.protocols));
  assert.ok(result.warnings.some((w) => w.includes('negotiated HTTP/1.1')), result.warnings.join('\n'));
});

test('http.ca: a server certificate from a private CA is refused without it (tls) and trusted with it', { skip }, async () => {
  const server = await startHttps1Server(false);
  const base = [`target: ${server.url}`, 'requests: [{ path: / }]', 'load: { executor: shared-iterations, vus: 1, iterations: 3 }', ''];
  const without = await runYaml('no-ca', base.join('\n'));
  assert.deepEqual(without.totals.errors, { tls: 3 });
  assert.equal(server.answered, 0);
  const withCa = await runYaml('ca', [`http: { ca: ${chain.files.ca} }`, ...base].join('\n'));
  assert.deepEqual(withCa.totals.byStatus, { '200': 3 });
  assert.equal(server.answered, 3);
});

test('mTLS: accepted with the right client certificate, refused without one, and the refusal is a tls error', { skip }, async () => {
  const server = await startHttps1Server(true);
  const base = ['requests: [{ path: / }]', 'load: { executor: shared-iterations, vus: 2, iterations: 4 }', ''];
  const good = await runYaml('mtls', [`target: ${server.url}`, `http: { ca: ${chain.files.ca}, cert: ${chain.files.client}, key: ${chain.files.clientKey} }`, ...base].join('\n'));
  assertBooksBalance(good);
  assert.deepEqual(good.totals.byStatus, { '200': 4 });
  assert.equal(server.answered, 4);

  const none = await runYaml('no-cert', [`target: ${server.url}`, `http: { ca: ${chain.files.ca}, timeout: 5s }`, ...base].join('\n'));
  assertBooksBalance(none);
  assert.deepEqual(none.totals.byStatus, {});
  assert.deepEqual(none.totals.errors, { tls: 4 }, JSON.stringify(none.errorMessages));
  assert.equal(server.answered, 4, 'no request without a certificate reached the handler');
});

test('TLS files are checked at load time: missing file, cert without key, a key of another certificate — each at its position', { skip }, async () => {
  const file = join(dir, 'bad-tls.yaml');
  writeFileSync(
    file,
    ['target: https://127.0.0.1:1', 'http:', '  ca: nowhere/ca.pem', `  cert: ${chain.files.client}`, `  key: ${chain.files.otherKey}`, 'requests: [{ path: / }]', 'load: { executor: shared-iterations }', ''].join('\n'),
  );
  const r = await runInProcess(['validate', file], dir);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /bad-tls\.yaml:3:\d+: .*cannot read CA certificate 'nowhere\/ca\.pem' \(no such file\)/);
  assert.match(r.stderr, /bad-tls\.yaml:5:\d+: .*the key does not belong to the client certificate/);

  writeFileSync(file, ['target: https://127.0.0.1:1', 'http:', `  cert: ${chain.files.client}`, 'requests: [{ path: / }]', 'load: { executor: shared-iterations }', ''].join('\n'));
  const half = await runInProcess(['validate', file], dir);
  assert.equal(half.code, 2);
  assert.match(half.stderr, /bad-tls\.yaml:3:3: .*'cert' needs 'key'/);

  writeFileSync(file, ['target: https://127.0.0.1:1', 'http:', `  ca: ${file}`, '  version: 3', 'requests: [{ path: / }]', 'load: { executor: shared-iterations }', ''].join('\n'));
  const notPem = await runInProcess(['validate', file], dir);
  assert.equal(notPem.code, 2);
  assert.match(notPem.stderr, /bad-tls\.yaml:3:\d+: .*is not a usable CA certificate/);
  assert.match(notPem.stderr, /bad-tls\.yaml:4:\d+: .*unsupported HTTP version/);
});

test('run refuses an output path that is a TLS file of the scenario (inputs are never overwritten)', { skip }, async () => {
  const file = join(dir, 'out-over-ca.yaml');
  writeFileSync(file, ['target: https://127.0.0.1:1', `http: { ca: ${chain.files.ca} }`, 'requests: [{ path: / }]', 'load: { executor: shared-iterations }', ''].join('\n'));
  const before = readFileSync(chain.files.ca);
  const r = await runInProcess(['run', file, '--out', chain.files.ca, '--quiet'], dir);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /is an input of this command \(a file the scenario reads: a template, data file, TLS file or imported module\); it would be overwritten/);
  assert.deepEqual(readFileSync(chain.files.ca), before);
});

test('HTTP/2 faults: a reset stream counts as reset, a GOAWAY as closed; books balance', { skip }, async () => {
  const { constants } = await import('node:http2');
  const server = createSecureServer({ key: chain.server.key, cert: chain.server.cert, allowHTTP1: false });
  server.on('stream', (stream, headers) => {
    stream.on('error', () => undefined);
    if (headers[':path'] === '/rst') stream.close(constants.NGHTTP2_REFUSED_STREAM);
    else stream.session?.goaway(constants.NGHTTP2_INTERNAL_ERROR);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(() => new Promise<void>((r) => server.close(() => r())));
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const scenario = (path: string) => [`target: ${url}`, `http: { version: 2, ca: ${chain.files.ca}, timeout: 3s }`, `requests: [{ path: ${path} }]`, 'load: { executor: shared-iterations, vus: 1, iterations: 3 }', ''].join('\n');
  const rst = await runYaml('h2-rst', scenario('/rst'));
  assertBooksBalance(rst);
  assert.deepEqual(rst.totals.errors, { reset: 3 });
  const goaway = await runYaml('h2-goaway', scenario('/goaway'));
  assertBooksBalance(goaway);
  assert.deepEqual(goaway.totals.errors, { closed: 3 });
});

test('mTLS over HTTP/2: the refusal without a client certificate is a tls error there too', { skip }, async () => {
  const server = createSecureServer({ key: chain.server.key, cert: chain.server.cert, ca: chain.ca, requestCert: true, rejectUnauthorized: true, allowHTTP1: false });
  server.on('stream', (stream) => {
    stream.respond({ ':status': 200 });
    stream.end('{}');
  });
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(() => new Promise<void>((r) => server.close(() => r())));
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const base = ['requests: [{ path: / }]', 'load: { executor: shared-iterations, vus: 1, iterations: 2 }', ''];
  const none = await runYaml('h2-no-cert', [`target: ${url}`, `http: { version: 2, ca: ${chain.files.ca}, timeout: 3s }`, ...base].join('\n'));
  assertBooksBalance(none);
  assert.deepEqual(none.totals.errors, { tls: 2 }, JSON.stringify(none.errorMessages));
  const good = await runYaml('h2-cert', [`target: ${url}`, `http: { version: 2, ca: ${chain.files.ca}, cert: ${chain.files.client}, key: ${chain.files.clientKey} }`, ...base].join('\n'));
  assert.deepEqual(good.totals.byStatus, { '200': 2 });
  assert.deepEqual(good.protocols, { h2: 1 });
});
