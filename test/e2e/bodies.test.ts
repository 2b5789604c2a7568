// Request bodies are sent byte for byte, or refused before the first request (items 12 and 20): template
// files are UTF-8 (a BOM is dropped; binary is refused), a `.json` template must be JSON once filled, an
// inline `json:` value that is exactly one placeholder takes the value's JSON type, and an unquoted {{x}}
// (a YAML mapping) is an error with a hint. Runs the CLI in-process against a recording server.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { tempDir } from './cli.ts';
import { runInProcess, type InProcessResult } from './in-process.ts';

let tmp: Awaited<ReturnType<typeof tempDir>>;
let server: TestServer;
before(async () => {
  tmp = await tempDir('runner-bodies-');
  server = await startTestServer();
});
after(async () => {
  await server.close();
  await tmp.cleanup();
});

let n = 0;
/** Writes the scenario (and any companion files) and runs it once; returns what the server got from it. */
async function runScenario(yaml: string, files: Record<string, string | Buffer> = {}): Promise<InProcessResult & { bodies: string[]; lengths: string[]; types: string[]; file: string }> {
  for (const [name, content] of Object.entries(files)) writeFileSync(join(tmp.dir, name), content);
  const file = join(tmp.dir, `bodies-${n++}.yaml`);
  writeFileSync(file, `target: ${server.url}\n${yaml}load: { executor: shared-iterations, vus: 1, iterations: 1 }\n`);
  const from = server.received.length;
  const r = await runInProcess(['run', '-q', '--seed', '1', file], tmp.dir);
  const got = server.received.slice(from);
  return {
    ...r,
    file,
    bodies: got.map((g) => g.body),
    lengths: got.map((g) => String(g.headers['content-length'])),
    types: got.map((g) => String(g.headers['content-type'])),
  };
}

const fields = 'fields:\n  age: { gen: int, min: 42, max: 42 }\n  name: { gen: pick, values: [Ann] }\n';

describe('template files go out byte for byte', () => {
  test('a UTF-8 BOM is dropped, not sent', async () => {
    const r = await runScenario(`${fields}requests:\n  - { name: bom, method: POST, path: /, template: bom.json }\n`, {
      'bom.json': Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"name":"{{name}}"}')]),
    });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(r.bodies, ['{"name":"Ann"}']);
    assert.deepEqual(r.lengths, ['14']);
  });

  test('multi-byte UTF-8 text arrives unchanged (bytes and length)', async () => {
    const text = 'héllo 한글 😀 {{name}}\n';
    const r = await runScenario(`${fields}requests:\n  - { name: utf8, method: POST, path: /, template: text.txt }\n`, { 'text.txt': text });
    assert.equal(r.code, 0, r.stderr);
    const expected = text.replace('{{name}}', 'Ann');
    assert.deepEqual(r.bodies, [expected]);
    assert.deepEqual(r.lengths, [String(Buffer.byteLength(expected))]);
  });

  test('a binary template (a PNG header) is refused at load time: no U+FFFD sent in its place', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]);
    const before = server.count;
    const r = await runScenario('requests:\n  - { name: png, method: POST, path: /, template: image.png }\n', { 'image.png': png });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /:3:51: error: template 'image\.png' is not UTF-8 text \(byte 0 is 0x89\): binary bodies are not supported/);
    assert.match(r.stderr, /hint: .*UTF-8/);
    assert.equal(server.count, before, 'nothing sent');
  });

  test('Latin-1 text (invalid UTF-8 in the middle) is refused, naming the byte', async () => {
    const r = await runScenario('requests:\n  - { name: latin1, method: POST, path: /, template: latin1.txt }\n', { 'latin1.txt': Buffer.from('caf\xe9 au lait', 'latin1') });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /is not UTF-8 text \(byte 3 is 0xe9\)/);
  });
});

describe('a .json template that is not JSON once filled is a load-time error at its line:col', () => {
  const cases: [string, string, string, RegExp][] = [
    ['a trailing comma', 'trailing.json', '{\n  "name": "{{name}}",\n}\n', /trailing\.json:3:1: error: template is not JSON: a trailing comma before '}' is not JSON/],
    ['an unquoted word', 'word.json', '{"name": Ann}', /word\.json:1:10: error: template is not JSON: 'A' cannot start a JSON value/],
    ['text glued to a value placeholder', 'glued.json', '{"age": {{age}}years}', /glued\.json:1:16: error: template is not JSON: expected ',' or '}'/],
    ['a placeholder as a key', 'key.json', '{ {{name}}: 1 }', /key\.json:1:3: error: template is not JSON: an object key must be a double-quoted string/],
    ['an unclosed string', 'unclosed.json', '{"name": "{{name}}}', /unclosed\.json:1:10: error: template is not JSON: this string is never closed/],
  ];
  for (const [name, file, text, message] of cases) {
    test(name, async () => {
      const before = server.count;
      const r = await runScenario(`${fields}requests:\n  - { name: t, method: POST, path: /, template: ${file} }\n`, { [file]: text });
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, message);
      assert.equal(server.count, before, 'nothing sent');
    });
  }

  test('placeholders in value and string position, escapes and nesting are fine', async () => {
    const r = await runScenario(`${fields}requests:\n  - { name: ok, method: POST, path: /, template: ok.json }\n`, {
      'ok.json': '{ "age": {{age}}, "name": "{{name}}", "list": [{{age}}, "a\\"b", -1.5e3, true, null], "o": {} }',
    });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.bodies[0]), { age: 42, name: 'Ann', list: [42, 'a"b', -1500, true, null], o: {} });
  });
});

describe('inline json: a value that is exactly one placeholder lands in value position', () => {
  test('numbers and strings by the field, text around a placeholder keeps a string, literals kept', async () => {
    const r = await runScenario(
      `${fields}requests:\n  - name: inline\n    method: POST\n    path: /\n    json: { age: "{{age}}", spaced: "{{ age }}", id: "id-{{age}}", name: "{{name}}", tags: ["{{age}}", "x"], ok: true, n: 3, nothing: null }\n`,
    );
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.bodies[0]), { age: 42, spaced: 42, id: 'id-42', name: 'Ann', tags: [42, 'x'], ok: true, n: 3, nothing: null });
    assert.deepEqual(r.types, ['application/json']);
  });
});

describe('an unquoted {{x}} (YAML reads a mapping) is an error with a hint, wherever it stands', () => {
  const cases: [string, string, string][] = [
    ['in an inline json value', '    json: { age: {{age}} }\n', '8:18'],
    ['in a nested json list', '    json: { list: [ {{age}} ] }\n', '8:21'],
    ['as a header value', '    headers: { X-Age: {{age}} }\n', '8:23'],
    ['as a block header value', '    headers:\n      X-Age: {{ age }}\n', '9:14'],
    ['as the path', '    path: {{name}}\n', '8:11'],
  ];
  for (const [name, line, at] of cases) {
    test(name, async () => {
      const before = server.count;
      const yaml = `${fields}requests:\n  - name: q\n    method: POST\n${line}${line.includes('path:') ? '' : '    path: /\n'}`;
      const r = await runScenario(yaml);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, new RegExp(`bodies-\\d+\\.yaml:${at}: error: unquoted placeholder \\{\\{ ?\\w+ ?\\}\\}: YAML reads \\{\\{…\\}\\} as a mapping`));
      assert.match(r.stderr, /hint: quote it: "\{\{ ?\w+ ?\}\}"/);
      assert.doesNotMatch(r.stderr, /Warning/);
      assert.equal(server.count, before, 'nothing sent');
    });
  }
});
