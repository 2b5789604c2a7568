// A throw in setup() or teardown() keeps what was measured: the summary is printed, the result file (--out), the
// NDJSON lines and the HDR log are written in full, setup's own requests count in the totals, and the error
// (message and .ts position) is in iterationErrors and on stderr as a diagnostic; exit 2 (a mistake in the
// scenario). In process (main(io)), with a real server and real files; a setup() cut short by Ctrl-C spawns the
// built CLI (a real signal).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { HistogramLogReader } from 'hdr-histogram-js';
import type { RunResult } from '../../src/result/types.ts';
import { readRunResult } from '../../src/report/read-result.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { binPath } from './cli.ts';
import { runInProcess } from './in-process.ts';

const dir = await mkdtemp(join(tmpdir(), 'runner-setup-throw-'));
const servers: TestServer[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await rm(dir, { recursive: true, force: true });
});

async function scenarioFile(name: string, body: string): Promise<string> {
  const file = join(dir, `${name}.ts`);
  await writeFile(file, `import { defineScenario } from 'runner';\nexport default defineScenario(${body});\n`);
  return file;
}

/** Every output of a run, in the temp dir, named after `name`. */
function outputs(name: string) {
  const p = { out: join(dir, `${name}.json`), ndjson: join(dir, `${name}.ndjson`), hlog: join(dir, `${name}.hlog`), summary: join(dir, `${name}-summary.json`) };
  return { ...p, args: ['--out', p.out, '--out', `ndjson=${p.ndjson}`, '--hdr-log', p.hlog, '--summary-export', p.summary] };
}

/** The request names of the NDJSON lines, and the total count of the HDR log's untagged lines. */
async function readStreams(o: ReturnType<typeof outputs>): Promise<{ ndjsonNames: string[]; hlogCount: number; hlogTags: Set<string> }> {
  const lines = (await readFile(o.ndjson, 'utf8')).split('\n').filter((l) => l !== '');
  const ndjsonNames = lines.map((l) => (JSON.parse(l) as { name: string }).name);
  const reader = new HistogramLogReader(await readFile(o.hlog, 'utf8'));
  let hlogCount = 0;
  const hlogTags = new Set<string>();
  for (let h = reader.nextIntervalHistogram(); h !== null; h = reader.nextIntervalHistogram()) {
    if (h.tag === 'NO TAG') hlogCount += h.totalCount;
    else hlogTags.add(h.tag);
  }
  return { ndjsonNames, hlogCount, hlogTags };
}

test('a throw in setup() after its requests: summary, result file with setup counted, outcome aborted, exit 2 (was: no summary, no file)', { timeout: 60_000 }, async () => {
  const server = await startTestServer();
  servers.push(server);
  const file = await scenarioFile(
    'setup-throws',
    `{
  load: { executor: 'shared-iterations', vus: 1, iterations: 5 },
  setup: async ({ http }) => {
    await http.get('/login', { name: 'login' });
    await http.get('/config', { name: 'config' });
    throw new Error('config has no users');
  },
  iteration: async ({ http }) => { await http.get('/x', { name: 'x' }); },
}`,
  );
  const o = outputs('setup');
  const { code, stdout, stderr } = await runInProcess(['run', file, '--target', server.url, ...o.args], dir);
  assert.equal(code, 2, stderr);
  assert.deepEqual(server.received.map((r) => r.path), ['/login', '/config'], 'no iteration was started');
  // stderr: the usual diagnostic at the throw's .ts line (line 7 of the file: the import is line 1).
  assert.match(stderr, /setup-throws\.ts:7:11: error: setup\(\) threw: config has no users/);
  assert.doesNotMatch(stderr, /at .*\.ts:\d+:\d+\)\n/, 'no stack');
  // The summary, with its numbers and the error.
  assert.match(stdout, /outcome: aborted/);
  assert.match(stdout, /1 × setup\(\) threw: config has no users {2}at .*setup-throws\.ts:7:11/);
  // The result file: read by the validating reader, setup's requests in the totals.
  const r: RunResult = await readRunResult(o.out);
  assert.equal(r.outcome, 'aborted');
  assert.equal(r.totals.requests, 2);
  assert.deepEqual(Object.keys(r.requests).sort(), ['config', 'login']);
  assert.equal(r.iterations.started, 0);
  assert.equal(r.iterationErrors?.length, 1);
  assert.equal(r.iterationErrors?.[0].message, 'setup() threw: config has no users');
  assert.match(r.iterationErrors?.[0].location ?? '', /setup-throws\.ts:7:11$/);
  // NDJSON, HDR log and summary export: complete.
  const streams = await readStreams(o);
  assert.deepEqual(streams.ndjsonNames, ['login', 'config']);
  assert.equal(streams.hlogCount, 2);
  assert.deepEqual([...streams.hlogTags].sort(), ['config', 'login']);
  const summary = JSON.parse(await readFile(o.summary, 'utf8')) as { metrics: { http_reqs: { count: number } } };
  assert.equal(summary.metrics.http_reqs.count, 2);
});

