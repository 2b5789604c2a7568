// What setup() may hand to the worker threads: plain data and what structured clone keeps as it is; a function,
// a symbol or a class instance (which would arrive without its methods) is named with its place in the data.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { uncloneablePart } from '../../src/workers/setup-data.ts';

class Client {
  hello() {
    return 'hi';
  }
}

test('uncloneablePart: plain data passes; functions, symbols and class instances are named where they sit', () => {
  const cyclic: Record<string, unknown> = { a: 1 };
  cyclic.self = cyclic;
  const fine = [undefined, null, 1, 'x', true, 10n, { a: [1, { b: new Date(0) }] }, new Map([['k', { v: /x/ }]]), new Set([1]), new Uint8Array(2), new Float64Array(1), new ArrayBuffer(4), new DataView(new ArrayBuffer(2)), new TypeError('t'), Object.create(null), cyclic, new Error('e'), new SharedArrayBuffer(8), { n: new Number(1), s: new String('s'), b: new Boolean(false) }];
  for (const v of fine) {
    assert.equal(uncloneablePart(v), undefined);
    structuredClone(v); // what passes the check, structured clone takes
  }
  const table: [unknown, string][] = [
    [() => 1, 'data is a function'],
    [{ users: [{ client: new Client() }] }, 'data.users[0].client is a Client instance (a copy would lose its methods)'],
    [{ 'a-b': Symbol('s') }, 'data["a-b"] is a symbol'],
    [new Map([['k', () => 1]]), 'data.get("k") is a function'],
    [new Set([new Client()]), 'data (a Set member) is a Client instance (a copy would lose its methods)'],
    [{ w: new WeakMap() }, 'data.w is a WeakMap instance (a copy would lose its methods)'],
    [{ key: Buffer.from('k') }, 'data.key is a Buffer instance (a copy would lose its methods)'],
    [[new (class Users extends Array {})()], 'data[0] is a Users instance (a copy would lose its methods)'],
    [new Map([['m', new (class Big extends Map {})()]]), 'data.get("m") is a Big instance (a copy would lose its methods)'],
    // A getter or a Proxy trap that throws (the clone would throw too): named, not an internal error (exit 1).
    [{ a: [{ get x() { throw new Error('boom'); } }] }, 'data.a[0].x cannot be read (boom)'],
    [{ p: new Proxy({}, { ownKeys() { throw new Error('no keys'); } }) }, 'data.p cannot be read (no keys)'],
  ];
  for (const [v, why] of table) assert.equal(uncloneablePart(v), why);
});
