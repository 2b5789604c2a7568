// The README says `--hdr-log` files are readable by the Java HdrHistogram tools (HistogramLogProcessor). Java's
// log reader splits lines on spaces and commas, so a Tag holding either (every default name: "GET /path")
// made the whole file unreadable, untagged totals included: hdr-log.ts writes each name as a tag without them
// (`GET_/hit`), with a comment line mapping it back. Skips without java and libhdrhistogram-java.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { tempDir } from './cli.ts';
import { runInProcess } from './in-process.ts';

const JAR = '/usr/share/java/hdrhistogram.jar';
let server: TestServer;
let dir: string;
let cleanup: () => Promise<void>;

before(async () => {
  server = await startTestServer();
  ({ dir, cleanup } = await tempDir('runner-hdr-java-'));
});
after(async () => {
  await server.close();
  await cleanup();
});

test('an HDR log of requests with default names ("GET /hit") is read by HistogramLogProcessor', async (t) => {
  const java = spawnSync('java', ['-version'], { stdio: 'ignore' });
  if (java.status !== 0 || !existsSync(JAR)) return t.skip('needs java and libhdrhistogram-java');
  const file = join(dir, 'default-names.yaml');
  writeFileSync(file, ['name: default-names', `target: ${server.url}`, 'requests:', '  - path: /hit', '  - name: "hit, again"', '    path: /hit', 'load: { executor: shared-iterations, vus: 1, iterations: 5 }', ''].join('\n'));
  const hlog = join(dir, 'run.hlog');
  const r = await runInProcess(['run', file, '--quiet', '--hdr-log', hlog], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(server.count, 10);
  assert.ok(server.received.every((q) => q.path === '/hit'));
  const processLog = (...tag: string[]): string =>
    execFileSync('java', ['-cp', JAR, 'org.HdrHistogram.HistogramLogProcessor', '-i', hlog, ...tag, '-outputValueUnitRatio', '1000'], { encoding: 'utf8', timeout: 60_000, stdio: ['ignore', 'pipe', 'pipe'] });
  assert.match(processLog(), /Total count\s+=\s+10\]/);
  // Each name is readable on its own under its tag, which the log maps back to the name.
  assert.match(processLog('-tag', 'GET_/hit'), /Total count\s+=\s+5\]/);
  assert.match(processLog('-tag', 'hit__again'), /Total count\s+=\s+5\]/);
  const text = readFileSync(hlog, 'utf8');
  assert.match(text, /^#\[Tag GET_\/hit = "GET \/hit"\]$/m);
  assert.match(text, /^#\[Tag hit__again = "hit, again"\]$/m);
});
