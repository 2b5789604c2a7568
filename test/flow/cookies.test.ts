// Cookies: a per-iteration jar by default, `http.cookies: vu` keeps it, `false` turns it off; cookie captures;
// ctx.jar in code; domain/path/expiry rules from tough-cookie. Against a real server that sets and echoes cookies.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { isUserError } from '../../src/errors.ts';
import { compilePlan } from '../../src/plan/compile.ts';
import { Run } from '../../src/run.ts';
import { loadScenario } from '../../src/scenario/load.ts';

const dir = mkdtempSync(join(tmpdir(), 'runner-cookies-'));
/** Each request: its path and the Cookie header it carried ('' for none). */
const seen: { path: string; cookie: string }[] = [];
const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  seen.push({ path: url.pathname + url.search, cookie: req.headers.cookie ?? '' });
  if (url.pathname === '/login') {
    res.setHeader('set-cookie', [`sid=s${url.searchParams.get('i')}; Path=/; HttpOnly`, 'scoped=1; Path=/admin', 'gone=1; Max-Age=0', 'keep=k; Max-Age=3600']);
  }
  req.resume();
  req.on('end', () => res.end('{}'));
});
let url = '';
before(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

async function run(name: string, text: string) {
  writeFileSync(join(dir, name), text);
  seen.length = 0;
  return new Run(compilePlan(await loadScenario(name, dir), { seed: 1, env: {} })).start();
}

const flow = (http: string, iterations: number, vus: number) => `target: ${url}
${http}
fields:
  i: { gen: sequence }
requests:
  - { name: login, method: POST, path: "/login?i={{i}}" }
  - { name: me, path: "/me?i={{i}}" }
load: { executor: shared-iterations, vus: ${vus}, iterations: ${iterations} }
`;

test('default: the cookie set on login goes with the next request of the same iteration, never to another iteration or VU', async () => {
  const r = await run('per-iteration.yaml', flow('', 12, 3));
  assert.equal(r.iterations.completed, 12);
  const logins = seen.filter((s) => s.path.startsWith('/login'));
  const mes = seen.filter((s) => s.path.startsWith('/me'));
  assert.equal(logins.length, 12);
  assert.equal(mes.length, 12);
  for (const l of logins) assert.equal(l.cookie, '', 'each iteration starts with an empty jar');
  for (const m of mes) {
    const i = new URL(m.path, 'http://x').searchParams.get('i');
    // Path=/admin is not sent to /me; Max-Age=0 deleted it; the others are, in tough-cookie's order.
    assert.deepEqual(m.cookie.split('; ').sort(), [`keep=k`, `sid=s${i}`]);
  }
});

test('http.cookies: vu keeps the jar across a VU\'s iterations; false sends none', async () => {
  await run('per-vu.yaml', flow('http: { cookies: vu }', 3, 1));
  const logins = seen.filter((s) => s.path.startsWith('/login')).map((s) => s.cookie);
  assert.equal(logins[0], '');
  assert.deepEqual(logins[1].split('; ').sort(), ['keep=k', 'sid=s1']);
  assert.deepEqual(logins[2].split('; ').sort(), ['keep=k', 'sid=s2']);

  await run('off.yaml', flow('http: { cookies: false }', 3, 1));
  assert.ok(seen.every((s) => s.cookie === ''), JSON.stringify(seen));
});

test('a capture reads a cookie from the jar; a Cookie header of the scenario is kept beside the jar\'s', async () => {
  const r = await run('capture.yaml', `target: ${url}
requests:
  - name: login
    method: POST
    path: /login?i=7
    capture: { session: { cookie: sid } }
  - name: echo
    path: /echo/{{session}}
    headers: { Cookie: mine=1 }
load: { executor: shared-iterations, vus: 1, iterations: 1 }
`);
  assert.equal(r.iterations.completed, 1);
  assert.equal(r.checks['login: captured session'].passes, 1);
  assert.equal(seen[1].path, '/echo/s7');
  assert.deepEqual(seen[1].cookie.split('; ').sort(), ['keep=k', 'mine=1', 'sid=s7']);
  // With cookies off, a cookie capture is a load error at its line.
  writeFileSync(join(dir, 'capture-off.yaml'), `target: ${url}\nhttp: { cookies: false }\nrequests:\n  - path: /login\n    capture: { s: { cookie: sid } }\nload: { executor: shared-iterations, vus: 1, iterations: 1 }\n`);
  await assert.rejects(
    async () => compilePlan(await loadScenario('capture-off.yaml', dir), { seed: 1, env: {} }),
    (err: unknown) => isUserError(err) && /reads a cookie, but cookies are off/.test(err.diagnostics[0].message) && err.diagnostics[0].location?.line === 5,
  );
});

test('code scenarios: requests use the VU jar; ctx.jar reads and sets cookies', async () => {
  writeFileSync(
    join(dir, 'jar.ts'),
    `import { defineScenario } from 'runner';
export default defineScenario({
  target: '${url}',
  load: { executor: 'per-vu-iterations', vus: 1, iterations: 2 },
  iteration: async ({ http, jar, iteration, check }) => {
    check(jar.get('sid'), { 'empty jar at the start': (v) => v === undefined });
    await http.post('/login?i=' + iteration, undefined, { name: 'login' });
    check(jar.get('sid'), { 'jar holds the login cookie': (v) => v === 's' + iteration });
    jar.set('theme', 'dark', { path: '/me' });
    await http.get('/me', { name: 'me' });
    await http.get('/other', { name: 'other' });
  },
});
`,
  );
  seen.length = 0;
  const r = await new Run(compilePlan(await loadScenario('jar.ts', dir), { seed: 1, env: {} })).start();
  assert.equal(r.iterations.completed, 2);
  assert.equal(r.checks['empty jar at the start'].passes, 2);
  assert.equal(r.checks['jar holds the login cookie'].passes, 2);
  const me = seen.filter((s) => s.path === '/me');
  assert.deepEqual(me[1].cookie.split('; ').sort(), ['keep=k', 'sid=s1', 'theme=dark']);
  assert.deepEqual(seen.filter((s) => s.path === '/other')[0].cookie.split('; ').sort(), ['keep=k', 'sid=s0']);
});
