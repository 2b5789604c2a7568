// Diagnostics reach the terminal escaped and without URL passwords, whatever raised them (YAML parser,
// validation, commander), and `validate` guards a script's top level as `run` does.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runCli } from './cli.ts';
import { runInProcess } from './in-process.ts';

const dir = await mkdtemp(join(tmpdir(), 'runner-diag-escape-'));
after(() => rm(dir, { recursive: true, force: true }));

/** No raw control character (ESC, BEL, CR, C1) anywhere in the text; newlines between lines are runner's own. */
function assertNoControl(text: string): void {
  // eslint-disable-next-line no-control-regex
  assert.doesNotMatch(text, /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/, JSON.stringify(text));
}

test('a YAML error on the target line does not print the URL password in its code frame', async () => {
  await writeFile(join(dir, 'pw.yaml'), 'target: http://user:s3cretpw@127.0.0.1:1 : x\nrequests:\n  - GET /\n');
  for (const cmd of ['run', 'validate']) {
    const r = await runInProcess([cmd, 'pw.yaml'], dir);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /^pw\.yaml:1:9: error: YAML: /);
    assert.match(r.stderr, /1 \| target: http:\/\/user:\*\*\*@127\.0\.0\.1:1 : x/);
    assert.doesNotMatch(r.stderr, /s3cretpw/);
  }
});

test('control characters in a key, a code frame, a file name and a flag are escaped', async () => {
  await writeFile(join(dir, 'esc.yaml'), 'target: http://127.0.0.1:1\n"\x1b]0;pwned\x07k\r": 1\nrequests:\n  - GET /\n');
  const r = await runInProcess(['validate', 'esc.yaml'], dir);
  assert.equal(r.code, 2);
  assertNoControl(r.stderr);
  assert.match(r.stderr, /esc\.yaml:2:1: error: unknown key '\\e\]0;pwned\\x07k\\r'/);
  assert.match(r.stderr, /2 \| "\\e\]0;pwned\\x07k\\r": 1/);

  const name = 'bad\x1b[2Jname.yaml';
  await writeFile(join(dir, name), 'target: http://127.0.0.1:1\nrequests:\n  - name: hit\n    method: FETCH\n    path: /\nload: { executor: shared-iterations, vus: 1, iterations: 1 }\n');
  const f = await runInProcess(['validate', name], dir);
  assert.equal(f.code, 2);
  assertNoControl(f.stderr);
  assert.match(f.stderr, /^bad\\e\[2Jname\.yaml:4:13: error: unknown HTTP method/);

  const flag = await runInProcess(['run', '--\x1b[31mx', 'esc.yaml'], dir);
  assert.equal(flag.code, 2);
  assertNoControl(flag.stderr);
  assert.match(flag.stderr, /unknown option '--\\e\[31mx'/);
});

test('the caret stays under the offending character when the text before it is escaped', async () => {
  await writeFile(join(dir, 'caret.yaml'), 'target: http://127.0.0.1:1\nrequests:\n  - { name: "\x1b", method: FETCH, path: / }\nload: { executor: shared-iterations, vus: 1, iterations: 1 }\n');
  const r = await runInProcess(['validate', 'caret.yaml'], dir);
  assert.equal(r.code, 2);
  const lines = r.stderr.split('\n');
  const frame = lines.findIndex((l) => l.includes('|') && l.includes('FETCH'));
  assert.ok(frame >= 0, r.stderr);
  const caret = lines[frame + 1].indexOf('^');
  assert.equal(lines[frame].slice(caret, caret + 5), 'FETCH', r.stderr);
});

test('validate: a script whose top level calls process.exit(3) is a load error (exit 2), as in run', async () => {
  const file = join(dir, 'exits.ts');
  await writeFile(file, "process.exit(3);\nexport default { load: { executor: 'shared-iterations', vus: 1, iterations: 1 }, requests: [{ path: '/' }] };\n");
  for (const cmd of ['validate', 'run']) {
    const r = await runCli([cmd, file, '--target', 'http://127.0.0.1:1'].slice(0, cmd === 'run' ? 4 : 2), { timeoutMs: 30_000 });
    assert.equal(r.code, 2, `${cmd}: ${r.stderr}`);
    assert.match(r.stderr, /process\.exit\(3\)/, cmd);
  }
});

test('validate: a rejection left unhandled, a throw or process.exit in a top-level timer is a load error, not ok or a crash', async () => {
  const tail = "export default { target: 'http://127.0.0.1:1', load: { executor: 'shared-iterations', vus: 1, iterations: 1 }, requests: [{ path: '/' }] };\n";
  const cases: [string, string, RegExp][] = [
    ['rejects.ts', "Promise.reject(new Error('boom at top'));\n", /rejects\.ts:1:1: error: the scenario's top level left an error: boom at top/],
    ['timer-throws.ts', "setTimeout(() => { throw new Error('timer boom'); }, 0);\n", /timer-throws\.ts:1:1: error: the scenario's top level left an error: timer boom/],
    ['timer-exits.ts', 'setTimeout(() => process.exit(4), 0);\n', /timer-exits\.ts:1:1: error: .*process\.exit\(4\) was called by scenario code/],
  ];
  for (const [name, head, why] of cases) {
    await writeFile(join(dir, name), head + tail);
    const r = await runCli(['validate', join(dir, name)], { timeoutMs: 30_000, cwd: dir });
    assert.equal(r.code, 2, `${name}: ${r.stderr}`);
    assert.match(r.stderr, why);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack');
  }
});

test('validate prints scenario names escaped', async () => {
  await writeFile(join(dir, 'names.yaml'), 'name: "a\x1b[31mb"\ntarget: http://127.0.0.1:1\nrequests:\n  - path: /\nload: { executor: shared-iterations, vus: 1, iterations: 1 }\n');
  const r = await runInProcess(['validate', 'names.yaml'], dir);
  assert.equal(r.code, 0, r.stderr);
  assertNoControl(r.stdout);
  assert.match(r.stdout, /scenario 'a\\e\[31mb'/);
});