test('a throw in teardown(): the run keeps its outcome and numbers, the error is in the result and on stderr, exit 2 (was: a warning, exit 0)', { timeout: 60_000 }, async () => {
  const server = await startTestServer();
  servers.push(server);
  const file = await scenarioFile(
    'teardown-throws',
    `{
  load: { executor: 'shared-iterations', vus: 1, iterations: 3 },
  iteration: async ({ http }) => { await http.get('/x', { name: 'x' }); },
  teardown: async ({ http }) => {
    await http.get('/cleanup', { name: 'cleanup' });
    throw new Error('cleanup refused');
  },
}`,
  );
  const o = outputs('teardown');
  const { code, stdout, stderr } = await runInProcess(['run', file, '--target', server.url, ...o.args], dir);
  assert.equal(code, 2, stderr);
  assert.equal(server.count, 4);
  assert.match(stderr, /teardown-throws\.ts:7:11: error: teardown\(\) threw: cleanup refused/);
  assert.match(stdout, /outcome: completed/);
  assert.match(stdout, /1 × teardown\(\) threw: cleanup refused {2}at .*teardown-throws\.ts:7:11/);
  const r: RunResult = await readRunResult(o.out);
  assert.equal(r.outcome, 'completed', 'every iteration ran: the numbers are whole');
  assert.deepEqual(r.iterations, { started: 3, completed: 3, failed: 0, dropped: 0, aborted: 0 });
  assert.equal(r.totals.requests, 4);
  assert.deepEqual(r.iterationErrors?.map((e) => e.message), ['teardown() threw: cleanup refused']);
  assert.deepEqual(r.warnings.filter((w) => /teardown/.test(w)), [], 'no longer only a warning');
  const streams = await readStreams(o);
  assert.deepEqual(streams.ndjsonNames, ['x', 'x', 'x', 'cleanup']);
  assert.equal(streams.hlogCount, 4);
});

test('a setup() cut short by Ctrl-C: summary, result file, NDJSON and HDR log hold its request, exit 130', { timeout: 90_000 }, async () => {
  const server = await startTestServer();
  servers.push(server);
  const file = await scenarioFile(
    'setup-hangs',
    `{
  load: { executor: 'shared-iterations', vus: 1, iterations: 5 },
  setup: async ({ http }) => { await http.get('/login', { name: 'login' }); await new Promise(() => {}); },
  iteration: async ({ http }) => { await http.get('/x', { name: 'x' }); },
}`,
  );
  const o = outputs('setup-hangs');
  const child = spawn(process.execPath, [binPath, 'run', file, '--target', server.url, ...o.args], { env: { ...process.env, NO_COLOR: '1' } });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (t: string) => (stdout += t));
  child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
  const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const deadline = Date.now() + 30_000;
  while (server.count < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  // A moment for setup() to reach its hang after the request.
  await new Promise((r) => setTimeout(r, 300));
  child.kill('SIGINT');
  const code = await exited;
  clearTimeout(killer);
  assert.equal(code, 130, stderr);
  assert.match(stdout, /outcome: interrupted/);
  const r: RunResult = await readRunResult(o.out);
  assert.equal(r.totals.requests, 1);
  assert.equal(r.iterations.started, 0);
  const streams = await readStreams(o);
  assert.deepEqual(streams.ndjsonNames, ['login']);
  assert.equal(streams.hlogCount, 1);
  assert.deepEqual([...streams.hlogTags], ['login']);
});
