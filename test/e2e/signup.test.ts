// The seed's job end to end with the BUILT CLI: scenarios/signup.yaml (100 VUs, 10,000 shared iterations) against a
// real server that checks every payload's shape and stores users; then seed reproducibility of the payloads.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { join } from 'node:path';
import { GIVEN_SYLLABLES, SURNAMES } from '../../src/generators/korean-name.ts';
import { decodeHistogram, summarizeLatency } from '../../src/metrics/histogram.ts';
import type { LatencySummary } from '../../src/result/types.ts';
import { startTestServer, type Behaviour, type RecordedRequest, type TestServer } from '../helpers/server.ts';
import { readResult, runCli, signupScenario, sum, tempDir } from './cli.ts';

const SURNAME_SET = new Set(SURNAMES);
const GIVEN_SET = new Set(GIVEN_SYLLABLES);

/** Why `req` is not a signup the seed's client would send; undefined when it is one. */
function payloadProblem(req: Pick<RecordedRequest, 'method' | 'path' | 'headers' | 'body'>): string | undefined {
  if (req.method !== 'POST' || req.path !== '/signup') return `${req.method} ${req.path}`;
  if (req.headers['content-type'] !== 'application/json') return `content-type ${String(req.headers['content-type'])}`;
  let u: Record<string, unknown>;
  try {
    u = JSON.parse(req.body) as Record<string, unknown>;
  } catch {
    return `invalid JSON ${req.body}`;
  }
  const keys = Object.keys(u).sort().join(',');
  if (keys !== 'email,userId,userName,userPw') return `keys ${keys}`;
  if (typeof u.userId !== 'string' || !/^[a-zA-Z]{8}$/.test(u.userId)) return `userId ${String(u.userId)}`;
  if (typeof u.email !== 'string' || !/^[a-zA-Z]{5}@gmail\.com$/.test(u.email)) return `email ${String(u.email)}`;
  if (typeof u.userPw !== 'string' || !/^[a-zA-Z]{10}$/.test(u.userPw)) return `userPw ${String(u.userPw)}`;
  const name = typeof u.userName === 'string' ? Array.from(u.userName) : [];
  if (name.length !== 3 || !SURNAME_SET.has(name[0]) || !GIVEN_SET.has(name[1]) || !GIVEN_SET.has(name[2])) return `userName ${String(u.userName)}`;
  return undefined;
}

/** A signup API that refuses (400) any payload of the wrong shape and answers 409 on a repeated userId. */
async function startCheckingServer(): Promise<{ server: TestServer; users: Map<string, string>; problems: string[] }> {
  const users = new Map<string, string>();
  const problems: string[] = [];
  const server = await startTestServer({
    handle(req): Behaviour {
      const problem = payloadProblem(req);
      if (problem !== undefined) {
        problems.push(problem);
        return { kind: 'respond', status: 400, body: '{"error":"bad payload"}' };
      }
      const userId = (JSON.parse(req.body) as { userId: string }).userId;
      if (users.has(userId)) return { kind: 'respond', status: 409, body: '{"error":"duplicate userId"}' };
      users.set(userId, req.body);
      return { kind: 'respond', status: 200, body: '{"ok":true}', headers: { 'content-type': 'application/json' } };
    },
  });
  return { server, users, problems };
}

function assertLatencyMatchesHdr(latency: LatencySummary, label: string): void {
  const decoded = summarizeLatency(decodeHistogram(latency.hdr));
  for (const key of ['count', 'min', 'p50', 'p90', 'p95', 'p99', 'p999', 'max'] as const) {
    assert.equal(latency[key], decoded[key], `${label}: ${key} differs from the one decoded from latency.hdr`);
  }
  assert.ok(Math.abs(latency.mean - decoded.mean) <= 0.001, `${label}: mean ${latency.mean} vs decoded ${decoded.mean}`);
}

describe('the shape checks themselves', () => {
  test('reject a swapped Korean name, a long userId, a wrong domain and a missing content-type', () => {
    const ok = { method: 'POST', path: '/signup', headers: { 'content-type': 'application/json' } };
    const body = (u: object) => JSON.stringify({ userId: 'abcdEFGH', userName: `${SURNAMES[0]}${GIVEN_SYLLABLES[0]}${GIVEN_SYLLABLES[1]}`, email: 'abcde@gmail.com', userPw: 'abcdefghij', ...u });
    assert.equal(payloadProblem({ ...ok, body: body({}) }), undefined);
    // The seed program's bug: the surname drawn from the given-name set.
    const notSurname = GIVEN_SYLLABLES.find((s) => !SURNAME_SET.has(s))!;
    assert.match(payloadProblem({ ...ok, body: body({ userName: `${notSurname}${GIVEN_SYLLABLES[0]}${GIVEN_SYLLABLES[1]}` }) }) ?? '', /userName/);
    assert.match(payloadProblem({ ...ok, body: body({ userId: 'abcdEFGHI' }) }) ?? '', /userId/);
    assert.match(payloadProblem({ ...ok, body: body({ email: 'abcde@gmail.co' }) }) ?? '', /email/);
    assert.match(payloadProblem({ ...ok, headers: {}, body: body({}) }) ?? '', /content-type/);
  });
});

