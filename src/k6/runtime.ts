// `__k6rt`: what the k6 module shims of one VU read (k6-modules.ts) — k6, k6/http, k6/metrics, k6/data,
// k6/execution, k6/encoding, k6/crypto, k6/timers — all bound to that VU.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createHttpModule, DEFAULT_EXPECTED } from './http-client.ts';
import type { K6MetricType } from './k6-metrics.ts';
import { groupNode, tagsOf, type K6Vu } from './vu-state.ts';

/** SharedArray contents by name, shared by every VU of a run (k6 keeps one copy too). */
export type SharedArrays = Map<string, readonly unknown[]>;

/** Thrown by k6/execution's test.abort(): stops the run; the iteration ends as aborted, not failed. */
export class TestAborted extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TestAborted';
  }
}

export function createRuntime(vu: K6Vu, shared: SharedArrays, executorOf: (scenario: string) => string) {
  const run = vu.run;
  const registry = run.registry;
  vu.expect = DEFAULT_EXPECTED;

  const checkName = (name: string): void => {
    if (name.includes('::')) throw new Error(`group and check names may not contain '::' (got '${name}')`);
  };

  const k6 = {
    check(value: unknown, sets: Record<string, unknown>, tags?: Record<string, unknown>): boolean {
      let all = true;
      const node = groupNode(run, vu.groupPath, vu.groupPath.slice(vu.groupPath.lastIndexOf('::') + 2));
      for (const name in sets ?? {}) {
        checkName(name);
        const p = sets[name];
        const ok = typeof p === 'function' ? Boolean(p(value)) : Boolean(p);
        vu.recordCheck(name, ok);
        registry.addByName('checks', ok ? 1 : 0, tagsOf(vu, { ...tags, check: name }));
        let c = node.checks.get(name);
        if (!c) node.checks.set(name, (c = { passes: 0, fails: 0 }));
        if (ok) c.passes++;
        else c.fails++;
        if (!ok) all = false;
      }
      return all;
    },
    async group(name: string, fn: () => unknown): Promise<unknown> {
      name = String(name);
      checkName(name);
      if (typeof fn !== 'function') throw new TypeError('group() needs a function as its second argument');
      const parent = vu.groupPath;
      const path = `${parent}::${name}`;
      groupNode(run, path, name);
      vu.groupPath = path;
      const t0 = run.now();
      try {
        return await fn();
      } finally {
        vu.groupPath = parent;
        registry.addByName('group_duration', run.now() - t0, tagsOf(vu, { group: path }));
      }
    },
    sleep(seconds: number): Promise<void> {
      const s = Number(seconds);
      if (!(s >= 0)) throw new TypeError(`sleep: ${JSON.stringify(seconds)} is not a number of seconds`);
      return vu.sleepMs(s * 1000);
    },
    fail(message?: string): never {
      throw new Error(message ?? '');
    },
    randomSeed(seed: number): void {
      void seed; // runner draws nothing from Math.random; accepted so scripts that seed run unchanged
    },
  };

  const metricClass = (type: K6MetricType) =>
    class {
      readonly name: string;
      private readonly metric;
      constructor(name: string, isTime = false) {
        this.name = name;
        this.metric = registry.define(String(name), type, type === 'trend' && isTime === true);
      }
      add(value: unknown, tags?: Record<string, unknown>): boolean {
        const n = type === 'rate' ? (value ? 1 : 0) : Number(value);
        if (Number.isNaN(n)) throw new TypeError(`${this.name}: ${String(value)} is not a number`);
        registry.add(this.metric, n, tagsOf(vu, tags));
        return true;
      }
    };

  class SharedArray {
    constructor(name: string, fn: () => unknown[]) {
      let data = shared.get(name);
      if (!data) {
        const made = fn();
        if (!Array.isArray(made)) throw new TypeError(`SharedArray '${name}': the function must return an array`);
        data = Object.freeze(made.map(deepFreeze));
        shared.set(name, data);
      }
      return data as unknown as SharedArray;
    }
  }

  const execution = {
    vu: {
      get idInInstance() {
        return vu.idInInstance;
      },
      get idInTest() {
        return vu.id;
      },
      get iterationInInstance() {
        return vu.iteration;
      },
      get iterationInScenario() {
        return vu.iterationInScenario;
      },
      get tags() {
        return vu.baseTags;
      },
      metrics: {
        get tags() {
          return vu.baseTags;
        },
      },
    },
    scenario: {
      get name() {
        return vu.scenario;
      },
      get executor() {
        return executorOf(vu.scenario);
      },
      get startTime() {
        return run.startedAtMs;
      },
      get iterationInInstance() {
        return vu.iterationInInstance;
      },
      get iterationInTest() {
        return vu.iterationInTest;
      },
      progress: 0,
    },
    instance: {
      get currentTestRunDuration() {
        return Date.now() - run.startedAtMs;
      },
      get iterationsCompleted() {
        return run.counters().completed;
      },
      get iterationsInterrupted() {
        return run.counters().interrupted;
      },
      get vusActive() {
        return run.counters().activeVus;
      },
      get vusInitialized() {
        return run.counters().activeVus;
      },
    },
    test: {
      abort(reason?: string): never {
        const why = reason === undefined ? 'test aborted' : `test aborted: ${reason}`;
        run.abort(why);
        throw new TestAborted(why);
      },
      get options() {
        return run.options;
      },
    },
  };

  return {
    k6,
    http: createHttpModule(vu),
    metrics: { Counter: metricClass('counter'), Gauge: metricClass('gauge'), Rate: metricClass('rate'), Trend: metricClass('trend') },
    data: { SharedArray },
    execution,
    encoding: { b64encode, b64decode },
    crypto: createCrypto(),
    timers: { setTimeout, clearTimeout, setInterval, clearInterval },
  };
}

