// Collector counts: the invariants between totals, statuses, errors and histograms, per request and merged.
import { test } from 'node:test';
import { fail, respond } from '../helpers/samples.ts';
import assert from 'node:assert/strict';
import { createCollector, MAX_REQUEST_NAMES, OTHER_NAME } from '../../src/metrics/collector.ts';
import { decodeHistogram } from '../../src/metrics/histogram.ts';
import type { RequestResult } from '../../src/result/types.ts';
import type { ErrorKind } from '../../src/errors.ts';

const sum = (r: Record<string, number>): number => Object.values(r).reduce((a, b) => a + b, 0);

/** Three request ids with a known mix: statuses (one odd), errors, unexpected statuses, bytes. */
function filled() {
  const c = createCollector(['home', 'login', 'search']);
  const statuses = [200, 200, 200, 404, 500, 302];
  const kinds: ErrorKind[] = ['refused', 'timeout', 'reset'];
  for (let i = 0; i < 3000; i++) {
    const id = i % 3;
    const status = statuses[(i + id) % statuses.length];
    respond(c, id, status, 1000 + i, 500 + i, 100, 1000, status < 400);
    if (i % 10 === 0) fail(c, id, kinds[i % 3], 100, 0);
  }
  respond(c, 2, 799, 5000, 4000, 10, 20, false); // beyond the fixed status array
  respond(c, 2, -1, 5000, 4000, 10, 20, false);
  return c;
}

function checkInvariants(r: RequestResult, label: string): void {
  assert.equal(r.totals.requests, sum(r.totals.byStatus) + sum(r.totals.errors), `${label}: requests = Σ byStatus + Σ errors`);
  assert.equal(r.latency.count, sum(r.totals.byStatus), `${label}: latency.count = Σ byStatus`);
  assert.equal(r.serviceTime.count, sum(r.totals.byStatus), `${label}: serviceTime.count = Σ byStatus`);
  assert.equal(decodeHistogram(r.latency.hdr).totalCount, r.latency.count, `${label}: hdr holds latency.count values`);
  for (const n of [...Object.values(r.totals.byStatus), ...Object.values(r.totals.errors)]) assert.ok(n > 0, `${label}: only non-zero entries`);
}

test('invariants hold per request and for the total', () => {
  const c = filled();
  const { total, byName } = c.toRequestResults(10_000);
  assert.deepEqual(Object.keys(byName), ['home', 'login', 'search']);
  checkInvariants(total, 'total');
  for (const [name, r] of Object.entries(byName)) checkInvariants(r, name);
  assert.equal(total.totals.requests, 3002 + 300);
  assert.equal(c.requests(), 3302);
});

test('the total equals the sum of the per-request parts', () => {
  const { total, byName } = filled().toRequestResults(10_000);
  const parts = Object.values(byName);
  const byStatus: Record<string, number> = {};
  const errors: Record<string, number> = {};
  for (const p of parts) {
    for (const [k, n] of Object.entries(p.totals.byStatus)) byStatus[k] = (byStatus[k] ?? 0) + n;
    for (const [k, n] of Object.entries(p.totals.errors)) errors[k] = (errors[k] ?? 0) + n;
  }
  assert.deepEqual(total.totals.byStatus, byStatus);
  assert.deepEqual(total.totals.errors, errors);
  for (const key of ['requests', 'unexpectedStatus', 'bytesSent', 'bytesReceived'] as const) {
    assert.equal(total.totals[key], parts.reduce((a, p) => a + p.totals[key], 0), key);
  }
  assert.equal(total.latency.count, parts.reduce((a, p) => a + p.latency.count, 0));
  assert.equal(total.latency.min, Math.min(...parts.map((p) => p.latency.min)));
  assert.equal(total.latency.max, Math.max(...parts.map((p) => p.latency.max)));
});

