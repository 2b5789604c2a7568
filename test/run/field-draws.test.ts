// Which fields an iteration draws, and from what stream: each request-list scenario draws only the fields its
// templates read (requests, headers, WebSocket steps), a code scenario all of them; each VU reseeds one stream
// in place, which must give exactly the stream a new one would (payloads are a function of seed and iteration).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng, deriveSeed, deriveSeed2, deriveSeed3, intBelow, limitOf, Sfc32 } from '../../src/generators/rng.ts';
import { compilePlan } from '../../src/plan/compile.ts';
import { Run } from '../../src/run.ts';
import { loadYamlScenario } from '../../src/scenario/load-yaml.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const servers: TestServer[] = [];
after(() => Promise.all(servers.map((s) => s.close())));
const dir = mkdtempSync(join(tmpdir(), 'runner-field-draws-'));

const fields = `fields:
  spare: { gen: int, min: 1, max: 2, unique: true }
  b: { gen: string, length: 6 }
  c: { gen: int, min: 1, max: 9 }
  d: { gen: koreanName }
  e: { gen: email }
  f: { gen: sequence, prefix: "f-" }
`;

test('each request-list scenario draws the fields its templates read (path, header, body, ws step), in slot order', () => {
  const model = loadYamlScenario(
    `name: draws
target: http://127.0.0.1:9
${fields}scenarios:
  one:
    load: { executor: shared-iterations, vus: 1, iterations: 1 }
    requests:
      - { name: a, path: "/a/{{c}}", headers: { X-B: "{{b}}" }, capture: { tok: $.t } }
      - { name: a2, path: "/a2/{{tok}}" }
  two:
    load: { executor: shared-iterations, vus: 1, iterations: 1 }
    requests:
      - { name: b, method: POST, path: /b, json: { name: "{{d}}" } }
  three:
    load: { executor: shared-iterations, vus: 1, iterations: 1 }
    requests:
      - name: c
        path: /c
      - ws: { name: chat, path: "/chat?u={{e}}", steps: [{ send: { text: "hi {{f}}" } }, { close: 1000 }] }
`,
    join(dir, 'draws.yaml'),
  );
  const plan = compilePlan(model, { seed: 1, env: {} });
  const names = (i: number) => plan.scenarios[i].drawFields.map((f) => plan.fields[f].name);
  assert.deepEqual(names(0), ['b', 'c']);
  assert.deepEqual(names(1), ['d']);
  assert.deepEqual(names(2), ['e', 'f']);
});

test('an unused unique field is never drawn: 2 values do not run out over 6 iterations (on the old code 4 failed)', async () => {
  const server = await startTestServer();
  servers.push(server);
  const model = loadYamlScenario(
    `name: unused
target: ${server.url}
${fields}requests:
  - { name: p, method: POST, path: "/p/{{c}}", json: { b: "{{b}}", d: "{{d}}", e: "{{e}}" } }
load: { executor: shared-iterations, vus: 2, iterations: 6 }
`,
    join(dir, 'unused.yaml'),
  );
  const send = async () => {
    const before = server.received.length;
    const result = await new Run(compilePlan(model, { seed: 7, env: {} })).start();
    return { result, bodies: server.received.slice(before).map((r) => `${r.path} ${r.body}`) };
  };
  const first = await send();
  assert.equal(first.result.iterations.completed, 6, JSON.stringify(first.result.iterations));
  assert.equal(first.result.iterations.failed, 0);
  assert.equal(first.bodies.length, 6);
  // The same seed, the same payloads (whichever VU ran which iteration).
  const again = await send();
  assert.deepEqual([...again.bodies].sort(), [...first.bodies].sort());
  assert.equal(new Set(first.bodies).size, 6, 'every iteration drew its own values');
});

test('a reseeded stream is the stream a new one gives; deriveSeed2/3 and intBelow agree with the general forms', () => {
  const reused = new Sfc32(0);
  for (const seed of [0, 1, 42, 0xffffffff, 2 ** 32 + 5, Number.MAX_SAFE_INTEGER, deriveSeed(3, 1, 99)]) {
    // Used before reseeding, as a VU's stream is by its previous iteration.
    for (let i = 0; i < 5; i++) reused.nextU32();
    reused.reseed(seed);
    const fresh = createRng(seed);
    for (let i = 0; i < 20; i++) assert.equal(reused.nextU32(), fresh.nextU32(), `seed ${seed}, output ${i}`);
  }
  for (const [a, b, c] of [[0, 0, 0], [1, 2, 3], [2 ** 40 + 7, 5, 123_456_789_012], [0xffffffff, 1, 2 ** 32]]) {
    assert.equal(deriveSeed2(a, b), deriveSeed(a, b));
    assert.equal(deriveSeed3(a, b, c), deriveSeed(a, b, c));
  }
  for (const n of [1, 2, 10, 52, 82, 1000, 2 ** 31, 2 ** 31 + 1, 2 ** 32 - 1, 2 ** 32]) {
    const x = createRng(n);
    const y = createRng(n);
    const limit = limitOf(n);
    for (let i = 0; i < 200; i++) assert.equal(intBelow(y, n, limit), x.int(n), `n ${n}, draw ${i}`);
  }
});

test('JSON bodies: plain fields are written as they are, and a field a capture refills is escaped like any value', async () => {
  const server = await startTestServer({
    handle: (req) => (req.path === '/one' ? { kind: 'respond', status: 200, body: JSON.stringify({ t: 'a"b\\c\n' }), headers: { 'content-type': 'application/json' } } : { kind: 'respond', status: 200, body: '{}' }),
  });
  servers.push(server);
  const model = loadYamlScenario(
    `name: plain
target: ${server.url}
fields:
  tok: { gen: string, length: 4 }
  name: { gen: koreanName }
  odd: { gen: string, length: 3, chars: 'a"\\' }
  plan: { gen: pick, values: [free, pro] }
  seq: { gen: sequence, prefix: u- }
  quoted: { gen: pick, values: ['say "hi"', 42] }
requests:
  - { name: one, method: POST, path: /one, json: { t: "{{tok}}", n: "{{name}}", m: "x {{name}} y", o: "{{odd}}", p: "{{plan}}", s: "{{seq}}", q: "{{quoted}}" }, capture: { tok: $.t } }
  - { name: two, method: POST, path: /two, json: { t: "{{tok}}", n: "{{name}}" } }
load: { executor: shared-iterations, vus: 1, iterations: 3 }
`,
    join(dir, 'plain.yaml'),
  );
  const plan = compilePlan(model, { seed: 3, env: {} });
  const result = await new Run(plan).start();
  assert.equal(result.iterations.completed, 3, JSON.stringify(result.iterations));
  for (const r of server.received) {
    const body = JSON.parse(r.body) as Record<string, string>;
    assert.match(body.n, /^[\uac00-\ud7a3]{3}$/, r.body);
    if (r.path === '/two') assert.equal(body.t, 'a"b\\c\n', 'the captured value, escaped');
    else {
      assert.match(body.t, /^[a-zA-Z]{4}$/);
      assert.equal(body.m, `x ${body.n} y`);
      assert.match(body.o, /^[a"\\]{3}$/, 'a field whose characters need escaping is escaped');
      assert.match(body.p, /^(free|pro)$/);
      assert.match(body.s, /^u-\d+$/);
      assert.ok(body.q === 'say "hi"' || (body.q as unknown) === 42, r.body);
    }
  }
  assert.equal(server.received.length, 6);
});
