// What setup() returned, checked before it is sent to the worker threads of `--workers` (structured clone). A
// function cannot be cloned at all, and a class instance would arrive as a plain object without its methods:
// both are refused, naming where in the data they sit, rather than failing later inside every thread.
import { UserError } from '../errors.ts';

/**
 * Classes whose instances structured clone copies as themselves (their exact prototype, not a subclass). A
 * SharedArrayBuffer is not copied but shared: every thread sees the others' writes (the user's choice).
 */
const CLONED_AS_IS: ReadonlySet<unknown> = new Set<unknown>([
  Object, Array, Map, Set, Date, RegExp, ArrayBuffer, SharedArrayBuffer, DataView, Boolean, Number, String, Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError,
  Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array, BigInt64Array, BigUint64Array,
]);

/** The first part of `value` that a worker thread could not receive as it is, described; undefined when all can. */
export function uncloneablePart(value: unknown, at = 'data'): string | undefined {
  const seen = new Set<object>();
  let budget = 100_000;
  // A getter or a Proxy trap in the data can throw: the clone would throw the same, so it is refused there.
  const visit = (v: unknown, path: string): string | undefined => {
    try {
      return visitOne(v, path);
    } catch (err) {
      return `${path} cannot be read (${err instanceof Error ? err.message : String(err)})`;
    }
  };
  const visitOne = (v: unknown, path: string): string | undefined => {
    if (typeof v === 'function') return `${path} is a function`;
    if (typeof v === 'symbol') return `${path} is a symbol`;
    if (v === null || typeof v !== 'object' || seen.has(v) || --budget < 0) return undefined;
    seen.add(v);
    const proto: unknown = Object.getPrototypeOf(v);
    // A subclass (a Buffer, `class Users extends Array`) arrives as its base class, without its own methods.
    const maker = proto === null ? Object : (proto as { constructor?: unknown }).constructor;
    if (!CLONED_AS_IS.has(maker) || (proto !== null && (maker as { prototype?: unknown }).prototype !== proto)) {
      const name = (maker as { name?: string } | undefined)?.name || 'class';
      return `${path} is a ${name} instance (a copy would lose its methods)`;
    }
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const bad = visit(v[i], `${path}[${i}]`);
        if (bad) return bad;
      }
      return undefined;
    }
    if (v instanceof Map) {
      for (const [k, x] of v) {
        const bad = visit(k, `${path} (a Map key)`) ?? visit(x, `${path}.get(${JSON.stringify(String(k))})`);
        if (bad) return bad;
      }
      return undefined;
    }
    if (v instanceof Set) {
      for (const x of v) {
        const bad = visit(x, `${path} (a Set member)`);
        if (bad) return bad;
      }
      return undefined;
    }
    if (maker !== Object) return undefined;
    for (const k of Object.keys(v)) {
      const at = /^[A-Za-z_$][\w$]*$/.test(k) ? `${path}.${k}` : `${path}[${JSON.stringify(k)}]`;
      let x: unknown;
      try {
        x = (v as Record<string, unknown>)[k];
      } catch (err) {
        return `${at} cannot be read (${err instanceof Error ? err.message : String(err)})`;
      }
      const bad = visit(x, at);
      if (bad) return bad;
    }
    return undefined;
  };
  return visit(value, at);
}

/** The UserError for setup data of `scenario` that cannot reach the worker threads (`why`: uncloneablePart's text). */
export function setupDataError(scenario: string, why: string): UserError {
  return new UserError({
    message: `--workers: what setup() of scenario '${scenario}' returned cannot be sent to the worker threads: ${why}`,
    hint: 'return plain data from setup() (objects, arrays, strings, numbers, booleans, Dates, Maps, Sets, typed arrays): each thread gets its own copy. Or run without --workers',
  });
}
