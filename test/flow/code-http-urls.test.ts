// ctx.http never throws for a URL it cannot send (README: a response is "never thrown"): an unparsable URL or
// a scheme other than http(s) is a response with status 0 and error `invalid_request`, counted in the books
// like any request; the good requests of the same run, to a real server, all succeed.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { readResult, tempDir } from '../e2e/cli.ts';
import { runInProcess } from '../e2e/in-process.ts';

let tmp: Awaited<ReturnType<typeof tempDir>>;
let server: TestServer;
before(async () => {
  tmp = await tempDir('runner-code-urls-');
  server = await startTestServer();
});
after(async () => {
  await server.close();
  await tmp.cleanup();
});

const BAD_URLS = ['http://[bad', 'http://127.0.0.1:99999/x', 'https://', 'http://a b/x', 'ftp://127.0.0.1/x', 'mailto:someone', 'no-slash'];

test('an invalid URL or an unsupported scheme is a status-0 invalid_request response, counted; the good requests all succeed', { timeout: 30_000 }, async () => {
  const file = join(tmp.dir, 'bad-urls.mjs');
  writeFileSync(
    file,
    `export default {
  target: '${server.url}',
  load: { executor: 'shared-iterations', vus: 2, iterations: 4 },
  iteration: async ({ http }) => {
    for (const url of ${JSON.stringify(BAD_URLS)}) {
      const r = await http.get(url, { name: 'bad' });
      await http.post('/seen', { url, status: r.status, ok: r.ok, error: r.error, message: r.errorMessage }, { name: 'seen' });
    }
    await http.get('${server.url}/absolute', { name: 'good' });
  },
};
`,
  );
  const out = join(tmp.dir, 'bad-urls.json');
  const r = await runInProcess(['run', '-q', file, '--out', out], tmp.dir);
  assert.equal(r.code, 0, r.stderr);
  const result = await readResult(out);
  // The scenario saw a response, never an exception: no iteration failed.
  assert.equal(result.iterations.completed, 4, JSON.stringify(result.iterations));
  assert.deepEqual(result.iterationErrors ?? [], []);
  const seen = server.received.filter((q) => q.path === '/seen').map((q) => JSON.parse(q.body) as { url: string; status: number; ok: boolean; error: string; message: string });
  assert.equal(seen.length, 4 * BAD_URLS.length);
  for (const s of seen) {
    assert.equal(s.status, 0, s.url);
    assert.equal(s.ok, false, s.url);
    assert.equal(s.error, 'invalid_request', s.url);
    assert.match(s.message, /^invalid URL: /, s.url);
  }
  assert.match(seen.find((s) => s.url.startsWith('ftp:'))!.message, /scheme 'ftp:' is not http: or https:/);
  // In the books: every refused request counted under its name and class, nothing of them reached the server.
  assert.deepEqual(result.requests.bad.totals.errors, { invalid_request: 4 * BAD_URLS.length });
  assert.equal(result.requests.bad.totals.requests, 4 * BAD_URLS.length);
  assert.deepEqual(result.requests.good.totals.byStatus, { '200': 4 });
  assert.deepEqual(result.requests.seen.totals.byStatus, { '200': 4 * BAD_URLS.length });
  assert.equal(server.count, 4 + 4 * BAD_URLS.length, 'the server got the good requests and the reports, nothing else');
});
