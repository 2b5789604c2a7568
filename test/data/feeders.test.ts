// Data files (feeders): each order's row choice, queue exhaustion through a real run, column checks at load time,
// CSV/JSON/JSONL loading, and ctx.rows in code scenarios.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { isUserError } from '../../src/errors.ts';
import { compilePlan } from '../../src/plan/compile.ts';
import { Run } from '../../src/run.ts';
import { loadScenario } from '../../src/scenario/load.ts';
import { startTestServer } from '../helpers/server.ts';

const dir = mkdtempSync(join(tmpdir(), 'runner-data-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const users = (n: number) => 'id,email\n' + Array.from({ length: n }, (_, i) => `${i},user${i}@example.com`).join('\n') + '\n';
writeFileSync(join(dir, 'users5000.csv'), users(5000));
writeFileSync(join(dir, 'users10.csv'), users(10));

function scenario(name: string, yaml: string): string {
  writeFileSync(join(dir, name), yaml);
  return name;
}

async function plan(file: string, seed = 1) {
  return compilePlan(await loadScenario(file, dir), { seed, env: {} });
}

async function loadError(file: string) {
  try {
    await plan(file);
  } catch (err) {
    assert.ok(isUserError(err), String(err));
    return err.diagnostics;
  }
  assert.fail('no error');
}

test('queue: 5,000 rows and 5,000 iterations send every row exactly once; 6,000 iterations stop at 5,000 and say why', async () => {
  const server = await startTestServer();
  try {
    const yaml = (iterations: number) => `
target: ${server.url}
data:
  users: { file: users5000.csv, order: queue }
requests:
  - path: /u/{{users.id}}
    headers: { X-Email: "{{users.email}}" }
load: { executor: shared-iterations, vus: 20, iterations: ${iterations} }
`;
    const r1 = await new Run(await plan(scenario('q1.yaml', yaml(5000)))).start();
    assert.equal(r1.iterations.completed, 5000);
    assert.equal(server.received.length, 5000);
    const ids = server.received.map((r) => Number(r.path.slice(3)));
    assert.equal(new Set(ids).size, 5000, 'every row once');
    for (const r of server.received) assert.equal(r.headers['x-email'], `user${r.path.slice(3)}@example.com`, 'columns of one row travel together');
    assert.deepEqual(r1.warnings, []);

    server.received.length = 0;
    const r2 = await new Run(await plan(scenario('q2.yaml', yaml(6000)))).start();
    assert.equal(r2.outcome, 'completed');
    assert.equal(r2.iterations.started, 5000);
    assert.equal(r2.iterations.completed, 5000);
    assert.equal(server.received.length, 5000);
    assert.equal(new Set(server.received.map((r) => r.path)).size, 5000);
    assert.equal(r2.warnings.length, 1);
    assert.match(r2.warnings[0], /data 'users' \(order: queue\) ran out after its 5,000 rows: the scenario started no more iterations$/);
  } finally {
    await server.close();
  }
});

test('shuffle: each row once in a seeded order — the same twice for one seed, another for another seed', async () => {
  const file = scenario('shuffle.yaml', `
target: http://127.0.0.1:9
data:
  users: { file: users5000.csv, order: shuffle }
requests: [{ path: "/u/{{users.id}}" }]
load: { executor: shared-iterations, vus: 1, iterations: 1 }
`);
  const order = async (seed: number) => {
    const source = (await plan(file, seed)).data[0];
    return Array.from({ length: 5000 }, (_, i) => source.rowFor(i));
  };
  const a = await order(7);
  assert.deepEqual(a, await order(7));
  assert.notDeepEqual(a, await order(8));
  assert.equal(new Set(a).size, 5000);
  assert.notDeepEqual(a, Array.from({ length: 5000 }, (_, i) => i), 'not the file order');
  assert.equal((await plan(file, 7)).data[0].rowFor(5000), -1, 'runs out after every row');
});

test('circular wraps around, random is seeded with replacement; both are pure functions of the iteration number', async () => {
  const file = scenario('orders.yaml', `
target: http://127.0.0.1:9
data:
  a: users10.csv
  b: { file: users10.csv, order: random }
requests: [{ path: "/u/{{a.id}}/{{b.id}}" }]
load: { executor: shared-iterations, vus: 1, iterations: 1 }
`);
  const p = await plan(file, 3);
  const [circular, random] = p.data;
  assert.deepEqual(Array.from({ length: 25 }, (_, i) => circular.rowFor(i)), Array.from({ length: 25 }, (_, i) => i % 10));
  const draws = Array.from({ length: 200 }, (_, i) => random.rowFor(i));
  assert.ok(draws.every((r) => r >= 0 && r < 10));
  assert.ok(new Set(draws).size === 10, 'all rows reachable');
  assert.deepEqual(draws, Array.from({ length: 200 }, (_, i) => random.rowFor(i)), 'same iteration, same row');
  const other = (await plan(file, 4)).data[1];
  assert.notDeepEqual(draws, Array.from({ length: 200 }, (_, i) => other.rowFor(i)));
});

test('columns are checked against placeholders at load time, at file:line:col with a did-you-mean', async () => {
  const file = scenario('bad-column.yaml', `target: http://127.0.0.1:9
data:
  users: { file: users10.csv }
requests:
  - path: /u/{{users.emial}}
  - json: { id: "{{usrs.id}}" }
    path: /
load: { executor: shared-iterations, vus: 1, iterations: 1 }
`);
  const ds = await loadError(file);
  const col = ds.find((d) => /no column 'emial'/.test(d.message));
  assert.ok(col, JSON.stringify(ds));
  assert.equal(col.location?.line, 5);
  assert.equal(col.location?.column, 14);
  assert.match(col.hint ?? '', /did you mean 'email'/);
  const src = ds.find((d) => /no data file 'usrs'/.test(d.message));
  assert.ok(src, JSON.stringify(ds));
  assert.match(src.hint ?? '', /did you mean 'users'/);
});

test('bad data sections: unknown order, missing file, wrong kind, reserved name, each at its position', async () => {
  const file = scenario('bad-data.yaml', `target: http://127.0.0.1:9
data:
  a: { file: users10.csv, order: queu }
  b: { file: nope.csv }
  c: { file: users.txt }
  env: { file: users10.csv }
requests: [{ path: / }]
load: { executor: shared-iterations, vus: 1, iterations: 1 }
`);
  const ds = await loadError(file);
  const find = (re: RegExp) => ds.find((d) => re.test(d.message));
  assert.equal(find(/unknown data order "queu"/)?.location?.line, 3);
  assert.match(find(/unknown data order/)?.hint ?? '', /did you mean 'queue'/);
  assert.equal(find(/nope\.csv' \(no such file\)/)?.location?.line, 4);
  assert.equal(find(/not \.csv, \.json or \.jsonl/)?.location?.line, 5);
  assert.equal(find(/data name 'env'/)?.location?.line, 6);
});

test('a CSV row of the wrong width, a JSONL line that is not an object: errors at the data file line', async () => {
  writeFileSync(join(dir, 'ragged.csv'), 'a,b\n1,2\n3\n');
  writeFileSync(join(dir, 'bad.jsonl'), '{"a":1}\n{"a":2}\n[3]\n');
  for (const [data, line, re] of [['ragged.csv', 3, /not valid CSV/], ['bad.jsonl', 3, /line 3 is not an object/]] as const) {
    const ds = await loadError(scenario(`x-${data}.yaml`, `target: http://127.0.0.1:9\ndata: { d: ${data} }\nrequests: [{ path: "/{{d.a}}" }]\nload: { executor: shared-iterations, vus: 1, iterations: 1 }\n`));
    assert.match(ds[0].message, re);
    assert.equal(ds[0].location?.file, join(dir, data));
    assert.equal(ds[0].location?.line, line);
  }
});

test('JSON and JSONL rows keep numbers and booleans: a JSON body gets them unquoted; CSV quoting is honoured', async () => {
  writeFileSync(join(dir, 'p.json'), JSON.stringify([{ name: 'Kim, "J"', age: 41, admin: true }]));
  writeFileSync(join(dir, 'p.jsonl'), '{"name":"Lee","age":7,"admin":false}\n\n');
  writeFileSync(join(dir, 'p.csv'), '\ufeffname,age\n"Park, ""S""",33\n');
  const server = await startTestServer();
  try {
    const file = scenario('typed.yaml', `target: ${server.url}
data:
  j: p.json
  l: p.jsonl
  c: p.csv
requests:
  - method: POST
    path: /p
    json: { a: "{{j.name}}", b: "{{j.age}}", c: "{{j.admin}}", d: "{{l.age}}", e: "{{l.admin}}", f: "{{c.name}}", g: "{{c.age}}" }
load: { executor: shared-iterations, vus: 1, iterations: 1 }
`);
    const r = await new Run(await plan(file)).start();
    assert.equal(r.iterations.completed, 1);
    assert.deepEqual(JSON.parse(server.received[0].body), { a: 'Kim, "J"', b: 41, c: true, d: 7, e: false, f: 'Park, "S"', g: '33' });
  } finally {
    await server.close();
  }
});

test('code scenarios read the same rows as ctx.rows, and a queue stops them too', async () => {
  const server = await startTestServer();
  try {
    writeFileSync(
      join(dir, 'code.ts'),
      `import { defineScenario } from 'runner';
export default defineScenario<undefined, { users: { id: string; email: string } }>({
  target: '${server.url}',
  data: { users: { file: 'users10.csv', order: 'queue' } },
  load: { executor: 'shared-iterations', vus: 2, iterations: 15 },
  iteration: async ({ http, rows }) => {
    await http.get('/u/' + rows.users.id + '?e=' + encodeURIComponent(rows.users.email), { name: 'u' });
  },
});
`,
    );
    const r = await new Run(await plan('code.ts')).start();
    assert.equal(r.iterations.completed, 10);
    assert.deepEqual(server.received.map((q) => q.path).sort(), Array.from({ length: 10 }, (_, i) => `/u/${i}?e=user${i}%40example.com`).sort());
    assert.match(r.warnings.join('\n'), /ran out after its 10 rows/);
  } finally {
    await server.close();
  }
});

test('CLI: validate lists each data file; run says on stderr/summary why a queue stopped, and exits 0', async () => {
  const { runInProcess } = await import('../e2e/in-process.ts');
  const server = await startTestServer();
  try {
    scenario('cli.yaml', `target: ${server.url}
data:
  users: { file: users10.csv, order: queue }
requests: [{ path: "/u/{{users.id}}" }]
load: { executor: shared-iterations, vus: 2, iterations: 15 }
`);
    const v = await runInProcess(['validate', 'cli.yaml'], dir);
    assert.equal(v.code, 0, v.stderr);
    assert.match(v.stdout, /data users: 10 rows \(id, email\), order queue/);
    const r = await runInProcess(['run', 'cli.yaml', '--seed', '1'], dir);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout + r.stderr, /warning: scenario 'default': data 'users' \(order: queue\) ran out after its 10 rows/);
    assert.equal(server.received.length, 10);
  } finally {
    await server.close();
  }
});
