// Scenario code cannot take a worker thread down: a throw in a timer fails its iteration (before: the thread
// died and its numbers were lost, outcome aborted), and process.exit() in a thread stops the whole run with a
// warning and exit 130, as on one thread (before: that thread ended, the others ran on).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { RunResult } from '../../src/result/types.ts';
import { runInProcess } from '../e2e/in-process.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const servers: TestServer[] = [];
after(() => Promise.all(servers.map((s) => s.close())));
const dir = mkdtempSync(join(tmpdir(), 'runner-workers-faults-'));

async function run(name: string, body: string, args: string[] = []) {
  const s = await startTestServer({ record: false });
  servers.push(s);
  const file = join(dir, `${name}.ts`);
  writeFileSync(file, `import { defineScenario } from 'runner';\nexport default defineScenario({ target: '${s.url}', ${body} });\n`);
  const out = join(dir, `${name}.json`);
  const r = await runInProcess(['run', file, '--workers', '2', '--out', out, ...args], dir);
  return { r, s, result: JSON.parse(readFileSync(out, 'utf8')) as RunResult };
}

test('--workers 2: a throw in a timer of scenario code fails its iteration; the thread and its numbers survive', async () => {
  const { r, s, result } = await run(
    'stray',
    `load: { executor: 'shared-iterations', vus: 2, iterations: 20 },
  iteration: async ({ http, iteration }) => { if (iteration === 3) setTimeout(() => { throw new Error('stray'); }, 0); await http.get('/it'); await new Promise((ok) => setTimeout(ok, 5)); },`,
    ['-q'],
  );
  assert.equal(r.code, 0, r.stderr);
  assert.equal(result.outcome, 'completed');
  assert.equal(result.totals.requests, 20);
  assert.equal(s.count, 20);
  assert.deepEqual(result.iterationErrors?.map((e) => [e.message, e.count]), [['stray', 1]]);
  assert.deepEqual(result.iterations, { started: 20, completed: 19, failed: 1, dropped: 0, aborted: 0 });
});

test('--workers 2: process.exit() in one thread stops every thread with a warning and exit 130', async () => {
  const { r, s, result } = await run(
    'exits',
    `load: { executor: 'constant-vus', vus: 2, duration: '20s' },
  iteration: async ({ http, iteration }) => { await http.get('/x', { name: 'x' }); if (iteration === 5) process.exit(0); },`,
  );
  assert.equal(r.code, 130, r.stderr);
  assert.match(r.stdout, /outcome: aborted/);
  assert.match(r.stdout, /warning: scenario code called process\.exit\(0\)/);
  assert.equal(result.outcome, 'aborted');
  assert.ok(result.durationMs < 15_000, `every thread stopped early: ${result.durationMs} ms`);
  assert.equal(result.iterationErrors?.[0].count, 1);
  assert.match(result.iterationErrors?.[0].message ?? '', /process\.exit\(0\) was called by scenario code/);
  assert.equal(result.totals.requests, s.count);
});

test('--workers 2: a scenario that throws while loading in one thread ends that thread; the run goes on without it (it hung)', { timeout: 60_000 }, async () => {
  const { r, s, result } = await run(
    'load-throws',
    `load: (() => {
    const { isMainThread, threadId } = (process as any).getBuiltinModule('node:worker_threads');
    if (!isMainThread && threadId % 2 === 0) throw new Error('not in this thread');
    return { executor: 'shared-iterations', vus: 2, iterations: 10 };
  })() as any,
  iteration: async ({ http }) => { await http.get('/it'); },`,
    ['-q'],
  );
  assert.equal(result.outcome, 'aborted', r.stderr);
  assert.ok(result.warnings.some((w) => /^worker [12] of 2 failed: .*not in this thread/.test(w)), result.warnings.join('; '));
  assert.equal(result.totals.requests, s.count);
  assert.equal(r.code, 130);
});
