// Done-when of the flows issue, with the built CLI: both login-flow scenarios (YAML and TypeScript) sign up,
// log in and call GET /me with the captured token; the example API counts every step, and no call is a 401.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from './cli.ts';
import { createExampleApi } from '../../src/example/api.ts';
import type { RunResult } from '../../src/result/types.ts';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const dir = await mkdtemp(join(tmpdir(), 'runner-flow-'));
after(() => rm(dir, { recursive: true, force: true }));

function cli(args: string[]) {
  return runCli(args, { cwd: repo });
}

for (const file of ['scenarios/login-flow.yaml', 'scenarios/login-flow.ts']) {
  test(`${file}: 300 iterations → 300 signups, 300 logins, 300 × 200 on /me, no 401`, async () => {
    const api = createExampleApi();
    const url = await api.listen();
    try {
      const out = join(dir, `${file.replace(/\W/g, '_')}.json`);
      const { code, stdout, stderr } = await cli(['run', file, '--target', url, '--iterations', '300', '--vus', '20', '--out', out]);
      assert.equal(code, 0, stderr);
      const stats = api.stats();
      assert.equal(stats.signups, 300);
      assert.equal(stats.logins, 300);
      assert.equal(stats.meOk, 300);
      assert.equal(stats.meUnauthorized, 0);
      assert.equal(stats.loginFailures, 0);
      assert.equal(stats.duplicates + stats.badRequests, 0);
      assert.equal(stats.requests, 900);
      const result = JSON.parse(await readFile(out, 'utf8')) as RunResult;
      assert.equal(result.iterations.completed, 300);
      assert.equal(result.iterations.failed, 0);
      assert.deepEqual(result.totals.byStatus, { '200': 900 });
      assert.deepEqual(Object.keys(result.requests), ['signup', 'login', 'me']);
      for (const name of ['signup', 'login', 'me']) assert.equal(result.requests[name].totals.byStatus['200'], 300, name);
      assert.ok(Object.values(result.checks).every((c) => c.fails === 0 && c.passes === 300), JSON.stringify(result.checks));
      assert.deepEqual(result.iterationErrors, []);
      assert.match(stdout, /status: 200 count: 900/);
    } finally {
      await api.close();
    }
  });
}
