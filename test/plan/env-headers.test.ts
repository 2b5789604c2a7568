// A header completed by {{env.X}} / ${X} whose value undici would refuse is a load-time error at the header's
// file:line:col, in `run` (no request sent) and `validate`, naming the variable and never printing its value.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { runInProcess } from '../e2e/in-process.ts';

let server: TestServer;
let dir: string;
const SECRET = 'Bearer ключ-s3cret';

before(async () => {
  server = await startTestServer();
  dir = await mkdtemp(join(tmpdir(), 'runner-env-headers-'));
  const lines = (headers: string[], requestHeaders: string[] = []) =>
    [
      `target: ${server.url}`,
      ...headers,
      'fields:',
      '  id: { gen: int, min: 1, max: 10 }',
      'requests:',
      '  - name: one',
      '    path: /one',
      ...requestHeaders,
      '  - name: two',
      '    path: /two',
      'load: { executor: shared-iterations, vus: 1, iterations: 3 }',
      '',
    ].join('\n');
  await writeFile(join(dir, 'default.yaml'), lines(['headers:', '  authorization: "{{ env.TOKEN }}"']));
  await writeFile(join(dir, 'request.yaml'), lines([], ['    headers:', '      x-key: "k-${TOKEN}-{{id}}"']));
  await writeFile(join(dir, 'connection.yaml'), lines([], ['    headers:', '      connection: "{{env.CONN}}"']));
  await writeFile(join(dir, 'fine.yaml'), lines(['headers:', '  authorization: "{{ env.TOKEN }}"'], ['    headers:', '      x-multi: "{{env.MULTI}}"']));
});
after(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

test('a refused env value in a header: exit 2 at the header, named, not shown, no traffic; run and validate', async () => {
  const cases: [string, Record<string, string>, RegExp][] = [
    ['default.yaml', { TOKEN: SECRET }, /^default\.yaml:3:19: error: invalid authorization header: the value of env\.TOKEN holds a character outside Latin-1; undici would refuse every request\n/],
    ['request.yaml', { TOKEN: 'a\x00b' }, /^request\.yaml:8:15: error: invalid x-key header: the value of env\.TOKEN holds a control character/],
    ['connection.yaml', { CONN: 'keep alive s3cret' }, /^connection\.yaml:8:20: error: invalid connection header once env\.CONN is put in \(the value is not shown: it holds a secret\)/],
  ];
  for (const [file, env, why] of cases) {
    for (const cmd of ['run', 'validate']) {
      const r = await runInProcess([cmd, file], dir, env);
      assert.equal(r.code, 2, `${cmd} ${file}: ${r.stderr}`);
      assert.match(r.stderr, why, `${cmd} ${file}`);
      // Reported once, even for a default header compiled into both requests.
      assert.equal(r.stderr.match(/error:/g)?.length, 1, r.stderr);
      assert.doesNotMatch(r.stderr, /ключ|s3cret|\x00/);
    }
  }
  assert.equal(server.count, 0, 'no request sent');
});

test('the same for a TypeScript scenario\'s default headers', async () => {
  await writeFile(
    join(dir, 'code.ts'),
    "export default {\n  target: 'http://127.0.0.1:1',\n  headers: { authorization: '{{env.TOKEN}}' },\n  load: { executor: 'shared-iterations', vus: 1, iterations: 1 },\n  iteration: async ({ http }) => { await http.get('/'); },\n};\n",
  );
  for (const cmd of ['run', 'validate']) {
    const r = await runInProcess([cmd, 'code.ts'], dir, { TOKEN: SECRET });
    assert.equal(r.code, 2, `${cmd}: ${r.stderr}`);
    assert.match(r.stderr, /^code\.ts:3:29: error: invalid authorization header: the value of env\.TOKEN holds a character outside Latin-1/);
    assert.doesNotMatch(r.stderr, /ключ|s3cret/);
  }
});

test('env values undici accepts still run: CR/LF become spaces, Latin-1 is fine', async () => {
  const r = await runInProcess(['run', 'fine.yaml', '--quiet'], dir, { TOKEN: 'Bearer caf\u00e9', MULTI: 'a\r\nb' });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(server.count, 6);
  assert.equal(server.received[0].headers['x-multi'], 'a  b');
});
