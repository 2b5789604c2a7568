import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadYamlScenario } from '../../src/scenario/load-yaml.ts';
import { UserError } from '../../src/errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'runner-yaml-'));
const file = join(dir, 's.yaml');

function errorsOf(text: string) {
  try {
    loadYamlScenario(text, file);
  } catch (err) {
    assert.ok(err instanceof UserError, `expected a UserError, got ${String(err)}`);
    return err.diagnostics;
  }
  assert.fail('expected the scenario to be rejected');
}

const good = `name: t
target: http://127.0.0.1:1
fields:
  id: { gen: string, length: 4 }
requests:
  - name: a
    method: post
    path: /a/{{id}}
    json: { id: "{{id}}" }
    expect: [200, 201]
    capture: { token: $.token, loc: { header: Location } }
    think: [10ms, 20ms]
load: { executor: shared-iterations, vus: 2, iterations: 4 }
`;

test('a good scenario becomes the model', () => {
  const m = loadYamlScenario(good, file);
  assert.equal(m.name, 't');
  assert.equal(m.http.timeoutMs, 60_000);
  assert.equal(m.fields[0].gen, 'string');
  assert.deepEqual(m.fields[0].args, { length: 4 });
  const [s] = m.scenarios;
  assert.equal(s.name, 'default');
  assert.deepEqual(s.load, { executor: 'shared-iterations', startTimeMs: 0, gracefulStopMs: 30_000, vus: 2, iterations: 4, maxDurationMs: 600_000 });
  assert.equal(s.flow.kind, 'requests');
  if (s.flow.kind !== 'requests') return;
  const r = s.flow.requests[0];
  assert.equal(r.method, 'POST');
  assert.deepEqual(r.expect, [200, 201]);
  assert.deepEqual(r.captures.map((c) => [c.name, c.from, c.path]), [['token', 'json', '$.token'], ['loc', 'header', 'location']]);
  assert.deepEqual(r.think, { minMs: 10, maxMs: 20 });
  assert.equal(r.body?.kind === 'template' && r.body.format, 'json');
  assert.equal(r.pathLocation?.line, 8);
  assert.equal(r.pathLocation?.column, 11);
});

test('unknown keys: every one reported at its key, with a did-you-mean hint', () => {
  const d = errorsOf(good.replace('method: post', 'metod: post').replace('name: t', 'nmae: t'));
  assert.equal(d.length, 2);
  assert.deepEqual(d.map((x) => [x.location?.line, x.location?.column]), [[1, 1], [7, 5]]);
  assert.match(d[1].message, /unknown key 'metod'/);
  assert.equal(d[1].hint, "did you mean 'method'?");
  assert.equal(d[1].location?.lineText, '    metod: post');
});

test('YAML syntax errors carry the position and the line', () => {
  const d = errorsOf('name: t\nrequests:\n  - path: "/a\n');
  assert.equal(d[0].location?.file, file);
  assert.ok(d[0].location!.line >= 3, `line ${d[0].location?.line}`);
  assert.match(d[0].message, /^YAML: /);
});

test('wrong types, bad durations and unknown executors', () => {
  const d = errorsOf(
    good
      .replace('vus: 2', 'vus: two')
      .replace('think: [10ms, 20ms]', 'think: 10')
      .replace('executor: shared-iterations', 'executor: shared-iteration'),
  );
  const messages = d.map((x) => x.message).join('\n');
  assert.match(messages, /expected a duration, got number 10 at 'requests\[0\]\.think'/);
  assert.match(messages, /unknown executor 'shared-iteration'/);
  assert.equal(d.find((x) => /executor/.test(x.message))?.hint, "did you mean 'shared-iterations'?");
});

test('duplicate request names and a missing template are reported', () => {
  const text = good.replace(
    '    think: [10ms, 20ms]\n',
    "    think: [10ms, 20ms]\n  - name: a\n    path: /b\n  - name: c\n    path: /c\n    template: nope.json\n",
  );
  const messages = errorsOf(text).map((x) => x.message).join('\n');
  assert.match(messages, /duplicate request name 'a'/);
  assert.match(messages, /cannot read template 'nope.json' \(no such file\)/);
});

test('custom tags run no code and are rejected', () => {
  const d = errorsOf('name: !!js/function "function () { return 1 }"\n');
  assert.match(d[0].message, /YAML/);
});

test('a template file is read relative to the scenario', () => {
  writeFileSync(join(dir, 'body.json'), '{"id": "{{id}}"}');
  const m = loadYamlScenario(good.replace('json: { id: "{{id}}" }', 'template: body.json'), file);
  const flow = m.scenarios[0].flow;
  assert.ok(flow.kind === 'requests');
  const body = flow.requests[0].body;
  assert.ok(body?.kind === 'template');
  assert.equal(body.text, '{"id": "{{id}}"}');
  assert.equal(body.file, join(dir, 'body.json'));
});
