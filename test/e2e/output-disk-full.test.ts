// A disk that fills during the run loses at most the outputs on it: the NDJSON stream, the HDR log and the
// summary export stop with a warning, the run goes on and the result file on another disk is complete. A result
// file that cannot be written still leaves the summary on stdout, and exit 2. Needs root (a tiny tmpfs mount).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { tempDir } from './cli.ts';
import { runInProcess } from './in-process.ts';

let server: TestServer;
let dir: string;
let cleanup: () => Promise<void>;
let small: string;
let mountError: string | undefined;

const ITERATIONS = 2000;

before(async () => {
  server = await startTestServer({ record: false });
  ({ dir, cleanup } = await tempDir('runner-disk-full-'));
  small = join(dir, 'small-disk');
  mkdirSync(small);
  try {
    if (process.getuid?.() !== 0) throw new Error('not root');
    // 64 KiB: the NDJSON of 2,000 requests (~180 KB) fills it during the run.
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', small], { stdio: 'pipe' });
  } catch (err) {
    mountError = (err as Error).message.split('\n')[0];
  }
});
after(async () => {
  await server.close();
  if (mountError === undefined) execFileSync('umount', [small]);
  await cleanup();
});

function scenario(name: string): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    [`name: ${name}`, `target: ${server.url}`, 'requests:', '  - name: hit', '    path: /hit', '    expect: 200', 'load:', '  executor: shared-iterations', '  vus: 4', `  iterations: ${ITERATIONS}`, ''].join('\n'),
  );
  return file;
}

test('NDJSON, HDR log and summary export on a full disk stop with a warning; the result file on another disk is complete', async (t) => {
  if (mountError !== undefined) return t.skip(`needs root to mount a small tmpfs: ${mountError}`);
  const result = join(dir, 'result.json');
  const before = server.count;
  const r = await runInProcess(
    ['run', scenario('fills'), '--quiet', '--out', result, '--out', `ndjson=${join(small, 's.ndjson')}`, '--hdr-log', join(small, 'h.hlog'), '--summary-export', join(small, 'sum.json')],
    dir,
  );
  const sent = server.count - before;
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /warning: --out ndjson=.*s\.ndjson: write failed \(ENOSPC\)/);
  assert.match(r.stderr, /warning: --summary-export .*sum\.json: write failed \(ENOSPC\)/);
  assert.doesNotMatch(r.stderr, /internal error|\n\s+at /);
  const written = JSON.parse(readFileSync(result, 'utf8'));
  assert.equal(written.outcome, 'completed');
  assert.equal(sent, ITERATIONS, 'the whole load was sent');
  assert.equal(written.totals.requests, ITERATIONS);
  assert.equal(written.totals.byStatus['200'], ITERATIONS);
  assert.ok(written.warnings.some((w: string) => /ndjson=.*ENOSPC/.test(w)), JSON.stringify(written.warnings));
  assert.ok(written.warnings.some((w: string) => /summary-export.*ENOSPC/.test(w)), JSON.stringify(written.warnings));
  // The NDJSON kept whole lines up to the failure; no temp file of the summary export is left behind.
  const lines = readFileSync(join(small, 's.ndjson'), 'utf8').split('\n').filter((l) => l !== '');
  assert.ok(lines.length > 0 && lines.length < ITERATIONS, `${lines.length} lines`);
  assert.deepEqual(readdirSync(small).filter((f) => f.endsWith('.tmp')), []);
});

test('a result file on a full disk: the summary is still printed, exit 2 naming the file', async (t) => {
  if (mountError !== undefined) return t.skip(`needs root to mount a small tmpfs: ${mountError}`);
  // Fill what is left of the small disk.
  const filler = join(small, 'filler');
  try {
    writeFileSync(filler, Buffer.alloc(256 * 1024));
  } catch {
    // ENOSPC: full now, which is the point.
  }
  const result = join(small, 'result.json');
  const r = await runInProcess(['run', scenario('lost'), '--out', result], dir);
  assert.equal(r.code, 2, r.stderr);
  assert.ok(r.stderr.includes(`could not write the result file ${result} (ENOSPC)`), r.stderr);
  assert.match(r.stdout, /hit/, 'the summary is on stdout');
  assert.doesNotMatch(r.stderr, /internal error|\n\s+at /);
});

test('streams opened on a disk that is already full stop with a warning at their first write; exit 0', async (t) => {
  if (mountError !== undefined) return t.skip(`needs root to mount a small tmpfs: ${mountError}`);
  // Runs after the test above filled the disk; fill again in case it freed anything.
  try {
    writeFileSync(join(small, 'filler2'), Buffer.alloc(256 * 1024));
  } catch {
    // ENOSPC expected
  }
  const result = join(dir, 'result-2.json');
  const r = await runInProcess(['run', scenario('full'), '--quiet', '--out', result, '--hdr-log', join(small, 'h2.hlog'), '--out', `ndjson=${join(small, 's2.ndjson')}`], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /warning: --hdr-log .*h2\.hlog: write failed \(ENOSPC\)/);
  assert.match(r.stderr, /warning: --out ndjson=.*s2\.ndjson: write failed \(ENOSPC\)/);
  const written = JSON.parse(readFileSync(result, 'utf8'));
  assert.equal(written.totals.requests, ITERATIONS);
  assert.equal(written.warnings.filter((w: string) => /ENOSPC/.test(w)).length, 2);
});

test('a lost result file with --quiet names the outputs that were written instead of saying nothing was kept', async (t) => {
  if (mountError !== undefined) return t.skip(`needs root to mount a small tmpfs: ${mountError}`);
  try {
    writeFileSync(join(small, 'filler3'), Buffer.alloc(256 * 1024));
  } catch {
    // ENOSPC: the small disk is full, which is the point.
  }
  const result = join(small, 'result-3.json');
  const hlog = join(dir, 'kept.hlog');
  const exported = join(dir, 'kept-summary.json');
  const r = await runInProcess(['run', scenario('kept'), '--quiet', '--out', result, '--hdr-log', hlog, '--summary-export', exported], dir);
  assert.equal(r.code, 2, r.stderr);
  assert.ok(r.stderr.includes(`could not write the result file ${result} (ENOSPC)`), r.stderr);
  assert.doesNotMatch(r.stderr, /nothing of this run was kept/);
  assert.ok(r.stderr.includes(`what is left of this run: --hdr-log ${hlog}, --summary-export ${exported}`), r.stderr);
  // What the message names is really there.
  assert.match(readFileSync(hlog, 'utf8'), /^Tag=hit,/m);
  assert.equal(JSON.parse(readFileSync(exported, 'utf8')).metrics.http_reqs.count, ITERATIONS);
});
