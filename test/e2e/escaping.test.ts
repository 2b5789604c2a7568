// Nothing from the network or the scenario reaches the terminal raw: request, scenario and check names with
// control sequences, a server body quoted in an error message, and the same names in compare and report.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { runInProcess } from './in-process.ts';
import { runCli } from './cli.ts';

/** C0 except \n, DEL, C1, bidi controls: none may reach a terminal (NO_COLOR is set, so not even colours). */
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

function assertNoRawControl(where: string, text: string): void {
  const m = RAW_CONTROL.exec(text);
  assert.equal(m, null, `${where} holds U+${m?.[0].charCodeAt(0).toString(16).padStart(4, '0')} near ${JSON.stringify(text.slice(Math.max(0, (m?.index ?? 0) - 30), (m?.index ?? 0) + 10))}`);
}

describe('escaping at the terminal', () => {
  let dir = '';
  let server: TestServer;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'runner-escaping-'));
    server = await startTestServer({ behaviour: { kind: 'respond', status: 200, body: '\u001b[31mEVIL\u0007\r\u202enot json', headers: { 'content-type': 'text/plain' } } });
  });
  after(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('run, compare and report: names and a quoted server body are escaped, the data kept as is', async () => {
    const fixture = join(process.cwd(), 'test/fixtures/ts/hostile-text.ts');
    const out = join(dir, 'r.json');
    const r = await runCli(['run', fixture, '--target', server.url, '--out', out], { timeoutMs: 60_000 });
    assert.equal(server.count, 2);
    assert.ok(r.code === 0, `exit ${r.code}\n${r.stderr}`);
    assertNoRawControl('stdout', r.stdout);
    assertNoRawControl('stderr', r.stderr);
    assert.match(r.stdout, /scenario: hostile \\e\]0;pwned\\x07 \\u202eevil/);
    assert.match(r.stdout, /^get \\e\[2J\\e\[H cleared\\r\\x9b31m +2 /m);
    assert.match(r.stdout, /^ok \\e\[31mred\\x07 +2 +0/m);
    // res.json()'s error quotes the body: escaped in the summary's iteration errors.
    assert.match(r.stdout, /iteration errors[^\n]*\n {2}2 × [^\n]*\\e\[31mEVIL/);

    // The file keeps the names exactly; only the terminal sees them escaped.
    const result = JSON.parse(await readFile(out, 'utf8'));
    assert.deepEqual(Object.keys(result.requests), ['get \u001b[2J\u001b[H cleared\r\u009b31m']);

    const compare = await runInProcess(['compare', out, out, '--plot'], dir);
    assert.equal(compare.code, 0, compare.stderr);
    assertNoRawControl('compare', compare.stdout);
    assert.match(compare.stdout, /\(hostile \\e\]0;pwned\\x07 \\u202eevil,/);

    const report = await runInProcess(['report', out, '-o', 'r.html'], dir);
    assert.equal(report.code, 0, report.stderr);
    assertNoRawControl('report stdout', report.stdout);
  });
});
