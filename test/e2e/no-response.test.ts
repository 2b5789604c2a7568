// A run in which no request got a response is not a pass: a message on stderr and exit code 3
// (ExitCode.noResponses). Precedence: interrupted 130 > no responses 3 > thresholds failed 99.
// In process through main(io): the exit code is what main returns, what the process would exit with.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { main } from '../../src/cli/main.ts';
import type { Io } from '../../src/cli/io.ts';
import { ExitCode } from '../../src/exit-codes.ts';
import { noResponses } from '../../src/report/no-responses.ts';
import { freePort, startTestServer, type TestServer } from '../helpers/server.ts';

let dir = '';
const servers: TestServer[] = [];
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'runner-no-response-'));
});
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await rm(dir, { recursive: true, force: true });
});

async function runInProcess(yaml: string, extra: string[] = []): Promise<{ code: number; stdout: string; stderr: string }> {
  const file = join(dir, `s${Math.random().toString(36).slice(2)}.yaml`);
  await writeFile(file, yaml);
  let stdout = '';
  let stderr = '';
  const io: Io = {
    argv: ['run', file, '--seed', '1', ...extra],
    env: {},
    cwd: dir,
    stdout: { write: (t) => void (stdout += t), isTTY: false },
    stderr: { write: (t) => void (stderr += t), isTTY: false },
    onSignal: () => () => {},
  };
  const code = await main(io);
  return { code, stdout, stderr };
}

function scenario(target: string, thresholds = ''): string {
  return [
    'name: no-response',
    `target: ${target}`,
    'http: { timeout: 500ms }',
    'requests:',
    '  - { name: hit, path: / }',
    'load: { executor: shared-iterations, vus: 2, iterations: 4 }',
    thresholds,
    '',
  ].join('\n');
}

test('a dead target: exit 3 and a message on stderr naming what happened', async () => {
  const r = await runInProcess(scenario(`http://127.0.0.1:${await freePort()}`), ['--quiet']);
  assert.equal(r.code, ExitCode.noResponses);
  assert.equal(r.code, 3);
  assert.match(r.stderr, /^error: no request got a response \(4 sent: 4 refused\); nothing was measured about the target, this run is not a pass$/m);
});

test('no responses wins over failed thresholds (3, not 99): the thresholds judged nothing', async () => {
  const r = await runInProcess(scenario(`http://127.0.0.1:${await freePort()}`, "thresholds:\n  http_req_failed: rate<0.01"), ['--quiet']);
  assert.equal(r.code, ExitCode.noResponses);
});

test('every request timed out: also exit 3', async () => {
  const s = await startTestServer({ behaviour: { kind: 'hang' } });
  servers.push(s);
  const r = await runInProcess(scenario(s.url), ['--quiet']);
  assert.equal(s.count, 4);
  assert.equal(r.code, ExitCode.noResponses);
  assert.match(r.stderr, /4 sent: 4 timeout/);
});

test('one response, even a 500, is a measured run: thresholds decide (99), else 0', async () => {
  const s = await startTestServer({ behaviour: { kind: 'respond', status: 500 } });
  servers.push(s);
  const failing = await runInProcess(scenario(s.url, "thresholds:\n  http_req_failed: rate<0.01"), ['--quiet']);
  assert.equal(failing.code, ExitCode.thresholdsFailed);
  assert.doesNotMatch(failing.stderr, /no request got a response/);
  const plain = await runInProcess(scenario(s.url), ['--quiet']);
  assert.equal(plain.code, ExitCode.ok);
});

test('an abortOnFail threshold that stops a dead-target run keeps exit 99', async () => {
  const thresholds = 'thresholds:\n  http_req_failed: [{ threshold: rate<0.5, abortOnFail: true }]';
  const yaml = scenario(`http://127.0.0.1:${await freePort()}`, thresholds).replace('iterations: 4 }', 'iterations: 400000 }');
  const r = await runInProcess(yaml, ['--quiet']);
  assert.equal(r.code, ExitCode.thresholdsFailed, r.stderr);
  assert.doesNotMatch(r.stderr, /no request got a response/);
});

test('noResponses(): undefined when nothing was sent, something answered, or the run did not complete', () => {
  const totals = (requests: number, byStatus: Record<string, number>, errors: Record<string, number>, outcome: 'completed' | 'interrupted' | 'aborted' = 'completed') => ({
    outcome,
    totals: { requests, byStatus, errors, unexpectedStatus: 0, bytesSent: 0, bytesReceived: 0, rps: 0 },
  });
  assert.equal(noResponses(totals(10, {}, { aborted: 10 }, 'aborted')), undefined);
  assert.equal(noResponses(totals(10, {}, { refused: 10 }, 'interrupted')), undefined);
  assert.equal(noResponses(totals(0, {}, {})), undefined);
  assert.equal(noResponses(totals(3, { '503': 1 }, { refused: 2 })), undefined);
  assert.match(noResponses(totals(1500, {}, { refused: 1000, timeout: 500 })) ?? '', /1,500 sent: 1,000 refused, 500 timeout/);
});