function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const k of Object.keys(v)) deepFreeze((v as Record<string, unknown>)[k]);
  }
  return v;
}

function bytes(input: unknown): Buffer {
  if (typeof input === 'string') return Buffer.from(input, 'utf8');
  if (input instanceof ArrayBuffer) return Buffer.from(input);
  if (ArrayBuffer.isView(input)) return Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  return Buffer.from(String(input), 'utf8');
}

function arrayBuffer(b: Buffer): ArrayBuffer {
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

/** k6/encoding b64encode: `std` (default), `rawstd` (no padding), `url`, `rawurl`. */
function b64encode(input: unknown, encoding = 'std'): string {
  const url = encoding === 'url' || encoding === 'rawurl';
  let out = bytes(input).toString(url ? 'base64url' : 'base64');
  if (encoding === 'url') out += '='.repeat((4 - (out.length % 4)) % 4);
  if (encoding === 'rawstd') out = out.replace(/=+$/, '');
  return out;
}

/** k6/encoding b64decode: an ArrayBuffer, or a string with format 's'. */
function b64decode(input: string, encoding = 'std', format?: string): ArrayBuffer | string {
  const url = encoding === 'url' || encoding === 'rawurl';
  const b = Buffer.from(String(input), url ? 'base64url' : 'base64');
  return format === 's' ? b.toString('utf8') : arrayBuffer(b);
}

function createCrypto() {
  const digest = (b: Buffer, enc?: string): string | ArrayBuffer => (enc === 'base64' ? b.toString('base64') : enc === 'base64url' ? b.toString('base64url') : enc === 'binary' ? arrayBuffer(b) : b.toString('hex'));
  const algo = (a: string) => ({ sha512_224: 'sha512-224', sha512_256: 'sha512-256' } as Record<string, string>)[a] ?? a;
  const hasher = (a: string) => (input: unknown, enc?: string) => digest(createHash(algo(a)).update(bytes(input)).digest(), enc);
  return {
    md5: hasher('md5'),
    sha1: hasher('sha1'),
    sha256: hasher('sha256'),
    sha384: hasher('sha384'),
    sha512: hasher('sha512'),
    sha512_224: hasher('sha512_224'),
    sha512_256: hasher('sha512_256'),
    hmac: (a: string, secret: unknown, data: unknown, enc?: string) => digest(createHmac(algo(a), bytes(secret)).update(bytes(data)).digest(), enc),
    randomBytes: (n: number) => arrayBuffer(randomBytes(n)),
    // k6's hashers may digest more than once (each time over everything written so far).
    createHash: (a: string) => {
      const chunks: Buffer[] = [];
      return { update: (d: unknown) => void chunks.push(bytes(d)), digest: (enc?: string) => digest(createHash(algo(a)).update(Buffer.concat(chunks)).digest(), enc) };
    },
    createHMAC: (a: string, secret: unknown) => {
      const chunks: Buffer[] = [];
      return { update: (d: unknown) => void chunks.push(bytes(d)), digest: (enc?: string) => digest(createHmac(algo(a), bytes(secret)).update(Buffer.concat(chunks)).digest(), enc) };
    },
  };
}
