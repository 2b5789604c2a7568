// wss:// uses the scenario's TLS settings like https: an untrusted certificate is a `tls` connection failure,
// and `http.ca` naming the server's certificate makes the same connection open.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { WebSocketServer } from 'ws';
import type { RunResult } from '../../src/result/types.ts';
import { runInProcess } from '../e2e/in-process.ts';
import { makeSelfSignedCert, tlsSkipReason } from '../helpers/tls.ts';

const dir = mkdtempSync(join(tmpdir(), 'runner-wss-'));
const closers: (() => void)[] = [];
after(() => {
  for (const c of closers) c();
  rmSync(dir, { recursive: true, force: true });
});

test('wss: an untrusted certificate is classified tls; with http.ca it opens', { skip: tlsSkipReason() }, async () => {
  const { key, cert } = makeSelfSignedCert();
  const server = createServer({ key, cert });
  const wss = new WebSocketServer({ server });
  wss.on('connection', (ws) => ws.send('{"hello":true}'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(() => {
    for (const c of wss.clients) c.terminate();
    server.close();
  });
  const url = `wss://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  writeFileSync(join(dir, 'ca.pem'), cert);
  const run = async (name: string, http: string): Promise<RunResult> => {
    const file = join(dir, `${name}.yaml`);
    writeFileSync(file, `${http}requests:\n  - ws: { name: s, url: "${url}", steps: [{ wait: { json: $.hello, timeout: 5s } }] }\nload: { executor: per-vu-iterations, vus: 1, iterations: 1 }\n`);
    await runInProcess(['run', file, '--out', join(dir, `${name}.json`), '--quiet'], dir);
    return JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as RunResult;
  };
  const untrusted = await run('untrusted', '');
  assert.deepEqual(untrusted.ws!.connections.failures, { tls: 1 });
  const trusted = await run('trusted', 'http: { ca: ca.pem }\n');
  assert.equal(trusted.ws!.connections.opened, 1);
  assert.deepEqual(trusted.checks['s: wait $.hello'], { passes: 1, fails: 0 });
});
