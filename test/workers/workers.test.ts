// --workers: N threads, each its own pool and segment; one summary and one result whose numbers are the
// unsharded run's: the same payloads on the server, the same totals, histogram counts equal to the requests.
// The runs spawn the built CLI (threads load the bundle, not the sources through tsx); Ctrl-C with workers
// exits 130 with a result whose books balance against the server.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeHistogram } from '../../src/metrics/histogram.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { runInProcess } from '../e2e/in-process.ts';
import { runCli } from '../e2e/cli.ts';

const servers: TestServer[] = [];
after(() => Promise.all(servers.map((s) => s.close())));
const dir = mkdtempSync(join(tmpdir(), 'runner-workers-'));

const scenario = (url: string, load: string) => `name: workers
target: ${url}
fields:
  id: { gen: string, length: 8, unique: true }
  n: { gen: int, min: 1, max: 1000000 }
requests:
  - name: post
    method: POST
    path: /x/{{n}}
    json: { id: "{{id}}", n: "{{n}}" }
    expect: 200
load: ${load}
`;

async function runWith(workers: number, load: string) {
  const server = await startTestServer();
  servers.push(server);
  const file = join(dir, `w${workers}.yaml`);
  writeFileSync(file, scenario(server.url, load));
  const out = join(dir, `w${workers}.json`);
  const r = await runCli(['run', file, '--workers', String(workers), '--seed', '9', '--out', out], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  const bodies = server.received.map((x) => `${x.path} ${x.body}`).sort();
  return { r, result: JSON.parse(readFileSync(out, 'utf8')), hash: createHash('sha256').update(bodies.join('\n')).digest('hex'), count: server.count, ids: new Set(bodies.map((b) => JSON.parse(b.slice(b.indexOf(' ') + 1)).id)).size };
}

test('--workers 2 vs --workers 1, same seed, shared-iterations 6,000: the same payloads, totals, one summary, histogram count = requests', async () => {
  const load = '{ executor: shared-iterations, vus: 8, iterations: 6000 }';
  const one = await runWith(1, load);
  const two = await runWith(2, load);
  assert.equal(one.count, 6000);
  assert.equal(two.count, 6000);
  assert.equal(two.hash, one.hash, 'the server received byte-for-byte the same bodies');
  assert.equal(two.ids, 6000, 'unique ids never repeat across workers');
  for (const run of [one, two]) {
    const { result, r } = run;
    assert.equal(result.totals.requests, 6000);
    assert.deepEqual(result.totals.byStatus, { 200: 6000 });
    assert.deepEqual(result.iterations, { started: 6000, completed: 6000, failed: 0, dropped: 0, aborted: 0 });
    assert.equal(result.latency.count, 6000);
    assert.equal(decodeHistogram(result.latency.hdr).totalCount, 6000);
    assert.equal(result.requests.post.latency.count, 6000);
    assert.equal(result.scenarios.default.iterations.completed, 6000);
    assert.deepEqual(result.checks, one.result.checks);
    assert.equal(r.stdout.split('outcome: completed').length - 1, 1, `one summary:\n${r.stdout}`);
  }
  assert.equal(two.result.scenario.seed, 9);
  assert.equal(two.result.scenario.segment, undefined, 'workers are not segments of the run: the result is the whole run');
});

test('--workers refuses a missed start instant and a bad count, before any thread starts', async () => {
  const file = join(dir, 'refuse.yaml');
  writeFileSync(file, scenario('http://127.0.0.1:1', '{ executor: shared-iterations, vus: 1, iterations: 1 }'));
  // A start instant already missed is refused before the threads start (they compile before the instant now).
  const late = await runInProcess(['run', file, '--workers', '2', '--start-at', '2020-01-01T00:00:00Z', '-q'], dir);
  assert.equal(late.code, 2, late.stderr);
  assert.match(late.stderr, /--start-at 2020-01-01T00:00:00.000Z passed [\d.]+ s ago/);
  const bad = await runInProcess(['run', file, '--workers', 'many', '-q'], dir);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--workers takes a number of threads/);
});

