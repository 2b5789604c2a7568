// The result file: its shape, the atomic write and the checked read.
import { test, after } from 'node:test';
import { fail, respond } from '../helpers/samples.ts';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCollector } from '../../src/metrics/collector.ts';
import { decodeHistogram } from '../../src/metrics/histogram.ts';
import { readRunResult } from '../../src/report/read-result.ts';
import { buildRunResult, writeResultAtomic } from '../../src/report/result.ts';
import type { RunResultInput } from '../../src/report/result.ts';
import { isUserError } from '../../src/errors.ts';

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'runner-result-'));
  dirs.push(d);
  return d;
}

function sampleInput(): RunResultInput {
  const c = createCollector(['home', 'login']);
  for (let i = 0; i < 100; i++) respond(c, i % 2, i % 10 === 0 ? 500 : 200, 1000 + i * 10, 900 + i * 10, 200, 2000, i % 10 !== 0);
  fail(c, 1, 'refused', 0, 0);
  return {
    runner: '0.1.0',
    scenario: { name: 'smoke', file: 'scenarios/smoke.yaml', seed: 12345 },
    target: 'http://127.0.0.1:8080',
    startedAt: new Date('2026-01-02T03:04:05.678Z'),
    durationMs: 2000,
    outcome: 'completed',
    iterations: { started: 101, completed: 100, failed: 1, dropped: 0, aborted: 0 },
    metrics: c.toRequestResults(2000),
    checks: { 'status is 200': { passes: 90, fails: 10 } },
    warnings: ['TLS verification disabled (--insecure)'],
  };
}

test('buildRunResult has the required shape and hdr decodes to latency.count values', () => {
  // Through JSON, as a reader of the file would see it.
  const r = JSON.parse(JSON.stringify(buildRunResult(sampleInput())));
  assert.equal(r.version, 2);
  assert.equal(r.runner, '0.1.0');
  assert.deepEqual(r.scenario, { name: 'smoke', file: 'scenarios/smoke.yaml', seed: 12345 });
  assert.equal(r.target, 'http://127.0.0.1:8080');
  assert.equal(r.startedAt, '2026-01-02T03:04:05.678Z');
  assert.equal(r.durationMs, 2000);
  assert.equal(r.outcome, 'completed');
  assert.deepEqual(Object.keys(r.totals).sort(), ['byStatus', 'bytesReceived', 'bytesSent', 'dropped', 'errors', 'requests', 'rps', 'unexpectedStatus']);
  assert.deepEqual(r.totals.byStatus, { '200': 90, '500': 10 });
  assert.deepEqual(r.totals.errors, { refused: 1 });
  assert.equal(r.totals.requests, 101);
  assert.equal(r.totals.rps, 50.5);
  for (const key of ['unit', 'count', 'min', 'mean', 'p50', 'p90', 'p95', 'p99', 'p999', 'max', 'hdr']) {
    assert.ok(key in r.latency, `latency.${key}`);
  }
  assert.equal(r.latency.unit, 'ms');
  assert.equal(r.latency.count, 100);
  assert.equal(decodeHistogram(r.latency.hdr).totalCount, r.latency.count);
  assert.deepEqual(Object.keys(r.requests), ['home', 'login']);
  for (const name of ['home', 'login']) {
    assert.equal(typeof r.requests[name].totals.requests, 'number');
    assert.equal(decodeHistogram(r.requests[name].latency.hdr).totalCount, r.requests[name].latency.count);
  }
  assert.deepEqual(r.iterations, { started: 101, completed: 100, failed: 1, dropped: 0, aborted: 0 });
  assert.deepEqual(r.checks, { 'status is 200': { passes: 90, fails: 10 } });
  assert.deepEqual(r.warnings, ['TLS verification disabled (--insecure)']);
});

test('buildRunResult leaves target out when unknown and defaults checks and warnings', () => {
  const { target: _t, checks: _c, warnings: _w, ...rest } = sampleInput();
  const r = buildRunResult({ ...rest, startedAt: '2026-01-02T00:00:00.000Z' });
  assert.equal('target' in r, false);
  assert.deepEqual(r.checks, {});
  assert.deepEqual(r.warnings, []);
  assert.equal(r.startedAt, '2026-01-02T00:00:00.000Z');
});

test('writeResultAtomic writes 2-space JSON, replaces an existing file and leaves no temp file', async () => {
  const dir = await tempDir();
  const path = join(dir, 'result.json');
  await writeFile(path, 'old content that is longer than the new one'.repeat(100));
  await writeResultAtomic(path, { a: 1, b: [2] });
  assert.equal(await readFile(path, 'utf8'), '{\n  "a": 1,\n  "b": [\n    2\n  ]\n}\n');
  assert.deepEqual(await readdir(dir), ['result.json']);
});

test('writeResultAtomic removes its temp file when the rename fails', async () => {
  const dir = await tempDir();
  const path = join(dir, 'taken');
  await mkdir(path);
  await writeFile(join(path, 'keep'), 'x'); // a non-empty directory cannot be replaced by a file
  await assert.rejects(writeResultAtomic(path, { a: 1 }));
  assert.deepEqual(await readdir(dir), ['taken']);
});

test('readRunResult reads back what was written', async () => {
  const dir = await tempDir();
  const path = join(dir, 'r.json');
  const result = buildRunResult(sampleInput());
  await writeResultAtomic(path, result);
  // The reader gives name maps a null prototype; compare the data.
  assert.deepEqual(JSON.parse(JSON.stringify(await readRunResult(path))), JSON.parse(JSON.stringify(result)));
});

async function userErrorOf(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (err) {
    assert.ok(isUserError(err), `expected a UserError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected a rejection');
}

test('readRunResult rejects a non-JSON file with a UserError naming the file and position', async () => {
  const dir = await tempDir();
  const path = join(dir, 'bad.json');
  await writeFile(path, '{\n  "version": 1,\n}\n');
  const err = await userErrorOf(readRunResult(path));
  assert.match(err.message, /bad\.json is not valid JSON/);
  assert.deepEqual(err.diagnostics[0].location, { file: path, line: 3, column: 1 });
  assert.ok(err.diagnostics[0].hint);

  await writeFile(path, 'hello');
  assert.match((await userErrorOf(readRunResult(path))).message, /not valid JSON/);
});

test('readRunResult rejects a wrong version, missing fields and a missing file', async () => {
  const dir = await tempDir();
  const path = join(dir, 'r.json');
  const good = JSON.parse(JSON.stringify(buildRunResult(sampleInput())));

  await writeFile(path, JSON.stringify({ ...good, version: 3 }));
  const wrongVersion = await userErrorOf(readRunResult(path));
  assert.match(wrongVersion.message, /r\.json has version 3; this runner reads versions 1 and 2/);

  const { latency: _l, ...noLatency } = good;
  await writeFile(path, JSON.stringify({ ...noLatency, scenario: { name: 'x', file: 'y' } }));
  const missing = await userErrorOf(readRunResult(path));
  assert.match(missing.message, /scenario\.seed/);
  assert.match(missing.message, /latency: missing/);

  await writeFile(path, '[1]');
  await userErrorOf(readRunResult(path));

  const notThere = await userErrorOf(readRunResult(join(dir, 'nope.json')));
  assert.match(notThere.message, /nope\.json does not exist/);
});
