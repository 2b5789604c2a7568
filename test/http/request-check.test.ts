// request-check.ts mirrors the checks undici makes when a request is dispatched. This table holds each case
// against undici itself: runner says "refused" exactly when a real undici Client refuses it synchronously.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Client } from 'undici';
import { requestProblem } from '../../src/http/request-check.ts';

/** [label, method, path, headers]. */
const cases: [string, string, string, string[]][] = [
  ['plain GET', 'GET', '/a?b=c', ['x-a', 'b']],
  ['Latin-1 value', 'GET', '/', ['x-a', 'caf\u00e9']],
  ['tab in value', 'GET', '/', ['x-a', 'a\tb']],
  ['Hangul value (koreanName)', 'GET', '/', ['x-name', '김민준']],
  ['CR LF in value', 'GET', '/', ['x-a', 'a\r\nx-b: c']],
  ['NUL in value', 'GET', '/', ['x-a', 'a\u0000']],
  ['DEL in value', 'GET', '/', ['x-a', 'a\u007f']],
  ['emoji value', 'GET', '/', ['x-a', '\u{1F600}']],
  ['space in header name', 'GET', '/', ['x a', 'b']],
  ['colon in header name', 'GET', '/', ['x:a', 'b']],
  ['expect', 'POST', '/', ['expect', '100-continue']],
  ['Expect mixed case', 'POST', '/', ['Expect', '100-continue']],
  ['transfer-encoding', 'POST', '/', ['transfer-encoding', 'chunked']],
  ['keep-alive', 'GET', '/', ['keep-alive', 'timeout=5']],
  ['upgrade', 'GET', '/', ['upgrade', 'websocket']],
  ['connection close', 'GET', '/', ['connection', 'close']],
  ['connection with a bad token', 'GET', '/', ['connection', 'close, a b']],
  ['host once', 'GET', '/', ['host', 'example.com']],
  ['host twice', 'GET', '/', ['host', 'a', 'Host', 'b']],
  ['space in path', 'GET', '/first name', []],
  ['Hangul in path', 'GET', '/김', []],
  ['Latin-1 in path', 'GET', '/caf\u00e9', []],
  ['path without slash', 'GET', 'users', []],
  ['absolute URL path', 'GET', 'http://127.0.0.1:1/x', []],
  ['custom token method', 'PURGE', '/', []],
  ['method with a space', 'GE T', '/', []],
  ['empty method', '', '/', []],
];

/** Whether undici refuses the request while dispatching it (its handler told of an error before dispatch returns). */
function undiciRefuses(client: Client, method: string, path: string, headers: string[]): boolean {
  let refused = false;
  let inside = true;
  client.dispatch(
    { path, method: method as 'GET', headers },
    {
      onRequestStart: (c) => c.abort(new Error('not sent: this test only asks whether undici accepts it')),
      onResponseStart() {},
      onResponseData() {},
      onResponseEnd() {},
      onResponseError: (_c, err) => {
        if (inside && (err as { code?: string }).code !== undefined) refused = true;
      },
    },
  );
  inside = false;
  return refused;
}

test('request-check refuses exactly what undici refuses', async () => {
  // Nothing listens on port 1: a request undici accepts fails later (refused), never during dispatch.
  const client = new Client('http://127.0.0.1:1', { connect: { timeout: 1000 } });
  try {
    for (const [label, method, path, headers] of cases) {
      const ours = requestProblem(method, path, headers) !== undefined;
      // content-length is refused by runner on purpose (see request-check.ts); not in this table.
      assert.equal(ours, undiciRefuses(client, method, path, headers), `${label}: runner says ${ours ? 'refused' : 'sendable'}`);
    }
  } finally {
    await client.destroy();
  }
});

test('request-check messages name the header and the character, never the value', () => {
  assert.equal(requestProblem('GET', '/', ['x-name', 'ab김']), "invalid x-name header: a character outside Latin-1, '김' (U+AE40), at character 3 of its value");
  assert.equal(requestProblem('GET', '/', ['x-a', 'secret\r\n']), "invalid x-a header: a control character, '\\r' (U+000D), at character 7 of its value");
  assert.equal(requestProblem('GET', '/a b', []), 'invalid path: a space at character 3; percent-encode it');
  assert.equal(requestProblem('GET', '/', ['x-a', 'a\u202eb']), 'invalid x-a header: a character outside Latin-1, U+202E, at character 2 of its value');
});
