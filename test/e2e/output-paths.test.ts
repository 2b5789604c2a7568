// Every output path is checked before the first request: a missing folder, a folder, a FIFO, an unwritable path,
// a dangling link or two outputs on one file → exit 2 naming the path, and the server receives nothing. A symbolic
// link is written through, never replaced. Runs the CLI in process; one case spawns it (a FIFO would block it).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { runCli, tempDir } from './cli.ts';
import { runInProcess } from './in-process.ts';

let server: TestServer;
let dir: string;
let cleanup: () => Promise<void>;
let scenario: string;
let resultFile: string;

before(async () => {
  server = await startTestServer();
  ({ dir, cleanup } = await tempDir('runner-outputs-'));
  scenario = join(dir, 'small.yaml');
  writeFileSync(
    scenario,
    ['name: small', `target: ${server.url}`, 'requests:', '  - name: hit', '    path: /hit', '    expect: 200', 'load:', '  executor: shared-iterations', '  vus: 2', '  iterations: 10', ''].join('\n'),
  );
  resultFile = join(dir, 'result.json');
  writeFileSync(resultFile, readFileSync(scenario)); // replaced by a real result below; `report` reads it
});
after(async () => {
  await server.close();
  await cleanup();
});

function mkfifo(path: string): void {
  execFileSync('mkfifo', [path]);
}

/** Runs `runner run small.yaml …args` in process and asserts exit 2, a message naming `named`, and no traffic. */
async function refused(args: string[], named: string, why: RegExp): Promise<string> {
  const before = server.count;
  const r = await runInProcess(['run', scenario, '--quiet', ...args], dir);
  assert.equal(r.code, 2, r.stderr);
  assert.ok(r.stderr.includes(named), `stderr names ${named}: ${r.stderr}`);
  assert.match(r.stderr, why);
  assert.doesNotMatch(r.stderr, /internal error|\n\s+at /);
  assert.equal(server.count - before, 0, 'no request sent');
  return r.stderr;
}

test('an output in a missing folder is refused before the first request, for every output flag', async () => {
  const missing = join(dir, 'no-such-folder');
  await refused(['--out', join(missing, 'r.json')], join(missing, 'r.json'), /does not exist/);
  await refused(['--out', 'no-such-folder/r.json'], join(missing, 'r.json'), /does not exist/);
  await refused(['--out', `ndjson=${join(missing, 's.ndjson')}`], join(missing, 's.ndjson'), /does not exist/);
  await refused(['--hdr-log', join(missing, 'h.hlog')], join(missing, 'h.hlog'), /does not exist/);
  await refused(['--summary-export', join(missing, 's.json')], join(missing, 's.json'), /does not exist/);
  // A file where a folder should be.
  await refused(['--out', join(scenario, 'r.json')], scenario, /not a folder/);
  assert.equal(existsSync(missing), false);
});

test('an output that is a folder is refused, every problem reported at once', async () => {
  const stderr = await refused(['--out', dir, '--hdr-log', dir], dir, /is a folder/);
  assert.match(stderr, /--out .*is a folder[\s\S]*--hdr-log .*is a folder/);
});

test('two outputs on one file, or an output on the scenario itself, are refused', async () => {
  const same = join(dir, 'same.json');
  await refused(['--out', same, '--summary-export', same], same, /same file/);
  await refused(['--hdr-log', 'small.yaml'], scenario, /is an input of this command/);
  assert.match(readFileSync(scenario, 'utf8'), /^name: small/);
});

test('a path that names a folder (trailing slash, `.`) is refused, not written as a file named like the folder', async () => {
  await refused(['--out', 'results/'], join(dir, 'results'), /names a folder/);
  await refused(['--summary-export', '.'], dir, /names a folder/);
  assert.equal(existsSync(join(dir, 'results')), false);
});

test('an unwritable output is refused (read-only folder or mount)', async (t) => {
  const ro = join(dir, 'read-only');
  mkdirSync(ro);
  if (process.getuid?.() === 0) {
    // root ignores permission bits; a read-only mount refuses root too.
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=64k', 'tmpfs', ro], { stdio: 'ignore' });
    } catch {
      return t.skip('running as root and cannot mount a read-only tmpfs');
    }
    t.after(() => execFileSync('umount', [ro]));
  } else {
    chmodSync(ro, 0o555);
  }
  await refused(['--out', join(ro, 'r.json')], join(ro, 'r.json'), /cannot create files in folder .*\((EROFS|EACCES)\)/);
  await refused(['--hdr-log', join(ro, 'h.hlog')], join(ro, 'h.hlog'), /cannot create files/);
});

