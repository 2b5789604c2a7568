// Request names a code scenario learns at run time reach every output: --hdr-log (it hung), --out ndjson= (no
// name), {name:X} thresholds (refused at load), per-scenario tables (empty with two code scenarios),
// --summary-export and the summary's table; and a script that invents a name per URL is capped at 1,000.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readResult, repoRoot, runCli, tempDir } from './cli.ts';
import { startTestServer } from '../helpers/server.ts';
import { main } from '../../src/cli/main.ts';

const tmp = await tempDir('runner-code-names-');
after(() => tmp.cleanup());
const fixture = join(repoRoot, 'test', 'fixtures', 'ts', 'two-code-scenarios.ts');

test('names learned at run time: hdr-log, ndjson, thresholds, per-scenario tables, summary-export, summary', async () => {
  const server = await startTestServer();
  try {
    const out = join(tmp.dir, 'names.json');
    const ndjson = join(tmp.dir, 'names.ndjson');
    const hlog = join(tmp.dir, 'names.hlog');
    const summary = join(tmp.dir, 'names-summary.json');
    const { code, stdout, stderr } = await runCli(
      ['run', fixture, '--target', server.url, '--out', out, '--out', `ndjson=${ndjson}`, '--hdr-log', hlog, '--summary-export', summary],
      { timeoutMs: 60_000 },
    );
    // 1 setup + 6 × 2 browse + 4 checkout.
    assert.equal(server.count, 17, stderr);
    assert.equal(server.received.filter((r) => r.path === '/checkout').length, 4);
    // The misspelt {name:chekout} fails at the end with a warning naming the real names: exit 99.
    assert.equal(code, 99, stderr);
    const result = await readResult(out);
    assert.deepEqual(Object.keys(result.requests).sort(), ['checkout', 'item', 'list', 'setup']);
    assert.equal(result.thresholds?.['http_req_duration{name:list}']?.[0].ok, true);
    assert.deepEqual(result.thresholds?.['http_reqs{name:checkout}']?.[0], { expression: 'count==4', ok: true, value: 4 });
    assert.deepEqual(result.thresholds?.['http_req_failed{name:chekout}']?.[0], { expression: 'rate<0.01', ok: false, value: null });
    assert.ok(result.warnings.some((w) => w.includes("no request was named 'chekout'") && w.includes('checkout')), result.warnings.join('\n'));
    // Each scenario's table holds its own requests (setup belongs to neither).
    assert.equal(result.scenarios?.browse.totals.requests, 12);
    assert.equal(result.scenarios?.buy.totals.requests, 4);
    assert.equal(result.scenarios?.buy.latency.count, 4);
    // NDJSON: every line has its name.
    const lines = (await readFile(ndjson, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { name: string });
    assert.equal(lines.length, 17);
    assert.deepEqual(
      lines.map((l) => l.name).sort(),
      ['setup', ...Array(6).fill('list'), ...Array(6).fill('item'), ...Array(4).fill('checkout')].sort(),
    );
    // HDR log: one tagged line per name (and the untagged total).
    const log = await readFile(hlog, 'utf8');
    for (const name of ['setup', 'list', 'item', 'checkout']) assert.match(log, new RegExp(`^Tag=${name},`, 'm'));
    // --summary-export and the summary's per-request table.
    const exported = JSON.parse(await readFile(summary, 'utf8')) as { metrics: Record<string, { count?: number }> };
    assert.equal(exported.metrics['http_reqs{name:checkout}']?.count, 4);
    assert.match(stdout, /^checkout\s+4\s/m);
    assert.match(stdout, /^list\s+6\s/m);
  } finally {
    await server.close();
  }
});

test('validate accepts a {name:X} threshold that only a code scenario names (in process)', async () => {
  let out = '';
  let err = '';
  const io = {
    argv: ['validate', fixture],
    env: {},
    cwd: repoRoot,
    stdout: { write: (t: string) => void (out += t), isTTY: false },
    stderr: { write: (t: string) => void (err += t), isTTY: false },
    onSignal: () => () => {},
  };
  assert.equal(await main(io), 0, err);
  assert.match(out, /^ok: /);
});

test('a script inventing a name per URL: 1,000 names, the rest counted as (other) with a warning', async () => {
  const server = await startTestServer({ record: false });
  try {
    const file = join(tmp.dir, 'many-names.ts');
    await writeFile(
      file,
      "import { defineScenario } from 'runner';\n" +
        "export default defineScenario({ load: { executor: 'shared-iterations', vus: 8, iterations: 1500 },\n" +
        '  iteration: async ({ http, iteration }) => { await http.get(`/user/${iteration}`); } });\n',
    );
    const out = join(tmp.dir, 'many.json');
    const ndjson = join(tmp.dir, 'many.ndjson');
    const { code, stdout, stderr } = await runCli(['run', file, '--target', server.url, '--out', out, '--out', `ndjson=${ndjson}`, '--no-color'], { timeoutMs: 90_000 });
    assert.equal(code, 0, stderr);
    assert.equal(server.count, 1500);
    const result = await readResult(out);
    const names = Object.keys(result.requests);
    assert.equal(names.length, 1001);
    assert.equal(result.requests['(other)'].totals.requests, 500);
    assert.equal(result.totals.requests, 1500);
    const warning = result.warnings.find((w) => w.includes('(other)'));
    assert.ok(warning?.startsWith('500 distinct request names past the first 1000'), result.warnings.join('\n'));
    assert.match(warning ?? '', /name: 'GET \/users\/:id'/);
    assert.ok(stdout.includes('500 distinct request names'), 'the summary shows the warning');
    const lines = (await readFile(ndjson, 'utf8')).trim().split('\n');
    assert.equal(lines.filter((l) => l.includes('"name":"(other)"')).length, 500);
  } finally {
    await server.close();
  }
});

test('--hdr-log and --out ndjson= with a code scenario end and name every request (--hdr-log hung for good)', async () => {
  const server = await startTestServer({ behaviour: { kind: 'respond', status: 200, body: 'plain text' } });
  try {
    const hlog = join(tmp.dir, 'one.hlog');
    const ndjson = join(tmp.dir, 'one.ndjson');
    const file = join(repoRoot, 'test', 'fixtures', 'ts', 'runtime-error.ts');
    const { code, stderr } = await runCli(['run', file, '--target', server.url, '--hdr-log', hlog, '--out', `ndjson=${ndjson}`, '-q'], { timeoutMs: 30_000 });
    assert.equal(code, 0, stderr);
    assert.equal(server.count, 6);
    assert.match(await readFile(hlog, 'utf8'), /^Tag=text,/m);
    const lines = (await readFile(ndjson, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { name: string });
    assert.deepEqual(lines.map((l) => l.name), Array(6).fill('text'));
  } finally {
    await server.close();
  }
});
