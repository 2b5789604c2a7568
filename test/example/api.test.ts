// The example signup API answers each route as documented and counts what it answered; its CLI starts and stops.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { createExampleApi, type ExampleApi } from '../../src/example/api.ts';

const alice = { userId: 'alice', userName: '김민준', email: 'alice@example.com', userPw: 'pw1' };

async function post(url: string, body: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

async function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; json: any }> {
  const res = await fetch(url, { headers });
  return { status: res.status, json: await res.json() };
}

describe('example API', () => {
  const api: ExampleApi = createExampleApi();
  let base = '';
  before(async () => {
    base = await api.listen();
  });
  after(() => api.close());

  it('listens on 127.0.0.1 and answers /health', async () => {
    assert.match(base, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.deepEqual(await get(`${base}/health`), { status: 200, json: { ok: true } });
  });

  it('signs a user up once, then answers 409 for the same userId', async () => {
    assert.deepEqual(await post(`${base}/signup`, alice), { status: 200, json: { ok: true, userId: 'alice' } });
    assert.deepEqual(await post(`${base}/signup`, { ...alice, userName: 'other' }), {
      status: 409,
      json: { error: 'duplicate userId' },
    });
    assert.deepEqual(api.users().get('alice'), alice);
  });

  it('answers 400 on bad JSON, a missing field, an empty field and a non-object body', async () => {
    for (const body of ['{"userId":', { userId: 'bob', userName: 'b', email: 'b@x' }, { ...alice, userId: '' }, '[1]']) {
      const res = await post(`${base}/signup`, body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(typeof res.json.error, 'string');
    }
    assert.equal(api.users().has('bob'), false);
  });

  it('answers 413 on a body over 1 MiB', async () => {
    const res = await post(`${base}/signup`, { ...alice, userId: 'big', userName: 'x'.repeat(1024 * 1024) });
    assert.equal(res.status, 413);
    assert.equal(api.users().has('big'), false);
  });

  it('logs in with the right password only, and /me accepts only the token it gave', async () => {
    const ok = await post(`${base}/login`, { userId: 'alice', userPw: 'pw1' });
    assert.equal(ok.status, 200);
    assert.match(ok.json.token, /^[0-9a-f]{32}$/);
    assert.equal((await post(`${base}/login`, { userId: 'alice', userPw: 'nope' })).status, 401);
    assert.equal((await post(`${base}/login`, { userId: 'nobody', userPw: 'pw1' })).status, 401);

    assert.deepEqual(await get(`${base}/me`, { authorization: `Bearer ${ok.json.token}` }), {
      status: 200,
      json: { userId: 'alice' },
    });
    assert.equal((await get(`${base}/me`, { authorization: 'Bearer 00' })).status, 401);
    assert.equal((await get(`${base}/me`)).status, 401);
  });

  it('counts users, 404s unknown routes, and tallies every answer in stats()', async () => {
    assert.deepEqual(await get(`${base}/users/count?x=1`), { status: 200, json: { count: 1 } });
    assert.equal((await get(`${base}/nope`)).status, 404);
    assert.equal((await get(`${base}/signup`)).status, 404);
    assert.deepEqual(api.stats(), {
      signups: 1,
      duplicates: 1,
      badRequests: 5,
      logins: 1,
      loginFailures: 2,
      meOk: 1,
      meUnauthorized: 2,
      requests: 17,
    });
  });
});

describe('example API with delayMs', () => {
  const api = createExampleApi({ delayMs: 80 });
  after(() => api.close());

  it('delays every response by at least delayMs', async () => {
    const base = await api.listen();
    const t0 = performance.now();
    assert.equal((await get(`${base}/health`)).status, 200);
    assert.ok(performance.now() - t0 >= 75, 'answered before the delay');
  });
});

describe('example API close()', () => {
  it('closes idle keep-alive connections so it resolves at once', async () => {
    const api = createExampleApi();
    const base = await api.listen();
    await get(`${base}/health`); // leaves an idle keep-alive socket in fetch's pool
    const t0 = performance.now();
    await api.close();
    assert.ok(performance.now() - t0 < 1000);
    await assert.rejects(fetch(`${base}/health`));
  });
});

describe('example CLI (src/example/main.ts)', () => {
  const main = fileURLToPath(new URL('../../src/example/main.ts', import.meta.url));

  function startCli(args: string[]) {
    return spawn(process.execPath, ['--import', 'tsx', main, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  }

  /** Resolves with everything printed so far once a first full line is out; rejects if the CLI exits first. */
  function untilFirstLine(child: ReturnType<typeof startCli>): Promise<() => string> {
    let out = '';
    child.stdout.setEncoding('utf8');
    return new Promise((resolve, reject) => {
      child.stdout.on('data', (s: string) => {
        out += s;
        if (out.includes('\n')) resolve(() => out);
      });
      child.once('exit', (code) => reject(new Error(`CLI exited with ${code} before printing a line`)));
    });
  }

  it('prints its URL, serves, and prints stats as JSON on SIGTERM', { timeout: 15_000 }, async () => {
    const child = startCli(['--port', '0', '--delay-ms=0']);
    try {
      const output = await untilFirstLine(child);
      const url = /^example API listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(output())?.[1];
      assert.ok(url, output());
      assert.equal((await post(`${url}/signup`, alice)).status, 200);

      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const [code] = await exited;
      assert.equal(code, 0);
      const stats = JSON.parse(output().split('\n')[1]);
      assert.equal(stats.signups, 1);
      assert.equal(stats.requests, 1);
    } finally {
      child.kill('SIGKILL'); // no-op once it has exited
    }
  });

  it('refuses a non-loopback host with exit code 2', { timeout: 15_000 }, async () => {
    const child = startCli(['--host', '0.0.0.0']);
    let err = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (s: string) => (err += s));
    const [code] = await once(child, 'exit');
    assert.equal(code, 2);
    assert.match(err, /loopback/);
  });
});