describe('runner run scenarios/signup.yaml (the seed run: 100 VUs, 10,000 iterations)', () => {
  let checking: Awaited<ReturnType<typeof startCheckingServer>>;
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let first: { stdout: string; stderr: string; code: number | null; bodies: string[] };

  before(async () => {
    checking = await startCheckingServer();
    tmp = await tempDir('runner-e2e-signup-');
    const out = join(tmp.dir, 'r.json');
    const r = await runCli(['run', signupScenario, '--target', checking.server.url, '--out', out, '--seed', '42']);
    first = { ...r, bodies: checking.server.received.map((q) => q.body) };
  });
  after(async () => {
    await checking.server.close();
    await tmp.cleanup();
  });

  test('exits 0 and prints the seed\'s line: status: 200 count: 10000', () => {
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /^status: 200 count: 10000$/m);
    assert.match(first.stdout, /^errors: none$/m);
    assert.match(first.stdout, /seed: 42 \(replay with --seed 42\)/);
    assert.doesNotMatch(first.stdout, /status: (?!200)\d+ count/);
  });

  test('the server received 10,000 well-formed signups and stored 10,000 distinct users', () => {
    assert.deepEqual(checking.problems.slice(0, 5), []);
    assert.equal(checking.server.count, 10_000);
    assert.equal(checking.users.size, 10_000);
    assert.deepEqual([...checking.server.statusCounts], [[200, 10_000]]);
    // Every request is its own user: no two bodies alike.
    assert.equal(new Set(first.bodies).size, 10_000);
    // 100 VUs over a pool of 100 connections: never more sockets than that.
    assert.ok(checking.server.connections <= 100, `connections: ${checking.server.connections}`);
  });

  test('r.json: 10,000 × 200, the invariants, and percentiles that decode from latency.hdr', async () => {
    const r = await readResult(join(tmp.dir, 'r.json'));
    assert.equal(r.version, 2);
    assert.equal(r.outcome, 'completed');
    assert.deepEqual(r.scenario.seed, 42);
    assert.equal(r.totals.requests, 10_000);
    assert.deepEqual(r.totals.byStatus, { '200': 10_000 });
    assert.deepEqual(r.totals.errors, {});
    assert.equal(r.totals.unexpectedStatus, 0);
    assert.equal(r.totals.requests, sum(r.totals.byStatus) + sum(r.totals.errors));
    assert.equal(r.latency.count, sum(r.totals.byStatus));
    assert.deepEqual(r.iterations, { started: 10_000, completed: 10_000, failed: 0, dropped: 0, aborted: 0 });
    // What runner counted as sent matches what the server got, body bytes at least.
    const bodyBytes = first.bodies.reduce((n, b) => n + Buffer.byteLength(b), 0);
    assert.ok(r.totals.bytesSent > bodyBytes, `bytesSent ${r.totals.bytesSent} ≤ body bytes ${bodyBytes}`);
    assert.ok(r.totals.rps > 0 && r.durationMs > 0);
    assert.ok(r.latency.min > 0 && r.latency.min <= r.latency.p50 && r.latency.p50 <= r.latency.p99 && r.latency.p999 <= r.latency.max);
    assertLatencyMatchesHdr(r.latency, 'total');
    assert.deepEqual(Object.keys(r.requests), ['signup']);
    const signup = r.requests.signup;
    assert.deepEqual(signup.totals.byStatus, { '200': 10_000 });
    assert.equal(signup.latency.count, 10_000);
    assertLatencyMatchesHdr(signup.latency, 'signup');
  });

  describe('--seed makes the payloads reproducible', () => {
    // Bodies as the server received them, in arrival order, for one run against a fresh server.
    async function bodiesOf(args: string[]): Promise<string[]> {
      const s = await startCheckingServer();
      try {
        const r = await runCli(['run', signupScenario, '--target', s.server.url, '--quiet', ...args]);
        assert.equal(r.code, 0, r.stderr);
        assert.deepEqual(s.problems.slice(0, 5), []);
        return s.server.received.map((q) => q.body);
      } finally {
        await s.server.close();
      }
    }

    test('the same seed sends the same 10,000 bodies; 100 VUs only change the arrival order', async () => {
      const again = await bodiesOf(['--seed', '42']);
      assert.equal(again.length, 10_000);
      assert.deepEqual([...again].sort(), [...first.bodies].sort());
    });

    test('with one VU the per-iteration sequence is identical run to run, and each iteration is the same body as with 100 VUs', async () => {
      const a = await bodiesOf(['--seed', '42', '--vus', '1', '--iterations', '300']);
      const b = await bodiesOf(['--seed', '42', '--vus', '1', '--iterations', '300']);
      assert.equal(a.length, 300);
      assert.deepEqual(b, a);
      // Iteration i's body depends on the seed and i only: the first 300 iterations of the 100-VU run are these.
      const all = new Set(first.bodies);
      assert.deepEqual(a.filter((body) => !all.has(body)), []);
    });

    test('a different seed sends different bodies', async () => {
      const other = await bodiesOf(['--seed', '43', '--iterations', '2000']);
      assert.equal(other.length, 2000);
      const all = new Set(first.bodies);
      assert.deepEqual(other.filter((body) => all.has(body)), []);
      const ids = new Set(first.bodies.map((b) => (JSON.parse(b) as { userId: string }).userId));
      const sameIds = other.filter((b) => ids.has((JSON.parse(b) as { userId: string }).userId)).length;
      // 2,000 draws from 52^8 ids against 10,000: a chance match is ~4e-7 per id.
      assert.ok(sameIds <= 2, `${sameIds} userIds repeated across seeds`);
    });
  });
});
