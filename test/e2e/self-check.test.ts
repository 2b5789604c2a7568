// The saturation warning fires only when runner was saturated (item 16). A 3-iteration run is mostly
// start-up (module loading, JIT, the first connection): its CPU reads ~100% of a core, and the old self-check
// called every such run saturated. A code scenario that busy-loops the event loop for 3 s still warns.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startSelfCheck } from '../../src/metrics/self-check.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { readResult, runCli, tempDir } from './cli.ts';

let tmp: Awaited<ReturnType<typeof tempDir>>;
let server: TestServer;
before(async () => {
  tmp = await tempDir('runner-self-check-');
  server = await startTestServer();
});
after(async () => {
  await server.close();
  await tmp.cleanup();
});

function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // burn CPU on the event loop
  }
}

test('in-process: a short, fully busy stretch (start-up) is not judged', () => {
  const check = startSelfCheck();
  busy(300);
  const result = check.stop(0);
  assert.equal(result.saturated, false, JSON.stringify(result));
  assert.deepEqual(result.reasons, []);
});

test('a 3-iteration run of the built CLI: no saturation warning (3 runs)', { timeout: 60_000 }, async () => {
  const file = join(tmp.dir, 'tiny.yaml');
  await writeFile(file, `target: ${server.url}\nrequests:\n  - name: hit\n    path: /\nload: { executor: shared-iterations, vus: 1, iterations: 3 }\n`);
  for (let i = 0; i < 3; i++) {
    const out = join(tmp.dir, `tiny-${i}.json`);
    const r = await runCli(['run', file, '--out', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout + r.stderr, /saturated/);
    const result = await readResult(out);
    assert.equal(result.selfCheck?.saturated, false, JSON.stringify(result.selfCheck));
    assert.equal(result.requests.hit.totals.requests, 3);
  }
});

test('a code scenario that busy-loops the event loop for 3 s still warns (busy loop and event-loop delay)', { timeout: 60_000 }, async () => {
  const file = join(tmp.dir, 'busy.mjs');
  await writeFile(
    file,
    `export default { target: '${server.url}', load: { executor: 'constant-vus', vus: 1, duration: '3s' },\n` +
      // Busy 100 ms, then one turn of the loop: the event loop is busy all the time, however little CPU the
      // process gets on a loaded machine.
      `  async iteration() { const end = Date.now() + 100; while (Date.now() < end) {} await new Promise((r) => setImmediate(r)); } };\n`,
  );
  const out = join(tmp.dir, 'busy.json');
  const r = await runCli(['run', file, '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /warning: runner was saturated \(.*(CPU|event loop busy|event-loop delay)/);
  const result = await readResult(out);
  assert.equal(result.selfCheck?.saturated, true);
  assert.ok(result.selfCheck?.reasons.some((x) => /event loop busy|event-loop delay/.test(x)), result.selfCheck?.reasons.join());
});
