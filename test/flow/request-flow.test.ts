// YAML flows end to end in process: captures (JSON path, header) feed later requests, a failed capture is a
// named check failure that stops the iteration cleanly, think time pauses between steps, expect lists.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { isUserError, type UserError } from '../../src/errors.ts';
import { compilePlan } from '../../src/plan/compile.ts';
import { Run } from '../../src/run.ts';
import { loadYamlScenario } from '../../src/scenario/load-yaml.ts';
import { startTestServer, type Behaviour, type RecordedRequest, type TestServer } from '../helpers/server.ts';

const servers: TestServer[] = [];
after(() => Promise.all(servers.map((s) => s.close())));

async function serve(handle: (req: RecordedRequest, i: number) => Behaviour): Promise<TestServer> {
  const s = await startTestServer({ handle });
  servers.push(s);
  return s;
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): Behaviour => ({
  kind: 'respond',
  status,
  body: JSON.stringify(body),
  headers: { 'content-type': 'application/json', ...headers },
});

async function run(yaml: string, target: string) {
  const model = loadYamlScenario(yaml, '/virtual/flow.yaml');
  const plan = compilePlan(model, { seed: 7, env: {}, target });
  return new Run(plan).start();
}

test('a JSON capture feeds a later header; each iteration uses its own token', async () => {
  let issued = 0;
  const server = await serve((req) => {
    if (req.path === '/login') return json(200, { auth: { token: `t${++issued}` }, items: [{ id: 5 }] });
    return json(200, { seen: req.headers.authorization, item: req.path });
  });
  const result = await run(
    `
requests:
  - name: login
    method: POST
    path: /login
    capture: { token: $.auth.token, first: "$.items[0].id" }
  - name: me
    path: /items/{{first}}
    headers: { Authorization: "Bearer {{token}}" }
    expect: 200
load: { executor: shared-iterations, vus: 3, iterations: 30 }
`,
    server.url,
  );
  assert.equal(result.iterations.completed, 30);
  const me = server.received.filter((r) => r.path === '/items/5');
  assert.equal(me.length, 30);
  // 30 distinct tokens, each sent once: no VU read another iteration's capture.
  assert.equal(new Set(me.map((r) => r.headers.authorization)).size, 30);
  assert.ok(me.every((r) => /^Bearer t\d+$/.test(String(r.headers.authorization))));
  assert.deepEqual(result.checks, {
    'login: status is expected': { passes: 30, fails: 0 },
    'login: captured token': { passes: 30, fails: 0 },
    'login: captured first': { passes: 30, fails: 0 },
    'me: status is expected': { passes: 30, fails: 0 },
  });
});

test('a missing capture field fails its named check and stops the iteration; the run goes on', async () => {
  const server = await serve((req) => (req.path === '/login' ? json(200, { notToken: 1 }) : json(200, {})));
  const result = await run(
    `
requests:
  - { name: login, method: POST, path: /login, capture: { token: $.token } }
  - { name: me, path: /me, headers: { Authorization: "Bearer {{token}}" } }
load: { executor: shared-iterations, vus: 2, iterations: 10 }
`,
    server.url,
  );
  assert.equal(result.outcome, 'completed');
  assert.deepEqual(result.iterations, { started: 10, completed: 0, failed: 10, dropped: 0, aborted: 0 });
  assert.deepEqual(result.checks['login: captured token'], { passes: 0, fails: 10 });
  assert.deepEqual(result.checks['login: status is expected'], { passes: 10, fails: 0 });
  assert.equal(server.received.filter((r) => r.path === '/me').length, 0, 'no request after a failed capture');
  assert.equal(result.totals.requests, 10);
});

