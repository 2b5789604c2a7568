// Code scenarios in process, loaded through the TS loader: the iteration context against a real server
// (what it received and what runner reported), exceptions counted by message at their .ts line.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isUserError, type UserError } from '../../src/errors.ts';
import { createIterationErrors, MAX_DISTINCT_ERRORS, OTHER_MESSAGES } from '../../src/flow/iteration-errors.ts';
import { compilePlan } from '../../src/plan/compile.ts';
import { renderSummary } from '../../src/report/summary.ts';
import { Run } from '../../src/run.ts';
import { loadScriptScenario } from '../../src/scenario/load-ts.ts';
import { startTestServer, type Behaviour, type RecordedRequest, type TestServer } from '../helpers/server.ts';

const fixtures = fileURLToPath(new URL('../fixtures/ts/', import.meta.url));
const servers: TestServer[] = [];
after(() => Promise.all(servers.map((s) => s.close())));

async function serve(handle: (req: RecordedRequest) => Behaviour): Promise<TestServer> {
  const s = await startTestServer({ handle });
  servers.push(s);
  return s;
}

async function runFixture(name: string, target: string) {
  const model = await loadScriptScenario(join(fixtures, name));
  return new Run(compilePlan(model, { seed: 3, env: {}, target })).start();
}

const json = (status: number, body: unknown): Behaviour => ({ kind: 'respond', status, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

test('the iteration context: setup data, fields, per-VU state, bodies, names, checks, teardown', async () => {
  const server = await serve((req) => {
    if (req.path === '/setup') return json(200, { token: 'tok-1' });
    if (req.path.startsWith('/items')) return json(200, { user: req.headers['x-user'] });
    if (req.path.startsWith('/state')) return json(404, {});
    return json(204, {});
  });
  const result = await runFixture('code-context.ts', server.url);
  assert.equal(result.outcome, 'completed');
  assert.deepEqual(result.iterations, { started: 6, completed: 6, failed: 0, dropped: 0, aborted: 0 });
  const got = server.received;
  assert.equal(got[0].path, '/setup');
  assert.equal(got[0].method, 'POST');
  assert.equal(got[0].body, '{"hello":"world"}');
  assert.equal(got[0].headers['content-type'], 'application/json');
  assert.equal(got.at(-1)?.path, '/teardown/tok-1');
  assert.equal(got.at(-1)?.method, 'DELETE');
  const puts = got.filter((r) => r.method === 'PUT');
  assert.equal(puts.length, 6);
  assert.ok(puts.every((r) => r.body === 'plain text' && r.headers.authorization === 'Bearer tok-1'));
  assert.deepEqual(puts.map((r) => r.headers['x-user']).sort(), ['u001', 'u002', 'u003', 'u004', 'u005', 'u006']);
  const states = got.filter((r) => r.path.startsWith('/state')).map((r) => new URLSearchParams(r.path.split('?')[1]));
  assert.deepEqual(states.map((q) => `${q.get('vu')}:${q.get('count')}`).sort(), ['1:1', '1:2', '1:3', '2:1', '2:2', '2:3']);
  assert.ok(states.every((q) => /^[가-힣]{3}$/.test(q.get('name') ?? '') && Number(q.get('n')) >= 1 && Number(q.get('n')) <= 9));
  assert.deepEqual(Object.keys(result.requests), ['setup', 'PUT /items', 'state', 'teardown']);
  assert.deepEqual(result.requests['state'].totals.byStatus, { '404': 6 });
  assert.equal(result.requests['state'].totals.unexpectedStatus, 0, 'expect: [200, 404]');
  assert.equal(result.totals.requests, 14);
  assert.deepEqual(result.checks, {
    'put ok': { passes: 6, fails: 0 },
    'echoes user': { passes: 6, fails: 0 },
    'a throwing check fails': { passes: 0, fails: 6 },
  });
  assert.deepEqual(result.iterationErrors, []);
});

test('exceptions fail their iteration, are counted by message at the .ts line, and the run goes on', async () => {
  const server = await serve(() => ({ kind: 'respond', status: 200, body: 'plain text' }));
  const result = await runFixture('runtime-error.ts', server.url);
  const file = join(fixtures, 'runtime-error.ts');
  assert.equal(result.outcome, 'completed');
  assert.deepEqual(result.iterations, { started: 6, completed: 0, failed: 6, dropped: 0, aborted: 0 });
  assert.equal(server.count, 6);
  assert.deepEqual(result.iterationErrors, [
    { message: "SyntaxError: text: status 200, body is not JSON: Unexpected token 'p', \"plain text\" is not valid JSON", count: 3, location: `${file}:10:9` },
    { message: 'odd iteration', count: 3, location: `${file}:9:40` },
  ]);
  const summary = renderSummary(result, { color: false });
  assert.match(summary, new RegExp(`3 × odd iteration  at ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:9:40`));
});

test('iteration errors keep the first distinct messages and count the rest together', () => {
  const errors = createIterationErrors();
  let located = 0;
  const locate = () => (located++, { file: '/s.ts', line: 1, column: 2 });
  for (let i = 0; i < MAX_DISTINCT_ERRORS + 3; i++) errors.record(new Error(`m${i}`), locate);
  errors.record(new Error('m0'), locate);
  errors.record('a string', locate);
  const list = errors.toJSON();
  assert.equal(list.length, MAX_DISTINCT_ERRORS + 1);
  assert.deepEqual(list[0], { message: 'm0', count: 2, location: '/s.ts:1:2' });
  assert.deepEqual(list.at(-1), { message: OTHER_MESSAGES, count: 4 });
  assert.equal(located, MAX_DISTINCT_ERRORS, 'located once per kept message');
});

test('a throw in setup() stops the run before any iteration, as a UserError at its .ts line, and keeps its result', async () => {
  const server = await serve(() => json(503, {}));
  const model = await loadScriptScenario(join(fixtures, 'setup-throws.ts'));
  const run = new Run(compilePlan(model, { seed: 1, env: {}, target: server.url }));
  const result = await run.start();
  const err = run.scenarioCodeError;
  assert.ok(isUserError(err));
  const [d] = (err as UserError).diagnostics;
  assert.equal(d.message, 'setup() threw: no config: status 503');
  assert.deepEqual([d.location?.file, d.location?.line, d.location?.column], [join(fixtures, 'setup-throws.ts'), 7, 35]);
  assert.equal(server.count, 1, 'only the setup request was sent');
  assert.equal(run.iterations.started, 0);
  assert.equal(result.outcome, 'aborted');
  assert.equal(result.totals.requests, 1, "setup's request counts");
  assert.deepEqual(result.iterationErrors, [{ message: 'setup() threw: no config: status 503', count: 1, location: `${join(fixtures, 'setup-throws.ts')}:7:35` }]);
});

test('a stop ends sleeping and waiting iterations as aborted, not failed; a teardown throw is a scenario error', async () => {
  const server = await startTestServer({ behaviour: { kind: 'hang' } });
  servers.push(server);
  const model = await loadScriptScenario(join(fixtures, 'stoppable.ts'));
  const run = new Run(compilePlan(model, { seed: 1, env: {}, target: server.url }), { stopGraceMs: 100 });
  const started = run.start();
  await new Promise((r) => setTimeout(r, 300));
  run.stop();
  const result = await started;
  // The hanging requests outlive the 100 ms grace: the hard stop cuts them short (outcome 'aborted').
  assert.equal(result.outcome, 'aborted');
  assert.equal(result.iterations.failed, 0);
  assert.equal(result.iterations.aborted, 4);
  assert.deepEqual(result.requests['slow'].totals.errors, { aborted: 2 });
  assert.equal(result.iterationErrors?.length, 1);
  assert.equal(result.iterationErrors?.[0].message, 'teardown() threw: teardown failed');
  assert.match(result.iterationErrors?.[0].location ?? '', /stoppable\.ts:11:11$/);
  assert.deepEqual(result.warnings, []);
  assert.match(run.scenarioCodeError?.message ?? '', /^teardown\(\) threw: teardown failed$/);
});
