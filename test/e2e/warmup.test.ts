// --warmup: the load runs first on the same connections and nothing of it is recorded; the result says how long.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { startTestServer } from '../helpers/server.ts';
import { readResult, tempDir } from './cli.ts';
import { runInProcess } from './in-process.ts';

const scenario = (url: string) => `version: 1
name: warm
target: ${url}
http:
  connections: 2
requests:
  - name: hit
    path: /hit
load:
  executor: constant-vus
  vus: 2
  duration: 600ms
`;

test('--warmup 400ms: the warm-up load reaches the server, none of it is counted, the measured run reuses its sockets', async () => {
  const server = await startTestServer({ record: false, behaviour: { kind: 'respond', status: 200, delayMs: 5 } });
  const tmp = await tempDir('runner-warmup-');
  try {
    const file = join(tmp.dir, 'warm.yaml');
    await writeFile(file, scenario(server.url));
    const out = join(tmp.dir, 'r.json');
    const r = await runInProcess(['run', file, '--warmup', '400ms', '--out', out, '--seed', '1'], tmp.dir);
    assert.equal(r.code, 0, r.stderr);
    const result = await readResult(out);
    assert.ok(result.warmupMs !== undefined && result.warmupMs >= 400 && result.warmupMs < 3_000, `warmupMs ${result.warmupMs}`);
    // The server got the warm-up's requests too; the result holds only the measured ones, and its books balance.
    assert.ok(result.totals.requests > 0);
    assert.ok(server.count > result.totals.requests, `server ${server.count}, recorded ${result.totals.requests}`);
    assert.equal(result.totals.byStatus['200'], result.totals.requests);
    assert.equal(result.iterations.completed, result.totals.requests);
    // Two connections for both phases: the measured run did not open its own.
    assert.equal(server.connections, 2);
    assert.match(r.stdout, /\(after a [\d.]+ ?m?s warm-up, not recorded\)/);
  } finally {
    await tmp.cleanup();
    await server.close();
  }
});

test('--warmup is refused for a scenario with setup(): it would run twice', async () => {
  const tmp = await tempDir('runner-warmup-');
  try {
    const file = join(tmp.dir, 's.ts');
    const body = `{ target: 'http://127.0.0.1:9', load: { executor: 'shared-iterations', vus: 1, iterations: 1 }, setup: async () => 1, iteration: async () => {} }`;
    await writeFile(file, `import { defineScenario } from 'runner';\nexport default defineScenario(${body});\n`);
    const r = await runInProcess(['run', file, '--warmup', '1s'], tmp.dir);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--warmup cannot be used with scenario .* setup\(\) or teardown\(\)/);
  } finally {
    await tmp.cleanup();
  }
});

test('--warmup is refused for a scenario reading a queue data file: the warm-up would send its rows again', async () => {
  const server = await startTestServer({ record: true });
  const tmp = await tempDir('runner-warmup-');
  try {
    const file = join(tmp.dir, 'q.yaml');
    await writeFile(join(tmp.dir, 'rows.csv'), 'id\nr1\nr2\nr3\n');
    await writeFile(
      file,
      `version: 1\nname: q\ntarget: ${server.url}\ndata:\n  rows: { file: rows.csv, order: queue }\nrequests:\n  - path: /r/{{rows.id}}\nload: { executor: shared-iterations, vus: 1, iterations: 3 }\n`,
    );
    const r = await runInProcess(['run', file, '--warmup', '200ms'], tmp.dir);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--warmup cannot be used with scenario 'default': its data 'rows' \(order: queue\)/);
    assert.equal(server.count, 0);
  } finally {
    await tmp.cleanup();
    await server.close();
  }
});
