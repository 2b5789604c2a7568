// Secrets: values substituted from the environment reach the server but never the summary, the result
// file or an error message.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { UserError } from '../../src/errors.ts';
import { createRedactor, REDACTED } from '../../src/report/redact.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const exec = promisify(execFile);
const bin = fileURLToPath(new URL('../../dist/cli/bin.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'runner-secrets-'));
const servers: TestServer[] = [];
after(async () => {
  await Promise.all(servers.map((s) => s.close()));
  rmSync(dir, { recursive: true, force: true });
});

const SECRET = 'sk_live 5f3a/9b2c"7d';

test('redactor: raw, percent-encoded and JSON-escaped spellings; keys too; short values left alone', () => {
  const r = createRedactor([SECRET, 'abc', '']);
  assert.equal(r.active, true);
  assert.equal(r.text(`a ${SECRET} b ${encodeURIComponent(SECRET)} c ${JSON.stringify(SECRET)}`), `a ${REDACTED} b ${REDACTED} c "${REDACTED}"`);
  assert.equal(r.text('abc stays: too short to be a secret'), 'abc stays: too short to be a secret');
  // Names used as keys: test/report/redact.test.ts (redactRunResult redacts the result field by field).
  assert.equal(createRedactor([]).active, false);
});

test('redactor: UserError diagnostics and plain errors lose the secret, stack included', () => {
  const r = createRedactor([SECRET]);
  const ue = r.error(new UserError({ message: `bad ${SECRET}`, hint: `try ${SECRET}`, location: { file: 'f', line: 1, column: 1, lineText: `x: ${SECRET}` } })) as UserError;
  assert.ok(ue instanceof UserError);
  assert.equal(ue.diagnostics[0].message, `bad ${REDACTED}`);
  assert.equal(ue.diagnostics[0].hint, `try ${REDACTED}`);
  assert.equal(ue.diagnostics[0].location?.lineText, `x: ${REDACTED}`);
  const e = r.error(new Error(`boom ${SECRET}`)) as Error;
  assert.equal(e.message, `boom ${REDACTED}`);
  assert.ok(!e.stack?.includes(SECRET));
});

test('a run: the server gets the secret in header, path and body; summary, result file and stderr do not', async () => {
  const server = await startTestServer();
  servers.push(server);
  const file = join(dir, 'secret.yaml');
  writeFileSync(
    file,
    [
      // A secret pasted into the scenario's name stands for any place a value could surface in the output.
      `name: 'nightly ${SECRET.replace(/'/g, "''")}'`,
      `target: ${server.url}`,
      'headers:',
      '  Authorization: Bearer ${API_TOKEN}',
      'requests:',
      '  - name: items',
      '    method: POST',
      '    path: /items?key={{ env.API_TOKEN }}',
      "    json: { token: '{{env.API_TOKEN}}' }",
      'load: { executor: shared-iterations, vus: 1, iterations: 3 }',
      '',
    ].join('\n'),
  );
  const out = join(dir, 'result.json');
  const r = await exec(process.execPath, [bin, 'run', file, '--out', out, '--no-color'], { cwd: dir, env: { ...process.env, API_TOKEN: SECRET } });
  assert.equal(server.count, 3);
  for (const req of server.received) {
    assert.equal(req.headers.authorization, `Bearer ${SECRET}`);
    assert.equal(new URL(req.path, server.url).searchParams.get('key'), SECRET);
    assert.deepEqual(JSON.parse(req.body), { token: SECRET });
  }
  const resultText = readFileSync(out, 'utf8');
  for (const [where, text] of [['summary', r.stdout], ['stderr', r.stderr], ['result file', resultText]]) {
    assert.ok(!text.includes(SECRET), `${where} holds the secret`);
    assert.ok(!text.includes(encodeURIComponent(SECRET)), `${where} holds the encoded secret`);
  }
  assert.match(r.stdout, /scenario: nightly \*\*\*/);
  assert.equal(JSON.parse(resultText).scenario.name, `nightly ${REDACTED}`);
});
