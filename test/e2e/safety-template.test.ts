// End to end: hostile strings travel server → capture → JSON body template → server, and the server
// JSON.parses every body and gets back exactly the string it sent. Header values cannot inject headers.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createRng } from '../../src/generators/rng.ts';
import { compilePlan } from '../../src/plan/compile.ts';
import { Run } from '../../src/run.ts';
import { loadYamlScenario } from '../../src/scenario/load-yaml.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { assertBooksBalance } from '../faults/harness.ts';

const servers: TestServer[] = [];
after(() => Promise.all(servers.map((s) => s.close())));

/** Pieces that break naive templating; a hostile string is a concatenation of them. */
function hostile(rng: ReturnType<typeof createRng>): string {
  const pieces = ['"', '\\', '\u2028', '😀', '{{', '}}', '${X}', '</script>', '한', '\r\n', "'", '`'];
  let s = '';
  for (let k = rng.int(10); k > 0; k--) {
    const r = rng.int(16);
    if (r < pieces.length) s += pieces[r];
    else if (r === 12) s += String.fromCharCode(rng.int(0x20)); // control characters
    else if (r === 13) s += String.fromCharCode(0xd800 + rng.int(0x800)); // lone surrogates, high or low
    else s += String.fromCharCode(0x61 + rng.int(26));
  }
  return s;
}

const dir = mkdtempSync(join(tmpdir(), 'runner-safety-'));
after(() => rmSync(dir, { recursive: true, force: true }));
// A JSON template with the placeholder inside strings and as a bare value.
writeFileSync(join(dir, 'echo.json'), '{"id": "{{id}}", "v": "{{v}}", "inner": "<{{v}}>", "list": [{{v}}, 7]}\n');

async function runYaml(yaml: string) {
  const plan = compilePlan(loadYamlScenario(yaml, join(dir, 'safety.yaml')), { seed: 1, env: {} });
  return new Run(plan).start();
}

test('2,000 hostile strings captured from responses come back intact in JSON bodies', async () => {
  const rng = createRng(99);
  const sent = new Map<string, string>();
  let parsedOk = 0;
  const mismatches: string[] = [];
  let n = 0;
  const server = await startTestServer({
    handle(req) {
      if (req.path === '/source') {
        const id = String(n++);
        const v = hostile(rng);
        sent.set(id, v);
        // JSON.stringify escapes lone surrogates as \udxxx, so the client's JSON.parse gets them back.
        return { kind: 'respond', status: 200, body: JSON.stringify({ id, v }), headers: { 'content-type': 'application/json' } };
      }
      let body: { id: string; v: unknown; inner: unknown; list: unknown[] };
      try {
        body = JSON.parse(req.body);
      } catch (err) {
        mismatches.push(`not JSON: ${JSON.stringify(req.body)} (${String(err)})`);
        return { kind: 'respond', status: 400 };
      }
      const v = sent.get(body.id);
      const ok = body.v === v && body.inner === `<${v}>` && body.list.length === 2 && body.list[0] === v && body.list[1] === 7;
      if (ok) parsedOk++;
      else mismatches.push(`${JSON.stringify(v)} came back as ${JSON.stringify(body)}`);
      return { kind: 'respond', status: ok ? 200 : 422 };
    },
  });
  servers.push(server);
  const result = await runYaml(
    [
      `target: ${server.url}`,
      'requests:',
      '  - name: source',
      '    path: /source',
      '    capture: { id: $.id, v: $.v }',
      '  - name: echo',
      '    method: POST',
      '    path: /echo',
      '    template: echo.json',
      '    expect: 200',
      'load: { executor: shared-iterations, vus: 8, iterations: 2000 }',
      '',
    ].join('\n'),
  );
  assert.deepEqual(mismatches.slice(0, 5), []);
  assertBooksBalance(result);
  assert.equal(parsedOk, 2000);
  assert.deepEqual(result.totals.byStatus, { '200': 4000 });
  assert.equal(result.iterations.completed, 2000);
});

test('a captured value with CR/LF cannot inject a header', async () => {
  const server = await startTestServer({
    handle(req) {
      if (req.path === '/source') return { kind: 'respond', status: 200, body: JSON.stringify({ v: 'x\r\nX-Evil: 1\r\n\r\nGET /smuggled HTTP/1.1' }) };
      return { kind: 'respond', status: 200 };
    },
  });
  servers.push(server);
  const result = await runYaml(
    [
      `target: ${server.url}`,
      'requests:',
      '  - { name: source, path: /source, capture: { v: $.v } }',
      '  - { name: use, path: /use, headers: { X-Echo: "{{v}}" } }',
      'load: { executor: shared-iterations, vus: 1, iterations: 3 }',
      '',
    ].join('\n'),
  );
  assertBooksBalance(result);
  assert.deepEqual(result.totals.byStatus, { '200': 6 });
  const uses = server.received.filter((r) => r.path === '/use');
  assert.equal(uses.length, 3);
  for (const r of uses) {
    assert.equal(r.headers['x-evil'], undefined);
    assert.equal(r.headers['x-echo'], 'x  X-Evil: 1    GET /smuggled HTTP/1.1');
  }
  assert.ok(!server.received.some((r) => r.path === '/smuggled'));
});