test('exact counts: statuses, errors by kind, unexpected statuses, bytes, rps', () => {
  const c = createCollector(['a', 'b']);
  respond(c, 0, 200, 1000, 800, 10, 100, true);
  respond(c, 0, 200, 2000, 1500, 10, 100, true);
  respond(c, 1, 503, 3000, 2500, 10, 50, false);
  fail(c, 1, 'refused', 0, 0);
  fail(c, 1, 'refused', 0, 0);
  fail(c, 0, 'timeout', 10, 0);
  fail(c, 0, 'no-such-kind' as ErrorKind, 0, 0);
  const { total, byName } = c.toRequestResults(2000);
  assert.deepEqual(total.totals, {
    requests: 7,
    byStatus: { '200': 2, '503': 1 },
    errors: { refused: 2, timeout: 1, other: 1 },
    unexpectedStatus: 1,
    bytesSent: 40,
    bytesReceived: 250,
    rps: 3.5,
  });
  assert.deepEqual(byName.a.totals.byStatus, { '200': 2 });
  assert.deepEqual(byName.b.totals.errors, { refused: 2 });
  // 3 significant digits: each value is reported at its bucket's bound, within 0.1%.
  assert.ok(Math.abs(byName.a.latency.min - 1) <= 0.001, `min ${byName.a.latency.min}`);
  assert.ok(Math.abs(byName.a.latency.max - 2) <= 0.002, `max ${byName.a.latency.max}`);
  assert.ok(Math.abs(byName.b.serviceTime.p50 - 2.5) <= 0.0025, `p50 ${byName.b.serviceTime.p50}`);
  assert.equal(byName.b.latency.count, 1);
});

test('odd statuses are kept, keyed by their decimal string', () => {
  const { total } = filled().toRequestResults(1000);
  const keys = Object.keys(total.totals.byStatus).sort((a, b) => Number(a) - Number(b));
  assert.deepEqual(keys, ['-1', '200', '302', '404', '500', '799']);
  assert.equal(total.totals.byStatus['799'], 1);
  assert.equal(total.totals.byStatus['-1'], 1);
});

test('request ids that share a name are merged under it', () => {
  const c = createCollector(['x', 'y', 'x']);
  respond(c, 0, 200, 1000, 1000, 1, 1, true);
  respond(c, 2, 201, 1000, 1000, 1, 1, true);
  respond(c, 1, 200, 1000, 1000, 1, 1, true);
  const { byName } = c.toRequestResults(1000);
  assert.deepEqual(byName.x.totals.byStatus, { '200': 1, '201': 1 });
  assert.equal(byName.x.latency.count, 2);
  assert.equal(byName.y.latency.count, 1);
});

test('an empty collector reports zeros and rps 0 for a zero duration', () => {
  const { total, byName } = createCollector(['a']).toRequestResults(0);
  assert.equal(total.totals.requests, 0);
  assert.equal(total.totals.rps, 0);
  assert.deepEqual(total.totals.byStatus, {});
  assert.deepEqual(total.totals.errors, {});
  assert.equal(byName.a.latency.count, 0);
});

test('an unknown request id is a bug and throws', () => {
  const c = createCollector(['a']);
  assert.throws(() => respond(c, 1, 200, 1, 1, 0, 0, true), RangeError);
  assert.throws(() => fail(c, -1, 'refused', 0, 0), RangeError);
});

test('register() adds names at run time; known names keep their id', () => {
  const c = createCollector(['signup']);
  assert.equal(c.register('signup'), 0);
  const me = c.register('GET /me');
  assert.equal(me, 1);
  assert.equal(c.register('GET /me'), 1);
  assert.deepEqual(c.requestNames, ['signup', 'GET /me']);
  respond(c, 0, 200, 1000, 900, 10, 10, true);
  respond(c, me, 401, 2000, 1900, 10, 10, false);
  fail(c, me, 'reset', 10, 0);
  const { total, byName } = c.toRequestResults(1000);
  assert.deepEqual(Object.keys(byName), ['signup', 'GET /me']);
  assert.deepEqual(byName['GET /me'].totals.byStatus, { '401': 1 });
  assert.deepEqual(byName['GET /me'].totals.errors, { reset: 1 });
  assert.equal(total.totals.requests, 3);
  assert.throws(() => respond(c, 2, 200, 1, 1, 0, 0, true), RangeError);
});

