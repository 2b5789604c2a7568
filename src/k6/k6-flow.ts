// Runs a k6 script in runner's code-scenario flow: one module instance per VU (created on its first iteration),
// `__ITER` and the cookie jar reset per iteration, the scenario's `exec` function called with a JSON copy of
// setup()'s data; setup() and teardown() each in an instance of their own with `__VU` 0, as in k6.
import { parseDuration } from '../scenario/duration.ts';
import type { FlowSpec } from '../scenario/model.ts';
import { IterationAborted, SEND_EXCHANGE, type RawExchangeRequest, type RawExchangeResult } from '../flow/code-http.ts';
import type { IterationContext, SetupContext } from '../flow/context.ts';
import type { Location } from '../errors.ts';
import { K6CookieJar } from './cookie-jar.ts';
import { DEFAULT_EXPECTED } from './http-client.ts';
import type { InstanceFactory, ModuleInstance } from './instance.ts';
import type { K6Scenario } from './options.ts';
import { createRuntime, TestAborted, type SharedArrays } from './runtime.ts';
import type { K6Run, K6Vu } from './vu-state.ts';

const STATE_KEY = '__k6';
const PASS = () => true;
const FAIL = () => false;

export interface K6Script {
  factory: InstanceFactory;
  run: K6Run;
  shared: SharedArrays;
  scenarios: K6Scenario[];
  open: (path: string, mode?: string) => string | ArrayBuffer;
  locateError: (err: unknown) => Location | undefined;
  /** What the script exports (from its init run at load time). */
  exportNames: Set<string>;
  /** The script's `console` (stderr lines, as k6). */
  console: unknown;
  /**
   * `__VU` of a scenario's VU = its offset + its global id in the scenario: the max VUs of the scenarios
   * declared before it. The same numbers on one thread, in every worker thread and every segment.
   */
  vuOffsets: Map<string, number>;
}

interface VuInstance {
  vu: K6Vu;
  inst: ModuleInstance;
  data: unknown;
}

/** A VU's state for an instance; `ctx` is its context (its `http` carries the raw send of code-http.ts). */
export function createK6Vu(run: K6Run, ctx: SetupContext | undefined, id: number, scenario: K6Scenario | undefined, idInInstance = id): K6Vu {
  const send = ctx ? ((ctx.http as unknown as Record<symbol, (r: RawExchangeRequest) => Promise<RawExchangeResult>>)[SEND_EXCHANGE]) : undefined;
  return {
    run,
    id,
    idInInstance,
    send: send ?? (() => Promise.reject(new Error('k6 does not allow HTTP requests in the init context: make them in a function'))),
    recordCheck: (name, passed) => void ctx?.check(null, { [name]: passed ? PASS : FAIL }),
    sleepMs: (ms) => (ctx ? ctx.sleep(ms) : Promise.reject(new Error('sleep() is not allowed in the init context'))),
    groupPath: '',
    scenario: scenario?.name ?? '',
    jar: new K6CookieJar(),
    expect: DEFAULT_EXPECTED,
    baseTags: { ...stringTags(run.options.tags), ...(scenario?.tags ?? {}), ...(scenario ? { scenario: scenario.name } : {}) },
    iteration: -1,
    iterationInScenario: -1,
    iterationInTest: -1,
    iterationInInstance: -1,
  };
}

function stringTags(tags: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (tags && typeof tags === 'object') for (const [k, v] of Object.entries(tags)) out[k] = String(v);
  return out;
}

export function instantiate(script: K6Script, ctx: SetupContext | undefined, id: number, scenario: K6Scenario | undefined, idInInstance = id): VuInstance {
  const vu = createK6Vu(script.run, ctx, id, scenario, idInInstance);
  const executorOf = (name: string) => script.scenarios.find((s) => s.name === name)?.executor ?? '';
  const rt = createRuntime(vu, script.shared, executorOf);
  const env = { ...script.run.env, ...(scenario?.env ?? {}) };
  return { vu, inst: script.factory(rt, env, id, script.open, script.console), data: undefined };
}

