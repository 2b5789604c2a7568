// Every user error the CLI can meet before the first request: exit 2, one message with file:line:col where
// there is a file, a hint, no stack trace — and no traffic. Plus `runner validate` on a good and a bad file.
// They run in-process; one case spawns the built binary to prove that path prints the same.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { runInProcess, type InProcessResult } from './in-process.ts';
import { repoRoot, runCli, signupScenario, tempDir } from './cli.ts';

/** The CLI in-process (no Node start-up per case), from the repo root unless told. */
function cli(args: string[], cwd = repoRoot): Promise<InProcessResult> {
  return runInProcess(args, cwd, process.env);
}

/** A stack frame line as Node prints them. */
const STACK_FRAME = /^\s+at .+[(:]\d+/m;

function assertUserError(r: InProcessResult, expected: RegExp[]): void {
  assert.equal(r.code, 2, `exit code ${r.code}; stderr:\n${r.stderr}`);
  assert.doesNotMatch(r.stderr, STACK_FRAME, `stack trace in:\n${r.stderr}`);
  assert.doesNotMatch(r.stderr, /\b(TypeError|RangeError|ReferenceError|SyntaxError|UserError)\b/, r.stderr);
  for (const re of expected) assert.match(r.stderr, re);
  // Nothing that looks like a run.
  assert.doesNotMatch(r.stdout, /status: \d+ count/);
}

describe('user errors exit 2 with a location and no stack trace', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let server: TestServer;
  // Scenarios that would hit the server if they were not rejected up front.
  let target = '';

  before(async () => {
    tmp = await tempDir('runner-e2e-errors-');
    server = await startTestServer();
    target = server.url;
  });
  after(async () => {
    await server.close();
    await tmp.cleanup();
  });

  async function write(name: string, text: string): Promise<string> {
    const file = join(tmp.dir, name);
    await writeFile(file, text);
    return file;
  }
  const load = 'load: { executor: shared-iterations, vus: 1, iterations: 1 }\n';

  test('runner run missing.yaml', async () => {
    const r = await cli(['run', 'missing.yaml'], tmp.dir);
    assertUserError(r, [/error: scenario file 'missing\.yaml' not found/, /hint: looked for .*missing\.yaml/]);
  });

  test('a YAML syntax error: file:line:col, a code frame and a hint', async () => {
    const file = await write('syntax.yaml', `version: 1\nname: x\ntarget: ${target}\nrequests:\n  - name: a\n    path: /\n   method: GET\n${load}`);
    const r = await cli(['run', file]);
    assertUserError(r, [new RegExp(`^${escape(file)}:7:1: error: YAML: `, 'm'), /^\s+7 \|\s+method: GET$/m, /hint: /]);
  });

  test('an unknown key, with a did-you-mean hint', async () => {
    const file = await write('unknown-key.yaml', `version: 1\nname: x\ntarget: ${target}\nrequests:\n  - name: a\n    path: /\n    methd: GET\n${load}`);
    const r = await cli(['run', file]);
    assertUserError(r, [new RegExp(`^${escape(file)}:7:5: error: unknown key 'methd'`, 'm'), /hint: did you mean 'method'\?/]);
  });

  test('an unknown generator, with a did-you-mean hint and the list', async () => {
    const file = await write(
      'unknown-gen.yaml',
      `version: 1\nname: x\ntarget: ${target}\nfields:\n  id: { gen: strng, length: 8 }\nrequests:\n  - name: a\n    path: /{{id}}\n${load}`,
    );
    const r = await cli(['run', file]);
    assertUserError(r, [new RegExp(`^${escape(file)}:5:14: error: field 'id': unknown generator 'strng'`, 'm'), /hint: did you mean 'string'\?.*generators: string, koreanName/]);
  });

  test('--vus banana', async () => {
    const r = await cli(['run', signupScenario, '--target', target, '--vus', 'banana']);
    assertUserError(r, [/--vus takes a whole number ≥ 1, got 'banana'/, /--help/]);
  });

  test('runner validate: a good file exits 0 and says what it would run; a bad one exits 2 with the location', async () => {
    const good = await cli(['validate', signupScenario]);
    assert.equal(good.code, 0, good.stderr);
    assert.match(good.stdout, /^ok: .*signup\.yaml: scenario 'signup'$/m);
    assert.match(good.stdout, /shared-iterations, up to 100 VUs/);
    assert.match(good.stdout, /fields: userId, userName, email, userPw/);
    const file = await write('bad.yaml', `version: 1\nname: x\ntarget: ${target}\nrequets:\n  - name: a\n    path: /\n${load}`);
    const bad = await cli(['validate', file]);
    assertUserError(bad, [new RegExp(`^${escape(file)}:4:1: error: unknown key 'requets'`, 'm'), /hint: did you mean 'requests'\?/]);
  });

  test('a flag value rejected after parsing (--out kind) still prints its message', async () => {
    const r = await cli(['run', signupScenario, '--target', target, '--out', 'foo=bar.json']);
    assertUserError(r, [/^error: --out takes a path \(the result file\) or <kind>=<target> with a kind of json, ndjson, hdr-log, summary-export, prometheus; got 'foo=bar\.json'$/m]);
  });

  test('runner validate also checks thresholds', async () => {
    const file = await write('bad-threshold.yaml', `version: 1\nname: x\ntarget: ${target}\nrequests:\n  - name: a\n    path: /\n${load}thresholds:\n  http_req_duration: ['p(99) <<< 5']\n`);
    const bad = await cli(['validate', file]);
    assertUserError(bad, [new RegExp(`^${escape(file)}:\\d+:\\d+: error: threshold 'p\\(99\\) <<< 5' is not an expression`, 'm'), /hint: /]);
  });

  test('the built binary prints the same diagnostic and exits 2', async () => {
    const file = await write('binary-bad.yaml', `version: 1\nname: x\ntarget: ${target}\nrequests:\n  - name: a\n    path: /\n    methd: GET\n${load}`);
    const spawned = await runCli(['validate', file]);
    const inProcess = await cli(['validate', file]);
    assert.equal(spawned.code, 2);
    assert.equal(spawned.stderr, inProcess.stderr);
    assertUserError(inProcess, [/did you mean 'method'/]);
  });

  test('none of these sent a request', () => {
    assert.equal(server.count, 0);
    assert.equal(server.connections, 0);
  });
});

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
