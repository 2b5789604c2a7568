// --start-at with --workers: the threads load and compile before the instant and all get "go" at it, so the
// first request reaches the server at the instant, not a thread start-up later (it came ~1.2 s late before).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { RunResult } from '../../src/result/types.ts';
import { runCli } from '../e2e/cli.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const servers: TestServer[] = [];
after(() => Promise.all(servers.map((s) => s.close())));
const dir = mkdtempSync(join(tmpdir(), 'runner-workers-start-'));

test('--workers 2 --start-at: the first request reaches the server at the instant, not after the threads compiled', { timeout: 60_000 }, async () => {
  let firstMs: number | undefined;
  const server = await startTestServer({
    handle: () => {
      firstMs ??= Date.now();
      return { kind: 'respond', status: 200, body: '{}' };
    },
  });
  servers.push(server);
  const file = join(dir, 's.yaml');
  writeFileSync(file, `name: s\ntarget: ${server.url}\nrequests:\n  - path: /\nload: { executor: shared-iterations, vus: 2, iterations: 20 }\n`);
  // Far enough ahead for a Node start-up and two threads compiling on a loaded 2-core machine.
  const at = new Date(Date.now() + 6_000);
  const out = join(dir, 'r.json');
  const r = await runCli(['run', file, '--workers', '2', '--start-at', at.toISOString(), '-q', '--out', out], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  const lagMs = firstMs! - at.getTime();
  assert.ok(lagMs >= 0, `the first request came ${-lagMs} ms before the instant`);
  // One thread here: ~40–60 ms; workers: ~80–100 ms; the old code ~1,200 ms (all under load average ~10).
  assert.ok(lagMs < 400, `the first request came ${lagMs} ms after the instant`);
  const result = JSON.parse(readFileSync(out, 'utf8')) as RunResult;
  assert.equal(result.scenario.startAt, at.toISOString());
  assert.ok(Math.abs(Date.parse(result.startedAt) - at.getTime()) < 400, `startedAt ${result.startedAt}`);
  assert.equal(result.totals.requests, 20);
});