export function createK6FlowSpec(script: K6Script): Extract<FlowSpec, { kind: 'function' }> {
  const run = script.run;
  const copyData = (): unknown => (run.setupDataJson === undefined ? undefined : JSON.parse(run.setupDataJson));
  const byName = new Map(script.scenarios.map((s) => [s.name, s]));
  /** Iterations started in this thread, by scenario (k6's scenario.iterationInInstance). */
  const startedInInstance = new Map<string, number>();

  const iteration = async (ctx: IterationContext<unknown>): Promise<void> => {
    let v = ctx.vu.state[STATE_KEY] as VuInstance | undefined;
    if (!v) {
      // A worker thread did not run setup(): the main thread did, and its data reaches this thread as ctx.data.
      if (run.setupDataJson === undefined && ctx.data !== undefined) run.setupDataJson = JSON.stringify(ctx.data);
      const offset = script.vuOffsets.get(ctx.scenario) ?? 0;
      v = instantiate(script, ctx, offset + ctx.vu.globalId, byName.get(ctx.scenario), offset + ctx.vu.id);
      v.data = copyData();
      ctx.vu.state[STATE_KEY] = v;
    }
    const vu = v.vu;
    vu.iteration++;
    vu.iterationInScenario = vu.iteration;
    vu.iterationInTest = ctx.iteration;
    const inInstance = startedInInstance.get(ctx.scenario) ?? 0;
    startedInInstance.set(ctx.scenario, inInstance + 1);
    vu.iterationInInstance = inInstance;
    v.inst.setIter(vu.iteration);
    if (run.options.noCookiesReset !== true) vu.jar = new K6CookieJar();
    vu.groupPath = '';
    const exec = byName.get(ctx.scenario)?.exec ?? 'default';
    const fn = v.inst.exports[exec];
    if (typeof fn !== 'function') throw new Error(`the script exports no function '${exec}' (scenario '${ctx.scenario}')`);
    const t0 = run.now();
    let cut = false;
    try {
      await fn(v.data);
    } catch (err) {
      cut = err instanceof TestAborted || err instanceof IterationAborted;
      if (err instanceof TestAborted) throw new IterationAborted();
      throw err;
    } finally {
      // Like runner's own `iterations` (and k6's): an iteration that threw counts, one cut short by a stop does not.
      const tags = { ...vu.baseTags, group: '' };
      if (!cut) run.registry.addByName('iterations', 1, tags);
      run.registry.addByName('iteration_duration', run.now() - t0, tags);
    }
  };

  const spec: Extract<FlowSpec, { kind: 'function' }> = {
    kind: 'function',
    iteration: iteration as (ctx: never) => unknown,
    locateError: script.locateError,
  };
  if (script.exportNames.has('setup')) {
    spec.setup = (async (ctx: SetupContext) => {
      const v = instantiate(script, ctx, 0, undefined);
      const fn = v.inst.exports.setup as () => unknown;
      const data = await withTimeout(Promise.resolve(fn()), timeoutMs(run.options.setupTimeout, 60_000), 'setup()');
      run.setupDataJson = data === undefined ? undefined : JSON.stringify(data);
      return data;
    }) as (ctx: never) => unknown;
  }
  if (script.exportNames.has('teardown')) {
    spec.teardown = (async (ctx: SetupContext) => {
      const v = instantiate(script, ctx, 0, undefined);
      const fn = v.inst.exports.teardown as (data: unknown) => unknown;
      await withTimeout(Promise.resolve(fn(copyData())), timeoutMs(run.options.teardownTimeout, 60_000), 'teardown()');
    }) as (ctx: never) => unknown;
  }
  return spec;
}

function timeoutMs(v: unknown, fallback: number): number {
  if (typeof v === 'number') return v;
  return typeof v === 'string' ? parseDuration(v) ?? fallback : fallback;
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} execution timed out after ${ms / 1000} seconds`)), ms);
    timer.unref();
  });
  return Promise.race([p, limit]).finally(() => clearTimeout(timer));
}