test('a FIFO is never replaced by a regular file: refused with exit 2 and no traffic', async () => {
  const fifo = join(dir, 'result.fifo');
  mkfifo(fifo);
  await refused(['--out', fifo], fifo, /not a regular file/);
  await refused(['--summary-export', fifo], fifo, /not a regular file/);
  assert.ok(lstatSync(fifo).isFIFO(), 'still a FIFO');
  const r = await runInProcess(['report', resultFile, '-o', fifo], dir);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /not a regular file/);
  assert.ok(lstatSync(fifo).isFIFO(), 'still a FIFO');
});

test('a FIFO as a stream output (--hdr-log, --out ndjson=) is refused, not opened (opening blocks until a reader comes)', async () => {
  const fifo = join(dir, 'stream.fifo');
  mkfifo(fifo);
  const before = server.count;
  // Spawned: the old code blocked its event loop in open(2) for good; the kill bounds the test.
  for (const args of [['--hdr-log', fifo], ['--out', `ndjson=${fifo}`]]) {
    const r = await runCli(['run', scenario, '--quiet', ...args], { cwd: dir, timeoutMs: 30_000 });
    assert.equal(r.signal, null, 'not killed by the timeout');
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /not a regular file/);
  }
  assert.equal(server.count - before, 0);
  assert.ok(lstatSync(fifo).isFIFO());
});

test('a symbolic link is written through, never replaced; a dangling one is refused', async () => {
  const real = join(dir, 'real-result.json');
  writeFileSync(real, 'old');
  const link = join(dir, 'link.json');
  symlinkSync(real, link);
  const before = server.count;
  const r = await runInProcess(['run', scenario, '--quiet', '--out', link], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(server.count - before, 10);
  assert.ok(lstatSync(link).isSymbolicLink(), 'the link is still a link');
  assert.equal(readlinkSync(link), real);
  const written = JSON.parse(readFileSync(real, 'utf8'));
  assert.equal(written.totals.requests, 10);
  writeFileSync(resultFile, readFileSync(real));

  // runner report -o through a link, too.
  const htmlReal = join(dir, 'real-report.html');
  const htmlLink = join(dir, 'report-link.html');
  symlinkSync(htmlReal, htmlLink);
  writeFileSync(htmlReal, 'old');
  const rep = await runInProcess(['report', resultFile, '-o', htmlLink], dir);
  assert.equal(rep.code, 0, rep.stderr);
  assert.ok(lstatSync(htmlLink).isSymbolicLink());
  assert.match(readFileSync(htmlReal, 'utf8'), /^<!doctype html>/i);

  const dangling = join(dir, 'dangling.json');
  symlinkSync(join(dir, 'nowhere', 'x.json'), dangling);
  await refused(['--out', dangling], dangling, /symbolic link that leads nowhere/);
});

test('runner report -o into a missing folder or onto a folder is exit 2 naming the path', async () => {
  const missing = join(dir, 'missing', 'report.html');
  let r = await runInProcess(['report', resultFile, '-o', missing], dir);
  assert.equal(r.code, 2, r.stderr);
  assert.ok(r.stderr.includes(missing), r.stderr);
  assert.match(r.stderr, /does not exist/);
  r = await runInProcess(['report', resultFile, '-o', dir], dir);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /is a folder/);
  r = await runInProcess(['report', resultFile, '-o', resultFile], dir);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /is an input of this command/);
});

