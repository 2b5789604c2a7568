import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { loadYamlScenario } from '../../src/scenario/load-yaml.ts';
import { compilePlan } from '../../src/plan/compile.ts';
import { createRng } from '../../src/generators/rng.ts';
import { UserError } from '../../src/errors.ts';

const file = join(tmpdir(), 'plan.yaml');
const base = `name: p
target: http://127.0.0.1:9/api/
headers: { X-Token: "{{env.TOKEN}}" }
fields:
  id: { gen: string, length: 6, charset: lower }
  n: { gen: int, min: 1, max: 9 }
requests:
  - name: a
    method: POST
    path: /users/{{id}}?n={{n}}
    json: { id: "{{id}}", n: "{{n}}", raw: "{{n}}x" }
    capture: { token: $.token }
  - name: b
    path: /me
    headers: { Authorization: "Bearer {{token}}" }
load: { executor: per-vu-iterations, vus: 3, iterations: 1 }
`;

function compileText(text: string, env: Record<string, string> = { TOKEN: 's3cret' }) {
  return compilePlan(loadYamlScenario(text, file), { seed: 1, env });
}

test('requests compile into origin, path, headers and body render functions', () => {
  const plan = compileText(base);
  assert.equal(plan.http.connections, 3, 'connections default to the largest VU count');
  assert.deepEqual(plan.requestNames, ['a', 'b']);
  assert.deepEqual(plan.secrets, ['s3cret']);
  const [a, b] = plan.scenarios[0].steps!;
  assert.equal(a.origin, 'http://127.0.0.1:9');
  const vars = ['a b/c', 7, 'tok'];
  assert.equal(a.path(vars), '/api/users/a%20b%2Fc?n=7');
  const headers = Object.fromEntries(a.headers.map((h) => [h.name, h.render(vars)]));
  assert.deepEqual(headers, { 'x-token': 's3cret', 'content-type': 'application/json' });
  // A string that is exactly one placeholder takes the value's own JSON type (an int field: a number).
  assert.deepEqual(JSON.parse(a.body!(vars)), { id: 'a b/c', n: 7, raw: '7x' });
  assert.equal(b.headers.find((h) => h.name === 'authorization')!.render(vars), 'Bearer tok');
  assert.equal(a.captures[0].slot, 2);
  assert.equal(a.needsBody, true);
  assert.equal(b.needsBody, false);
  assert.equal(a.expect[204], 1, 'no expect = any 2xx/3xx');
  assert.equal(a.expect[404], 0);
});

test('fields draw reproducibly from the seeded stream', () => {
  const plan = compileText(base);
  const draw = (seed: number) => {
    const rng = createRng(seed);
    return plan.fields.map((f) => f.draw(rng, 0));
  };
  assert.deepEqual(draw(5), draw(5));
  assert.notDeepEqual(draw(5), draw(6));
});

test('a placeholder with no field is reported at its own line and column', () => {
  assert.throws(
    () => compileText(base.replace('path: /users/{{id}}?n={{n}}', 'path: /users/{{idd}}')),
    (err: unknown) => {
      assert.ok(err instanceof UserError);
      const d = err.diagnostics[0];
      assert.match(d.message, /placeholder '\{\{idd\}\}' refers to no field/);
      assert.equal(d.location?.line, 10);
      assert.equal(d.location?.column, 18);
      assert.equal(d.hint, "did you mean 'id'?");
      return true;
    },
  );
});

test('a capture is usable only by later requests', () => {
  assert.throws(() => compileText(base.replace('path: /users/{{id}}?n={{n}}', 'path: /users/{{token}}')), /refers to no field or earlier capture/);
});

test('a missing environment variable is a user error', () => {
  assert.throws(() => compileText(base, {}), /environment variable 'TOKEN' is not set/);
});

test('an unknown generator is reported with a hint', () => {
  assert.throws(
    () => compileText(base.replace('gen: int', 'gen: integer')),
    (err: unknown) => err instanceof UserError && /integer/.test(err.diagnostics[0].message) && err.diagnostics[0].location?.line === 6,
  );
});

test('relative paths without any target are a user error', () => {
  assert.throws(() => compileText(base.replace('target: http://127.0.0.1:9/api/\n', '')), /no target/);
});

test('a placeholder error in an inline json: body points at the scenario line, flow or block style', async () => {
  const { mkdtempSync, writeFileSync } = await import('node:fs');
  const dir = mkdtempSync(join(tmpdir(), 'runner-inline-'));
  const head = 'name: j\ntarget: http://127.0.0.1:9\nfields:\n  id: { gen: string, length: 4 }\nrequests:\n  - name: a\n    path: /a\n';
  const tail = 'load: { executor: shared-iterations, vus: 1, iterations: 1 }\n';
  const cases: [string, number, number, string][] = [
    ['    json: { user: "{{id}}", other: "{{idd}}" }\n', 8, 37, '    json: { user: "{{id}}", other: "{{idd}}" }'],
    ['    json:\n      user: "{{id}}"\n      other: "{{idd}}"\n', 10, 15, '      other: "{{idd}}"'],
  ];
  for (const [body, line, column, lineText] of cases) {
    const file = join(dir, `s${line}.yaml`);
    const text = head + body + tail;
    writeFileSync(file, text);
    assert.throws(
      () => compilePlan(loadYamlScenario(text, file), { seed: 1, env: {} }),
      (err: unknown) => {
        assert.ok(err instanceof UserError);
        const loc = err.diagnostics[0].location;
        assert.deepEqual([loc?.line, loc?.column, loc?.lineText], [line, column, lineText]);
        return true;
      },
    );
  }
});