test('a capture from a non-JSON body or an object value fails; a header capture works', async () => {
  const server = await serve((req) => {
    if (req.path === '/text') return { kind: 'respond', status: 200, body: 'not json' };
    if (req.path === '/obj') return json(200, { token: { nested: true } });
    return json(201, {}, { 'X-Session': 's-1' });
  });
  const result = await run(
    `
scenarios:
  text:
    load: { executor: shared-iterations, vus: 1, iterations: 2 }
    requests: [{ name: text, path: /text, capture: { t: $.token } }]
  obj:
    load: { executor: shared-iterations, vus: 1, iterations: 2 }
    requests: [{ name: obj, path: /obj, capture: { t: $.token } }]
  header:
    load: { executor: shared-iterations, vus: 1, iterations: 2 }
    requests:
      - { name: session, path: /session, expect: [200, 201], capture: { s: { header: X-Session } } }
      - { name: use, path: "/use/{{s}}" }
`,
    server.url,
  );
  assert.deepEqual(result.checks['text: captured t'], { passes: 0, fails: 2 });
  assert.deepEqual(result.checks['obj: captured t'], { passes: 0, fails: 2 });
  assert.deepEqual(result.checks['session: captured s'], { passes: 2, fails: 0 });
  assert.deepEqual(result.checks['session: status is expected'], { passes: 2, fails: 0 });
  assert.equal(server.received.filter((r) => r.path === '/use/s-1').length, 2);
  assert.equal(result.iterations.failed, 4);
  assert.equal(result.iterations.completed, 2);
});

test('an unexpected status fails the status check and stops the iteration', async () => {
  const server = await serve((req) => (req.path === '/a' ? json(500, {}) : json(200, {})));
  const result = await run(
    `
requests: [{ name: a, path: /a, expect: [200, 201] }, { name: b, path: /b }]
load: { executor: shared-iterations, vus: 1, iterations: 3 }
`,
    server.url,
  );
  assert.deepEqual(result.checks['a: status is expected'], { passes: 0, fails: 3 });
  assert.equal(result.totals.unexpectedStatus, 3);
  assert.equal(server.received.filter((r) => r.path === '/b').length, 0);
});

test('think time pauses between steps (fixed and ranged)', async () => {
  const server = await serve(() => json(200, {}));
  await run(
    `
requests:
  - { name: a, path: /a, think: 60ms }
  - { name: b, path: /b, think: [20ms, 40ms] }
  - { name: c, path: /c }
load: { executor: shared-iterations, vus: 1, iterations: 3 }
`,
    server.url,
  );
  const at = (path: string) => server.received.filter((r) => r.path === path).map((r) => r.at);
  const [a, b, c] = [at('/a'), at('/b'), at('/c')];
  for (let i = 0; i < 3; i++) {
    assert.ok(b[i] - a[i] >= 55, `a→b waited ${b[i] - a[i]} ms`);
    assert.ok(c[i] - b[i] >= 15, `b→c waited ${c[i] - b[i]} ms`);
  }
});

test('a capture is a placeholder for later requests only, not for its own request', () => {
  const yaml = `
requests:
  - { name: login, path: "/login/{{token}}", capture: { token: $.token } }
load: { executor: shared-iterations }
`;
  const model = loadYamlScenario(yaml, '/virtual/flow.yaml');
  try {
    compilePlan(model, { seed: 1, env: {}, target: 'http://127.0.0.1:1' });
    assert.fail('compiled');
  } catch (err) {
    assert.ok(isUserError(err));
    const [d] = (err as UserError).diagnostics;
    assert.equal(d.message, "placeholder '{{token}}' refers to no field or earlier capture");
    assert.deepEqual([d.location?.line, d.location?.column], [3, 34]);
  }
});

test('a unique field running out fails the iteration with its message; the run goes on', async () => {
  const server = await serve(() => json(200, {}));
  const result = await run(
    `
fields: { n: { gen: int, min: 1, max: 3, unique: true } }
requests: [{ name: a, path: "/a/{{n}}" }]
load: { executor: shared-iterations, vus: 1, iterations: 5 }
`,
    server.url,
  );
  assert.equal(result.iterations.completed, 3);
  assert.equal(result.iterations.failed, 2);
  assert.deepEqual(server.received.map((r) => r.path).sort(), ['/a/1', '/a/2', '/a/3']);
  assert.deepEqual(result.iterationErrors, [{ message: "unique values of field 'n' exhausted after 3 draws (its generator has only 3 distinct values)", count: 2 }]);
});
