// The blocking-call transform on small bundles written the way esbuild writes them (shim bindings __k6_*):
// what becomes async, what gets awaited (with the parentheses that keep `.json()` on the response), and
// which blocking calls are refused with their position.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPositionMapper, transformBlockingCalls } from '../../src/k6/transform.ts';

const HEAD = 'var __k6_http = __k6rt.http; var __k6_sleep = __k6rt.k6.sleep; var __k6_group = __k6rt.k6.group; var __k6_check = __k6rt.k6.check;\n';

function t(code: string) {
  return transformBlockingCalls(HEAD + code);
}

test('a blocking call is awaited in parentheses and its function made async', () => {
  const out = t('function main() { const v = __k6_http.get("u").json(); __k6_sleep(1); }');
  assert.deepEqual(out.problems, []);
  assert.match(out.code, /async function main\(\) \{ const v = \(await __k6_http\.get\("u"\)\)\.json\(\); \(await __k6_sleep\(1\)\); \}/);
});

test('reachability: helpers, arrows, methods and group callbacks become async; pure code does not', () => {
  const out = t(
    [
      'function helper(n) { return __k6_http.post("u", n); }',
      'const arrow = () => helper(1);',
      'const api = { login() { return arrow(); }, pure() { return 1; } };',
      'function pure(x) { return x + 1; }',
      'function main() { __k6_group("g", function () { api.login(); }); pure(2); api.pure(); }',
    ].join('\n'),
  );
  assert.deepEqual(out.problems, []);
  assert.match(out.code, /async function helper/);
  assert.match(out.code, /const arrow = async \(\) => \(await helper\(1\)\)/);
  assert.match(out.code, /async login\(\) \{ return \(await arrow\(\)\); \}/);
  assert.match(out.code, /[^c] pure\(\) \{ return 1; \}/);
  assert.match(out.code, /\(await __k6_group\("g", async function \(\) \{ \(await api\.login\(\)\); \}\)\)/);
  assert.match(out.code, /^function pure\(x\)/m);
  assert.match(out.code, / pure\(2\); api\.pure\(\);/);
});

test('a blocking function passed to a user function makes that function and its call await', () => {
  const out = t('function retry(fn) { return fn(); }\nfunction main() { retry(() => __k6_http.get("u")); }');
  assert.deepEqual(out.problems, []);
  assert.match(out.code, /async function retry\(fn\) \{ return \(await fn\(\)\); \}/);
  assert.match(out.code, /\(await retry\(async \(\) => \(await __k6_http\.get\("u"\)\)\)\)/);
});

test('refused: a blocking call in a .map()/.forEach() callback, in the init context, in a check predicate, in a getter', () => {
  const cases: [string, RegExp, string][] = [
    ['function main() { [1].map((u) => __k6_http.get(u)); }', /callback of \.map\(\)/, '__k6_http.get(u)'],
    ['function main() { [1].forEach(function (u) { __k6_sleep(u); }); }', /callback of \.forEach\(\)/, '__k6_sleep(u)'],
    ['var r = __k6_http.get("u");', /init context/, '__k6_http.get("u")'],
    ['function main(r) { __k6_check(r, { ok: () => __k6_http.get("u").status === 200 }); }', /check predicate/, 'ok: () =>'],
    ['const o = { get x() { return __k6_http.get("u"); } };', /getter/, 'get x()'],
  ];
  for (const [code, message, at] of cases) {
    const out = t(code);
    assert.equal(out.problems.length >= 1, true, code);
    const p = out.problems.find((x) => message.test(x.message));
    assert.ok(p, `${code}: ${JSON.stringify(out.problems)}`);
    const text = HEAD + code;
    assert.equal(text.slice(p.offset, p.offset + at.length), at, code);
  }
});

test('an immediately invoked function that blocks is awaited', () => {
  const out = t('function main() { (function () { __k6_sleep(1); })(); (() => __k6_sleep(2))(); }');
  assert.deepEqual(out.problems, []);
  assert.match(out.code, /async function main\(\) \{ \(await \(async function \(\) \{ \(await __k6_sleep\(1\)\); \}\)\(\)\); \(await \(async \(\) => \(await __k6_sleep\(2\)\)\)\(\)\); \}/);
});

test('asyncRequest, cookieJar and url are not blocking', () => {
  const out = t('function main() { const p = __k6_http.asyncRequest("GET", "u"); __k6_http.cookieJar(); return p; }');
  assert.doesNotMatch(out.code, /async function main/);
  assert.deepEqual(out.inserts, []);
});

test('positions map back across the inserted text', () => {
  const input = 'function a() {\n  x(__k6_http.get("u"));\n}';
  const out = transformBlockingCalls(input);
  const map = createPositionMapper(input, out.inserts);
  const outLine = out.code.split('\n')[1];
  // The column of `__k6_http` in the output maps to its column in the input.
  assert.deepEqual(map(1, outLine.indexOf('__k6_http')), { line: 1, column: input.split('\n')[1].indexOf('__k6_http') });
  assert.deepEqual(map(0, out.code.indexOf('function')), { line: 0, column: 0 });
});

test('a method-name guess never refuses a script: esbuild helpers and sync callbacks stay as they are', () => {
  const code = [
    'var __copyProps = (to, from) => { for (let key of Object.keys(from)) Object.prototype.hasOwnProperty.call(to, key); return to; };',
    'var __toCommonJS = (mod) => __copyProps({}, mod);',
    'module.exports = __toCommonJS({});',
    'class Api { call(p) { return __k6_http.get(p); } get(p) { return __k6_http.get(p); } }',
    'const cache = new Map(); cache.get("k");',
    'function names(list) { return list.map((x) => cache.get(x)); }',
    'function main(api) { const r = api.call("/x"); names([1]); return r; }',
  ].join('\n');
  const out = t(code);
  assert.deepEqual(out.problems, []);
  assert.match(out.code, /async function main\(api\) \{ const r = \(await api\.call\("\/x"\)\);/);
  // The map callback only looks like it blocks (Map#get shares a name with Api#get): left synchronous.
  assert.match(out.code, /list\.map\(\(x\) => cache\.get\(x\)\)/);
  assert.match(out.code, /^module\.exports = __toCommonJS\(\{\}\);$/m);
  assert.match(out.code, /^const cache = new Map\(\); cache\.get\("k"\);$/m);
});

test('detection: k6 imports, or a default-exported function without runner imports', async () => {
  const { isK6Script } = await import('../../src/k6/k6-modules.ts');
  assert.equal(isK6Script("import http from 'k6/http';"), true);
  assert.equal(isK6Script("import { sleep } from \"k6\";"), true);
  assert.equal(isK6Script('export default function () { console.log(1); }'), true);
  assert.equal(isK6Script('export default () => {};'), true);
  assert.equal(isK6Script("import { defineScenario } from 'runner';\nexport default defineScenario({});"), false);
  assert.equal(isK6Script("import { defineScenario } from 'runner';\nexport default function () {}"), false);
  assert.equal(isK6Script("import x from 'k6-utils-local';\nexport default { a: 1 };"), false);
});