test('--workers with a code scenario: names made at run time are followed live, so abortOnFail stops the run', async () => {
  const server = await startTestServer({ behaviour: { kind: 'respond', status: 500, body: 'no' } });
  servers.push(server);
  const file = join(dir, 'code-abort.ts');
  writeFileSync(
    file,
    [
      "import { defineScenario } from 'runner';",
      'export default defineScenario({',
      `  target: '${server.url}',`,
      "  load: { executor: 'constant-vus', vus: 2, duration: '20s' },",
      "  thresholds: { http_req_failed: [{ threshold: 'rate<0.5', abortOnFail: true }] },",
      '  iteration: async ({ http, sleep }) => {',
      "    await http.get('/fail', { name: 'fail' });",
      '    await sleep(20);',
      '  },',
      '});',
      '',
    ].join('\n'),
  );
  const out = join(dir, 'code-abort.json');
  const hlog = join(dir, 'code-abort.hlog');
  const r = await runCli(['run', file, '--workers', '2', '--out', out, '--hdr-log', hlog, '-q'], { cwd: dir });
  assert.equal(r.code, 99, r.stderr);
  const result = JSON.parse(readFileSync(out, 'utf8'));
  assert.equal(result.outcome, 'aborted', 'the live threshold saw the workers\' requests (it saw none before: unknown request id)');
  assert.ok(!result.warnings.some((w: string) => /stopped following the workers/.test(w)), result.warnings.join('\n'));
  assert.ok(result.durationMs < 15_000, `stopped after ${result.durationMs} ms`);
  // The HDR log learned the name the threads made at run time: its lines carry the name's tag, not '#0'.
  const log = readFileSync(hlog, 'utf8');
  assert.match(log, /^#\[Tag fail = "fail"\]$/m);
  assert.match(log, /^Tag=fail,/m);
  assert.doesNotMatch(log, /Tag=#/);
  assert.equal(result.totals.requests, server.count, 'the books balance against the server');
});

test('--workers 2 over a queue data file: each row once, and one warning that the rows ran out', async () => {
  const server = await startTestServer();
  servers.push(server);
  writeFileSync(join(dir, 'rows.csv'), ['email', ...Array.from({ length: 10 }, (_, i) => `u${i}@x.test`)].join('\n') + '\n');
  const file = join(dir, 'queue.yaml');
  writeFileSync(
    file,
    `name: queue\ntarget: ${server.url}\ndata:\n  users: { file: rows.csv, order: queue }\nrequests:\n  - name: post\n    method: POST\n    path: /q\n    body: "{{users.email}}"\nload: { executor: shared-iterations, vus: 2, iterations: 20 }\n`,
  );
  const out = join(dir, 'queue.json');
  const r = await runCli(['run', file, '--workers', '2', '--seed', '3', '--out', out, '-q'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(server.received.map((x) => x.body).sort(), Array.from({ length: 10 }, (_, i) => `u${i}@x.test`).sort());
  const result = JSON.parse(readFileSync(out, 'utf8'));
  const ranOut = result.warnings.filter((w: string) => /ran out/.test(w));
  assert.equal(ranOut.length, 1, ranOut.join('\n'));
});

test('--workers 2 over data files (loaded once, shared with the threads): exactly the rows one thread picks', async () => {
  writeFileSync(join(dir, 'people.csv'), ['name,city', ...Array.from({ length: 50 }, (_, i) => `p${i},c${i % 7}`)].join('\n') + '\n');
  writeFileSync(join(dir, 'items.jsonl'), Array.from({ length: 30 }, (_, i) => JSON.stringify({ sku: `s${i}`, price: i + 0.5 })).join('\n') + '\n');
  const bodies: string[][] = [];
  for (const workers of [undefined, '2']) {
    const server = await startTestServer();
    servers.push(server);
    const file = join(dir, 'rows.yaml');
    writeFileSync(
      file,
      `name: rows\ntarget: ${server.url}\ndata:\n  people: { file: people.csv, order: random }\n  items: { file: items.jsonl, order: circular }\nrequests:\n  - name: post\n    method: POST\n    path: /r\n    body: "{{people.name}} {{people.city}} {{items.sku}} {{items.price}}"\nload: { executor: shared-iterations, vus: 4, iterations: 120 }\n`,
    );
    const r = await runCli(['run', file, '--seed', '11', '-q', ...(workers ? ['--workers', workers] : [])], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    bodies.push(server.received.map((x) => x.body).sort());
  }
  assert.equal(bodies[1].length, 120);
  assert.deepEqual(bodies[1], bodies[0]);
});

test('--workers 2 --connections 4: the process holds 4 connections in all, as one thread does (each thread opened 4 before)', async () => {
  const server = await startTestServer({ record: false, behaviour: { kind: 'respond', status: 200, body: '{}', delayMs: 20 } });
  servers.push(server);
  const file = join(dir, 'conns.yaml');
  writeFileSync(file, scenario(server.url, '{ executor: constant-vus, vus: 8, duration: 1s }'));
  const r = await runInProcess(['run', file, '--workers', '2', '--connections', '4', '--seed', '2', '-q'], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(server.count > 20, `${server.count} requests`);
  assert.equal(server.connections, 4);
});

test('--workers 3 --connections 1: each thread needs its own connection, and the result says the explicit total was exceeded', async () => {
  const server = await startTestServer({ record: false });
  servers.push(server);
  const file = join(dir, 'conn1.yaml');
  writeFileSync(file, scenario(server.url, '{ executor: shared-iterations, vus: 3, iterations: 6 }'));
  const out = join(dir, 'conn1.json');
  const r = await runInProcess(['run', file, '--workers', '3', '--connections', '1', '--seed', '2', '-q', '--out', out], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(server.connections, 3);
  const result = JSON.parse(readFileSync(out, 'utf8'));
  assert.ok(result.warnings.includes('--workers 3 with 1 connection: each thread opens at least one, so the run holds 3 connections, not 1'), result.warnings.join('; '));
});