test('register() scopes ids per scenario: the same name in two scopes is two ids, merged by name', () => {
  const c = createCollector(['plan']);
  const a = c.register('GET /x', 'browse');
  const b = c.register('GET /x', 'buy');
  assert.notEqual(a, b);
  assert.equal(c.register('GET /x', 'browse'), a);
  assert.equal(c.register('plan'), 0, "scope '' holds the plan's names");
  assert.deepEqual(c.idsIn('browse'), [a]);
  assert.deepEqual(c.idsIn('buy'), [b]);
  respond(c, a, 200, 1000, 1000, 0, 0, true);
  respond(c, b, 200, 1000, 1000, 0, 0, true);
  respond(c, b, 500, 1000, 1000, 0, 0, false);
  assert.equal(c.summarizeIds(c.idsIn('buy'), 1000).totals.requests, 2);
  assert.equal(c.toRequestResults(1000).byName['GET /x'].totals.requests, 3);
});

test(`past ${MAX_REQUEST_NAMES} ids, new names share '${OTHER_NAME}' per scope; memory stays bounded`, () => {
  const before = process.memoryUsage().arrayBuffers;
  const c = createCollector([]);
  const names = 20_000;
  for (let i = 0; i < names; i++) {
    const id = c.register(`GET /user/${i}`, 'default');
    respond(c, id, 200, 500 + (i % 1000), 400 + (i % 1000), 10, 10, true);
  }
  assert.equal(c.requestNames.length, MAX_REQUEST_NAMES + 1);
  assert.equal(c.requestNames.at(-1), OTHER_NAME);
  // A known name keeps its id; a folded one keeps going to the scope's (other).
  assert.equal(c.register('GET /user/0', 'default'), 0);
  assert.equal(c.register('GET /user/19999', 'default'), MAX_REQUEST_NAMES);
  assert.deepEqual(c.folded(), { names: names - MAX_REQUEST_NAMES, atLeast: false, requests: names - MAX_REQUEST_NAMES });
  const { total, byName } = c.toRequestResults(1000);
  assert.equal(total.totals.requests, names);
  assert.equal(byName[OTHER_NAME].totals.requests, names - MAX_REQUEST_NAMES);
  assert.equal(byName[OTHER_NAME].latency.count, names - MAX_REQUEST_NAMES);
  // 1,001 ids with one small histogram each (closed model: latency = service time) — ~16 MB, not 20,000 × 3 × 94 KB.
  const grewMb = (process.memoryUsage().arrayBuffers - before) / 1e6;
  assert.ok(grewMb < 100, `array buffers grew ${grewMb.toFixed(0)} MB`);
});

test('histograms are created on first record and the open model keeps two per name, not three', () => {
  const c = createCollector(['closed', 'open', 'unused']);
  respond(c, 0, 200, 1000, 1000, 0, 0, true);
  respond(c, 1, 200, 3000, 1000, 0, 0, true);
  respond(c, 1, 200, 2000, 2000, 0, 0, true); // equal values after the pair exists go to the pair
  const { byName } = c.toRequestResults(1000);
  assert.equal(byName.closed.latency.count, 1);
  assert.equal(byName.closed.serviceTime.count, 1);
  assert.equal(byName.open.latency.count, 2);
  assert.equal(byName.open.serviceTime.count, 2);
  assert.equal(byName.open.latency.max, 3.001);
  assert.equal(byName.open.serviceTime.max, 2);
  assert.equal(byName.unused.latency.count, 0);
});

test('summarizeNames() gives the total and only the names asked for (the live threshold watch)', () => {
  const c = createCollector(['a', 'b', 'a']);
  respond(c, 0, 200, 1000, 1000, 0, 0, true);
  respond(c, 1, 200, 1000, 1000, 0, 0, true);
  respond(c, 2, 500, 1000, 1000, 0, 0, false);
  const { total, byName } = c.summarizeNames(['a', 'missing', 'a'], 1000);
  assert.deepEqual(Object.keys(byName), ['a']);
  assert.deepEqual(byName.a.totals.byStatus, { '200': 1, '500': 1 });
  assert.equal(total.totals.requests, 3);
  assert.deepEqual(total, c.toRequestResults(1000).total);
});
