// "Too many open files" is its own error class (fd_limit) with a hint, not `other`: the built CLI runs under a
// file descriptor limit of 64 (`ulimit -n 64` in a shell that then execs node) and opens up to 200 sockets to a
// healthy server in this process. A real process, because the limit is the process's own.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { binPath, readResult, spawnCollect, sum, tempDir, type CliResult } from './cli.ts';

let tmp: Awaited<ReturnType<typeof tempDir>>;
let server: TestServer;
before(async () => {
  tmp = await tempDir('runner-e2e-fd-');
  // A 100 ms answer keeps the sockets open at once.
  server = await startTestServer({ behaviour: { kind: 'respond', status: 200, body: 'ok', delayMs: 100 } });
});
after(async () => {
  await server.close();
  await tmp.cleanup();
});

/** Runs the built CLI with at most `fds` open files; killed (by its pid) after 60 s. */
function runLimited(fds: number, args: string[]): Promise<CliResult> {
  assert.ok(existsSync(binPath), 'run `npm run build` first');
  return spawnCollect('/bin/sh', ['-c', `ulimit -n ${fds} && exec "$0" "$@"`, process.execPath, binPath, ...args], { cwd: tmp.dir });
}

test('EMFILE: connects past the fd limit are fd_limit with a ulimit hint; the rest succeed; books balance', async () => {
  const file = join(tmp.dir, 'fd.yaml');
  await writeFile(
    file,
    [
      'name: fd',
      `target: ${server.url}`,
      'http: { connections: 200, timeout: 5s }',
      'requests:',
      '  - { name: hit, path: / }',
      'load: { executor: shared-iterations, vus: 200, iterations: 400 }',
      '',
    ].join('\n'),
  );
  const out = join(tmp.dir, 'fd.json');
  const r = await runLimited(64, ['run', file, '--out', out, '--seed', '1']);
  assert.doesNotMatch(r.stderr, /^\s+at /m, 'no stack trace');
  const result = await readResult(out);
  const limited = result.totals.errors.fd_limit ?? 0;
  const ok = result.totals.byStatus['200'] ?? 0;
  assert.ok(limited > 0, `some connects hit the limit: ${JSON.stringify(result.totals)}`);
  assert.equal(result.totals.errors.other ?? 0, 0, 'not `other`');
  assert.equal(result.totals.requests, 400);
  assert.equal(result.totals.requests, sum(result.totals.byStatus) + sum(result.totals.errors));
  assert.equal(server.count, ok, 'every 200 reached the server');
  assert.match(r.stdout, /^error: fd_limit count: [\d,]+ {2}\(first: connect EMFILE /m);
  assert.match(r.stdout, /^ {2}hint: runner ran out of file descriptors \('too many open files'\): raise the limit \(ulimit -n 65536\)/m);
  // Some requests got a response: a measured run, exit 0 (no thresholds).
  assert.equal(r.code, 0, r.stderr);
});
