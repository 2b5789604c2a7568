// No Node warnings leak into normal runs (item 17): every executor with 60 VUs, more scenarios than Node's
// default of 10 listeners, and a code scenario, each run by the built CLI (Node prints warnings to the
// process's stderr); none prints "Warning". The old ramping-vus put one abort listener per ramped-down VU on
// one shared signal (MaxListenersExceededWarning past 10 VUs), and 11+ scenarios did the same on the stop signal.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { runCli, tempDir, type CliResult } from './cli.ts';

const think = '    think: 20ms\n';
const executors: Record<string, string> = {
  'ramping-vus': 'executor: ramping-vus, startVUs: 0, gracefulRampDown: 5s, stages: [{ duration: 500ms, target: 60 }, { duration: 500ms, target: 0 }]',
  'constant-vus': 'executor: constant-vus, vus: 60, duration: 1s',
  'shared-iterations': 'executor: shared-iterations, vus: 60, iterations: 300',
  'per-vu-iterations': 'executor: per-vu-iterations, vus: 60, iterations: 3',
  'constant-arrival-rate': 'executor: constant-arrival-rate, rate: 200, duration: 1s, preAllocatedVUs: 60, maxVUs: 60',
  'ramping-arrival-rate': 'executor: ramping-arrival-rate, startRate: 50, stages: [{ duration: 1s, target: 200 }], preAllocatedVUs: 60, maxVUs: 60',
};

describe('no Node warning on stderr', { timeout: 120_000 }, () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let server: TestServer;
  const results = new Map<string, CliResult>();
  const counts = new Map<string, number>();

  before(async () => {
    tmp = await tempDir('runner-warnings-');
    server = await startTestServer();
    const files: Record<string, string> = {};
    for (const [name, load] of Object.entries(executors)) {
      files[name] = `target: ${server.url}\nrequests:\n  - name: hit\n    path: /PATH\n${think}load: { ${load} }\n`;
    }
    let many = `target: ${server.url}\nscenarios:\n`;
    for (let i = 0; i < 12; i++) {
      const load = i % 2 === 0 ? 'executor: constant-vus, vus: 2, duration: 1s, startTime: 100ms' : 'executor: constant-arrival-rate, rate: 20, duration: 1s, preAllocatedVUs: 2';
      many += `  s${i}:\n    load: { ${load} }\n    requests: [{ name: r${i}, path: /PATH }]\n`;
    }
    files['12 scenarios'] = many;
    const cases = Object.entries(files).map(([name, text]) => ({ name, file: join(tmp.dir, `${name.replace(/ /g, '-')}.yaml`), text }));
    cases.push({
      name: 'code scenario, ramping-vus 60 VUs, ctx.sleep',
      file: join(tmp.dir, 'code.mjs'),
      text:
        `export default { target: '${server.url}',\n` +
        `  load: { executor: 'ramping-vus', startVUs: 0, gracefulRampDown: '5s', stages: [{ duration: '500ms', target: 60 }, { duration: '500ms', target: 0 }] },\n` +
        `  async iteration(ctx) { await ctx.http.get('/PATH'); await ctx.sleep(20); } };\n`,
    });
    // Each case sends to its own path, so what the server got is counted per case.
    await Promise.all(cases.map((c, i) => writeFile(c.file, c.text.replaceAll('/PATH', `/case${i}`))));
    const paths = new Map(cases.map((c, i) => [c.name, `/case${i}`]));
    // Two at a time: each is a real process for about 1-2 s.
    const queue = [...cases];
    const worker = async (): Promise<void> => {
      for (let c = queue.shift(); c; c = queue.shift()) {
        results.set(c.name, await runCli(['run', '-q', c.file], { timeoutMs: 60_000 }));
        counts.set(c.name, server.received.filter((q) => q.path === paths.get(c.name)).length);
      }
    };
    await Promise.all([worker(), worker()]);
  });
  after(async () => {
    await server.close();
    await tmp.cleanup();
  });

  for (const name of [...Object.keys(executors), '12 scenarios', 'code scenario, ramping-vus 60 VUs, ctx.sleep']) {
    test(name, () => {
      const r = results.get(name)!;
      assert.equal(r.code, 0, r.stderr);
      assert.doesNotMatch(r.stderr, /Warning/);
      assert.ok(counts.get(name)! > 0, 'requests reached the server');
    });
  }
});