test("an output on a request's template file (or a link to it) is refused: the run would overwrite the body it sends", async () => {
  const templates = join(dir, 'tpl');
  mkdirSync(templates, { recursive: true });
  const body = join(templates, 'body.json');
  const original = '{ "id": "{{id}}" }\n';
  writeFileSync(body, original);
  symlinkSync(body, join(dir, 'body-link.json'));
  const file = join(dir, 'with-template.yaml');
  writeFileSync(
    file,
    ['name: with-template', `target: ${server.url}`, 'fields:', '  id: { gen: string, length: 6 }', 'requests:', '  - name: hit', '    method: POST', '    path: /hit', '    template: tpl/body.json', 'load:', '  executor: shared-iterations', '  vus: 1', '  iterations: 3', ''].join('\n'),
  );
  for (const args of [['--out', body], ['--summary-export', join(dir, 'body-link.json')], ['--out', `ndjson=${body}`], ['--hdr-log', body]]) {
    const before = server.count;
    const r = await runInProcess(['run', file, '--quiet', ...args], dir);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /is an input of this command \(a file the scenario reads: a template, data file, TLS file or imported module\); it would be overwritten/);
    assert.ok(r.stderr.includes(body), r.stderr);
    assert.doesNotMatch(r.stderr, /internal error|\n\s+at /);
    assert.equal(server.count - before, 0, 'no request sent');
    assert.equal(readFileSync(body, 'utf8'), original, 'the template is untouched');
  }
});

test('an output flag given twice is exit 2 naming both files, not a silently dropped first file', async () => {
  for (const flag of ['--hdr-log', '--summary-export']) {
    const first = join(dir, `first${flag}.out`);
    const second = join(dir, `second${flag}.out`);
    const before = server.count;
    const r = await runInProcess(['run', scenario, '--quiet', flag, first, flag, second], dir);
    assert.equal(r.code, 2, `${flag}: ${r.stderr}`);
    assert.ok(r.stderr.includes(`${flag} given twice ('${first}' and '${second}')`), r.stderr);
    assert.equal(server.count - before, 0, 'no request sent');
    assert.equal(existsSync(first) || existsSync(second), false);
  }
  const r = await runInProcess(['report', resultFile, '-o', join(dir, 'a.html'), '-o', join(dir, 'b.html')], dir);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /-o given twice/);
  assert.equal(existsSync(join(dir, 'a.html')) || existsSync(join(dir, 'b.html')), false);
});

test("a folder given as an output gets a hint with a file name fit for that output, not always 'result.json'", async () => {
  const folder = join(dir, 'a-folder');
  mkdirSync(folder, { recursive: true });
  const hints: [string[], string][] = [
    [['run', scenario, '--quiet', '--hdr-log', folder], `${folder}/run.hlog`],
    [['run', scenario, '--quiet', '--out', `ndjson=${folder}`], `${folder}/samples.ndjson`],
    [['run', scenario, '--quiet', '--summary-export', `${folder}/`], `${folder}/summary.json`],
    [['run', scenario, '--quiet', '--out', folder], `${folder}/result.json`],
    [['report', resultFile, '-o', folder], `${folder}/report.html`],
  ];
  for (const [args, example] of hints) {
    const r = await runInProcess(args, dir);
    assert.equal(r.code, 2, r.stderr);
    assert.ok(r.stderr.includes(`e.g. ${example}`), `${args.join(' ')}: ${r.stderr}`);
  }
});

test('an output on a module a TypeScript scenario imports is refused: the run would overwrite its own code', async () => {
  const lib = join(dir, 'lib');
  mkdirSync(lib, { recursive: true });
  const helper = join(lib, 'paths.ts');
  const original = "export const HIT = '/hit';\n";
  writeFileSync(helper, original);
  const file = join(dir, 'imports.ts');
  writeFileSync(
    file,
    [
      "import { defineScenario } from 'runner';",
      "import { HIT } from './lib/paths.ts';",
      `export default defineScenario({ target: '${server.url}', load: { executor: 'shared-iterations', vus: 1, iterations: 2 }, iteration: async ({ http }) => { await http.get(HIT); } });`,
      '',
    ].join('\n'),
  );
  const before = server.count;
  const r = await runInProcess(['run', file, '--quiet', '--out', helper], dir);
  assert.equal(r.code, 2, r.stderr);
  assert.ok(r.stderr.includes(`--out ${helper}: is an input of this command`), r.stderr);
  assert.equal(server.count - before, 0, 'no request sent');
  assert.equal(readFileSync(helper, 'utf8'), original, 'the module is untouched');
  // The same scenario with an ordinary output runs.
  const ok = await runInProcess(['run', file, '--quiet', '--out', join(dir, 'imports.json')], dir);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(server.count - before, 2);
});
