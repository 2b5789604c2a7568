// form: and multipart: bodies (and URLSearchParams / FormData in code) as a real server parses them.
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { isUserError } from '../../src/errors.ts';
import { compilePlan } from '../../src/plan/compile.ts';
import { Run } from '../../src/run.ts';
import { loadScenario } from '../../src/scenario/load.ts';

const dir = mkdtempSync(join(tmpdir(), 'runner-forms-'));
const received: { path: string; headers: IncomingHttpHeaders; body: Buffer }[] = [];
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) });
    res.end('{}');
  });
});
let url = '';
before(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

/** What a server-side form parser (undici's, as in fetch) makes of a request body. */
function parseForm(r: (typeof received)[number]): Promise<FormData> {
  return new Response(new Uint8Array(r.body), { headers: { 'content-type': String(r.headers['content-type']) } }).formData();
}

async function run(name: string, yaml: string) {
  writeFileSync(join(dir, name), yaml);
  received.length = 0;
  return new Run(compilePlan(await loadScenario(name, dir), { seed: 1, env: {} })).start();
}

const binary = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
writeFileSync(join(dir, 'avatar.bin'), binary);

test('form: sends application/x-www-form-urlencoded that a server parses back to the exact values', async () => {
  const result = await run('form.yaml', `target: ${url}
fields:
  who: { gen: pick, values: ["김 철수 & co=1?"] }
requests:
  - method: POST
    path: /login
    form: { user: "{{who}}", note: "a+b c&d", remember: 1, "odd key": yes }
load: { executor: shared-iterations, vus: 1, iterations: 2 }
`);
  assert.equal(result.iterations.completed, 2);
  assert.equal(received.length, 2);
  const r = received[0];
  assert.equal(r.headers['content-type'], 'application/x-www-form-urlencoded');
  const form = await parseForm(r);
  assert.deepEqual([...form.entries()], [['user', '김 철수 & co=1?'], ['note', 'a+b c&d'], ['remember', '1'], ['odd key', 'yes']]);
});

test('multipart: a binary file byte for byte with its name and type, and text fields with placeholders', async () => {
  const result = await run('multipart.yaml', `target: ${url}
fields:
  id: { gen: sequence, prefix: "u-" }
requests:
  - method: POST
    path: /upload
    multipart:
      avatar: { path: avatar.bin, contentType: image/png, filename: "me \\"1\\".png" }
      owner: "{{id}} (owner)"
      plain: { path: avatar.bin }
load: { executor: shared-iterations, vus: 1, iterations: 2 }
`);
  assert.equal(result.iterations.completed, 2);
  assert.match(String(received[0].headers['content-type']), /^multipart\/form-data; boundary=----runner[0-9a-f]{16}$/);
  const owners: string[] = [];
  for (const r of received) {
    const form = await parseForm(r);
    const avatar = form.get('avatar') as File;
    assert.equal(avatar.type, 'image/png');
    assert.equal(avatar.name, 'me "1".png', 'the quote travels percent-encoded, as browsers send it');
    assert.deepEqual(Buffer.from(await avatar.arrayBuffer()), binary);
    const plain = form.get('plain') as File;
    assert.equal(plain.name, 'avatar.bin');
    assert.equal(plain.type, 'application/octet-stream');
    owners.push(String(form.get('owner')));
  }
  assert.deepEqual(owners, ['u-1 (owner)', 'u-2 (owner)']);
  assert.equal(Number(received[0].headers['content-length']), received[0].body.length);
});

test('code scenarios: URLSearchParams is a form, FormData is multipart', async () => {
  writeFileSync(
    join(dir, 'forms.ts'),
    `import { defineScenario } from 'runner';
export default defineScenario({
  target: '${url}',
  load: { executor: 'shared-iterations', vus: 1, iterations: 1 },
  iteration: async ({ http }) => {
    await http.post('/f', new URLSearchParams({ a: 'x y', b: '&' }));
    const fd = new FormData();
    fd.append('note', 'hello');
    fd.append('file', new Blob([new Uint8Array([0, 255, 10])], { type: 'text/x-bin' }), 'f.bin');
    await http.post('/m', fd);
  },
});
`,
  );
  received.length = 0;
  const result = await new Run(compilePlan(await loadScenario('forms.ts', dir), { seed: 1, env: {} })).start();
  assert.equal(result.iterations.completed, 1);
  assert.equal(received[0].headers['content-type'], 'application/x-www-form-urlencoded');
  assert.deepEqual([...(await parseForm(received[0])).entries()], [['a', 'x y'], ['b', '&']]);
  const fd = await parseForm(received[1]);
  assert.equal(fd.get('note'), 'hello');
  assert.deepEqual([...new Uint8Array(await (fd.get('file') as File).arrayBuffer())], [0, 255, 10]);
});

test('form and multipart mistakes are load errors at their position', async () => {
  writeFileSync(
    join(dir, 'bad-forms.yaml'),
    `target: http://127.0.0.1:9
requests:
  - path: /a
    form: { a: 1 }
    json: { a: 1 }
  - path: /b
    multipart: { f: { path: missing.bin } }
  - path: /c
    multipart: { f: { path: avatar.bin, type: x } }
  - path: /d
    form: { a: [1, 2] }
  - path: /e
    headers: { Content-Type: text/plain }
    multipart: { f: { path: avatar.bin } }
load: { executor: shared-iterations, vus: 1, iterations: 1 }
`,
  );
  const errors = async () => {
    try {
      compilePlan(await loadScenario('bad-forms.yaml', dir), { seed: 1, env: {} });
    } catch (err) {
      assert.ok(isUserError(err), String(err));
      return err.diagnostics;
    }
    assert.fail('no error');
  };
  const ds = await errors();
  const line = (re: RegExp) => ds.find((d) => re.test(d.message))?.location?.line;
  assert.equal(line(/give only one of .*found json, form/), 4);
  assert.equal(line(/cannot read multipart file 'missing.bin' \(no such file\)/), 7);
  assert.equal(line(/unknown key 'type'/), 9);
  assert.equal(line(/expected a text value for form field 'a', got a list/), 11);
  // Structural problems first; the content-type clash is found when the plan compiles.
  writeFileSync(join(dir, 'bad-ct.yaml'), `target: http://127.0.0.1:9\nrequests:\n  - path: /e\n    headers: { Content-Type: text/plain }\n    multipart: { f: { path: avatar.bin } }\nload: { executor: shared-iterations, vus: 1, iterations: 1 }\n`);
  await assert.rejects(async () => compilePlan(await loadScenario('bad-ct.yaml', dir), { seed: 1, env: {} }), (err: unknown) => isUserError(err) && /sets its own content-type/.test(err.diagnostics[0].message) && err.diagnostics[0].location?.line === 5);
});
