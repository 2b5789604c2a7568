// runner inspect: what it prints is what the server then receives from `run` with the same seed, byte for byte;
// and it sends nothing.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runInProcess } from '../e2e/in-process.ts';

/** A TCP server that keeps every HTTP/1.1 request's raw bytes (head and body) and answers 200 `{"token":"t0k"}`. */
async function startRawRecorder() {
  const raw: Buffer[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      for (;;) {
        const end = pending.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = pending.subarray(0, end).toString('latin1');
        const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
        if (pending.length < end + 4 + length) return;
        raw.push(Buffer.from(pending.subarray(0, end + 4 + length)));
        pending = pending.subarray(end + 4 + length);
        socket.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 15\r\n\r\n{"token":"t0k"}');
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    raw,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

let dir: string;
let server: Awaited<ReturnType<typeof startRawRecorder>>;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'runner-inspect-'));
  server = await startRawRecorder();
  writeFileSync(join(dir, 'rows.csv'), 'code,city\nA1,서울\nB2,부산\nC3,Jeju City\nD4,"a,b"\n');
  writeFileSync(join(dir, 'user.json'), '{\n  "id": "{{id}}",\n  "name": "{{name}}",\n  "age": {{age}}\n}\n');
  writeFileSync(
    join(dir, 'inspect.yaml'),
    [
      'name: inspect-me',
      `target: ${server.url}`,
      'headers: { X-Run: "r-{{id}}" }',
      'fields:',
      '  id: { gen: string, length: 8, charset: alpha, unique: true }',
      '  name: { gen: koreanName }',
      '  age: { gen: int, min: 1, max: 99 }',
      '  tag: { gen: pick, values: ["a b", "c/d", "é"] }',
      'data: { rows: { file: rows.csv, order: shuffle } }',
      'requests:',
      '  - { name: create, method: POST, path: /users, template: user.json }',
      '  - { name: find, path: "/users?q={{tag}}&n={{name}}", headers: { Accept: text/plain } }',
      '  - { name: form, method: PUT, path: "/users/{{id}}/{{rows.code}}", body: "age={{age}}&city={{rows.city}}" }',
      '  - { name: bare, method: POST, path: /ping }',
      'load: { executor: shared-iterations, vus: 1, iterations: 50 }',
      '',
    ].join('\n'),
  );
});
after(async () => {
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('inspect --sample 3 --seed 1 prints the bytes the server then receives from run --seed 1 --iterations 3, and sends nothing', async () => {
  const inspected = await runInProcess(['inspect', 'inspect.yaml', '--sample', '3', '--seed', '1', '--json'], dir);
  assert.equal(inspected.code, 0, inspected.stderr);
  assert.equal(server.raw.length, 0, 'inspect sent nothing');
  const report = JSON.parse(inspected.stdout) as { requests: { head: string; body: string | null; iteration: number; method: string; url: string }[]; plan: unknown[] };
  assert.equal(report.requests.length, 12);
  assert.deepEqual(report.requests.map((r) => r.iteration), [1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3]);
  const shown = report.requests.map((r) => r.head + (r.body ?? ''));

  const ran = await runInProcess(['run', 'inspect.yaml', '--seed', '1', '--iterations', '3', '--quiet'], dir);
  assert.equal(ran.code, 0, ran.stderr);
  const received = server.raw.map((b) => b.toString('utf8'));
  assert.equal(received.length, 12);
  assert.deepEqual(shown, received);

  // The text form holds the same heads and bodies (LF line ends), in the same order.
  const text = await runInProcess(['inspect', 'inspect.yaml', '--sample', '3', '--seed', '1'], dir);
  assert.equal(text.code, 0, text.stderr);
  let from = 0;
  for (const r of received) {
    const head = r.slice(0, r.indexOf('\r\n\r\n')).replaceAll('\r\n', '\n');
    const at = text.stdout.indexOf(head, from);
    assert.ok(at >= from, `text output lacks, in order:\n${head}`);
    from = at + head.length;
  }
  assert.match(text.stdout, /default: shared-iterations, up to 1 VU\(s\), 50 iteration\(s\), at most 10m00\.0s, 4 request\(s\) per iteration, 200 request\(s\) planned/);
  assert.equal(server.raw.length, 12, 'inspect sent nothing');
});

test('inspect: captured values show as <name>; environment values are redacted unless --show-secrets', async () => {
  writeFileSync(
    join(dir, 'captures.yaml'),
    [
      `target: ${server.url}`,
      'requests:',
      '  - { name: login, method: POST, path: /login, json: { key: "{{env.API_KEY}}" }, capture: { token: $.auth.token, loc: { header: Location } } }',
      '  - { name: me, path: "/me/{{loc}}", headers: { Authorization: "Bearer {{token}}" } }',
      'load: { executor: constant-arrival-rate, rate: 50, duration: 1m, preAllocatedVUs: 5 }',
      '',
    ].join('\n'),
  );
  const before = server.raw.length;
  const r = await runInProcess(['inspect', 'captures.yaml', '--sample', '1'], dir, { API_KEY: 'sekrit-value' });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /authorization: Bearer <token>/);
  assert.match(r.stdout, /GET \/me\/%3Cloc%3E HTTP\/1\.1/);
  assert.doesNotMatch(r.stdout, /sekrit-value/);
  assert.match(r.stdout, /constant-arrival-rate, up to 1,000 VU\(s\), 50 iterations\/s, 3,000 iteration\(s\), 1m00\.0s, 2 request\(s\) per iteration, 6,000 request\(s\) planned/);
  const shown = await runInProcess(['inspect', 'captures.yaml', '--sample', '1', '--show-secrets'], dir, { API_KEY: 'sekrit-value' });
  assert.match(shown.stdout, /\{"key":"sekrit-value"\}/);
  assert.equal(server.raw.length, before, 'inspect sent nothing');
});

test('inspect: a cookie capture shows as <name>, in the jar and in the capture, and the requests after it are shown', async () => {
  writeFileSync(
    join(dir, 'cookie-capture.yaml'),
    [
      `target: ${server.url}`,
      'requests:',
      '  - { name: login, method: POST, path: /login, form: { user: a }, capture: { sid: { cookie: sid } } }',
      '  - { name: me, path: "/me?s={{sid}}" }',
      'load: { executor: shared-iterations, vus: 1, iterations: 1 }',
      '',
    ].join('\n'),
  );
  const before = server.raw.length;
  const r = await runInProcess(['inspect', 'cookie-capture.yaml', '--sample', '1'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /GET \/me\?s=%3Csid%3E HTTP\/1\.1/);
  assert.match(r.stdout, /cookie: sid=<sid>/);
  assert.equal(server.raw.length, before, 'inspect sent nothing');
});

test('inspect leaves WebSocket sessions out and says so (it opens no connection)', async () => {
  const repo = new URL('../..', import.meta.url).pathname;
  const r = await runInProcess(['inspect', 'scenarios/chat.yaml', '--sample', '1', '--target', server.url], repo);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /POST \/login HTTP\/1\.1/);
  assert.match(r.stdout, /default: 1 WebSocket session\(s\) per iteration not shown/);
});
