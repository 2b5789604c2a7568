// Runs a code scenario: setup() once, the user's iteration function per iteration with a context (http,
// check, sleep, fields, gen, per-VU state), teardown() once. An exception fails its iteration and is counted
// by message; a stopped VU ends its iteration as aborted.
import type { DataSource } from '../data/feed.ts';
import { UserError } from '../errors.ts';
import { createRng, deriveSeed, hashString } from '../generators/rng.ts';
import type { Rng } from '../generators/types.ts';
import { parseDuration } from '../scenario/duration.ts';
import type { FlowSpec } from '../scenario/model.ts';
import { Vu } from '../scheduler/vu.ts';
import { createGenerators } from './code-generators.ts';
import { createHttp, IterationAborted, type CodeHttpEnv, type HttpVuState } from './code-http.ts';
import { runInFaultScope, ScopeInterrupted, type FaultScopes } from './fault-scope.ts';
import type { Checks } from './checks.ts';
import type { Checks as CheckMap, DataRow, IterationContext, Jar, SetupContext } from './context.ts';
import { CookieJar } from '../http/cookie-jar.ts';
import { errorMessage, type IterationErrors } from './iteration-errors.ts';
import { createCodeWs, type CodeWs } from '../ws/code.ts';
import type { WsHub } from '../ws/hub.ts';
import type { IterationOutcome } from './request-flow.ts';

type CodeSpec = Extract<FlowSpec, { kind: 'function' }>;

export interface CodeFlowEnv extends CodeHttpEnv {
  checks: Checks;
  errors: IterationErrors;
  /** Pauses the VU; resolves early when the VU is interrupted. */
  sleep(vu: Vu, ms: number): Promise<void>;
  /** Field names in slot order (their values are drawn into `vu.vars` before each iteration). */
  fieldNames: readonly string[];
  seed: number;
  /** The run's data files, for `ctx.rows`. */
  data: readonly DataSource[];
  /** Where errors that escape scenario code (timers, unawaited promises) find the call they belong to. */
  faults: FaultScopes;
  /** The run's WebSocket hub, made on first use; absent where nothing may be sent (`runner inspect`). */
  ws?: () => WsHub;
}

/** What one VU keeps between iterations: its http client, generators and the context parts that never change. */
interface VuRuntime extends HttpVuState {
  rng: Rng;
  ws: CodeWs;
  base: SetupContext;
  info: IterationContext['vu'];
  jar: Jar;
}

export interface CodeFlow {
  /**
   * Runs setup() (if any) and keeps its result for the iterations; a throw is a UserError with its position.
   * Rejects with ScopeInterrupted when interrupt() cut it short.
   */
  setup(): Promise<void>;
  /** One iteration function per scenario running this code. */
  iterationFor(scenario: string): (vu: Vu, rng: Rng, intendedStartMs: number | undefined, iteration: number) => Promise<IterationOutcome>;
  /**
   * Runs teardown() (if any); returns that it was interrupted, or undefined. A throw is a UserError with its
   * position, as in setup().
   */
  teardown(): Promise<string | undefined>;
  /** Cuts setup() or teardown() short, even when they await a promise that never settles. */
  interrupt(): void;
  /** What setup() returned (undefined before it ran, or without one): what `--workers` sends to its threads. */
  setupData(): unknown;
  /** setup() ran on another thread (`--workers`): its data, for `ctx.data` here; setup() is not run here. */
  useSetupData(data: unknown): void;
}

export function createCodeFlow(spec: CodeSpec, env: CodeFlowEnv): CodeFlow {
  let data: unknown;
  const check = <T>(value: T, checks: CheckMap<T>): boolean => {
    let all = true;
    for (const name in checks) {
      let passed: boolean;
      try {
        passed = checks[name](value) === true;
      } catch {
        passed = false;
      }
      env.checks.record(env.checks.id(name), passed);
      if (!passed) all = false;
    }
    return all;
  };

  const createVuRuntime = (vu: Vu, rng: Rng, scope: string): VuRuntime => {
    const rt: VuRuntime = {
      vu,
      scope,
      intendedStartMs: undefined,
      rng,
      base: undefined as unknown as SetupContext,
      ws: undefined as unknown as CodeWs,
      info: { id: vu.id, globalId: vu.globalId, state: vu.state, iterations: 0 },
      jar: createJarApi(env, vu),
    };
    rt.ws = createCodeWs({
      hub: () => {
        if (!env.ws) throw new Error('WebSockets are not opened here (runner inspect sends nothing)');
        return env.ws();
      },
      target: env.target,
      timeoutMs: env.timeoutMs,
      headers: () => {
        const h: Record<string, string> = {};
        for (const x of env.headers) if (x.name !== 'content-type') h[x.name] = x.render(vu.vars);
        return h;
      },
      failer: () => {
        const scope = env.faults.getStore();
        return (err) => scope?.fail(err);
      },
    });
    rt.base = {
      http: createHttp(env, rt),
      ws: rt.ws,
      check,
      sleep: (duration) => {
        const ms = typeof duration === 'number' ? duration : parseDuration(duration);
        if (ms === undefined || !(ms >= 0)) throw new TypeError(`sleep: ${JSON.stringify(duration)} is not a duration like '500ms' or a number of ms`);
        return env.sleep(vu, ms).then(() => {
          if (vu.interrupted) throw new IterationAborted();
        });
      },
      gen: createGenerators(() => rt.rng),
    };
    return rt;
  };

  // setup and teardown run on a VU of their own (id 0), with a stream of their own.
  const setupVu = new Vu(0, env.fieldNames.length);
  const setupRt = createVuRuntime(setupVu, createRng(deriveSeed(env.seed, hashString('setup'))), '');

  return {
    async setup() {
      if (!spec.setup) return;
      const setup = spec.setup;
      try {
        data = await runInFaultScope(env.faults, setupVu, () => Promise.resolve(setup(setupRt.base as never)));
      } catch (err) {
        if (err instanceof ScopeInterrupted || err instanceof IterationAborted) throw new ScopeInterrupted();
        throw new UserError({
          message: `setup() threw: ${errorMessage(err)}`,
          location: spec.locateError?.(err),
          hint: 'setup runs once before the first iteration; no iteration was started',
        });
      }
    },

    iterationFor(scenario) {
      const runtimes = new WeakMap<Vu, VuRuntime>();
      return async (vu, rng, intendedStartMs, iteration) => {
        let rt = runtimes.get(vu);
        if (!rt) runtimes.set(vu, (rt = createVuRuntime(vu, rng, scenario)));
        rt.rng = rng;
        rt.intendedStartMs = intendedStartMs;
        rt.info.iterations = vu.iterations;
        const fields: Record<string, string | number | boolean> = {};
        // The first slots are fields (captures come after).
        for (let i = 0; i < env.fieldNames.length; i++) fields[env.fieldNames[i]] = vu.vars[i];
        const rows: Record<string, DataRow> = {};
        // The run has checked that no source has run out for this iteration (run.ts, DataFeed.fill).
        for (const source of env.data) rows[source.name] = source.table.row(source.rowFor(iteration));
        env.cookies?.begin(vu);
        const ctx: IterationContext<unknown> = { ...rt.base, fields, vu: rt.info, iteration, scenario, data, rows, jar: rt.jar };
        try {
          // Scoped: an error escaping into a timer or an unawaited promise fails this iteration, and an
          // interrupt ends it as aborted even if it awaits something that never settles.
          await runInFaultScope(env.faults, vu, () => Promise.resolve(spec.iteration(ctx as never)));
          const closing = rt.ws.closeAll();
          if (closing) await closing;
        } catch (err) {
          const closing = rt.ws.closeAll();
          if (closing) await closing;
          if (err instanceof IterationAborted || err instanceof ScopeInterrupted || vu.interrupted) return 'aborted';
          env.errors.record(err, spec.locateError);
          return 'failed';
        }
        return vu.interrupted ? 'aborted' : 'completed';
      };
    },

    async teardown() {
      const teardown = spec.teardown;
      if (!teardown) return undefined;
      try {
        await runInFaultScope(env.faults, setupVu, () => Promise.resolve(teardown({ ...setupRt.base, data } as never)));
        return undefined;
      } catch (err) {
        if (err instanceof ScopeInterrupted || err instanceof IterationAborted) return 'teardown() was interrupted before it finished';
        throw new UserError({
          message: `teardown() threw: ${errorMessage(err)}`,
          location: spec.locateError?.(err),
          hint: 'teardown runs once after the last iteration; the numbers of the run are complete',
        });
      }
    },

    interrupt() {
      setupVu.interrupt();
    },

    setupData: () => data,
    useSetupData(value) {
      data = value;
    },
  };
}

/** `ctx.jar`: the VU's jar that requests use (or one of its own when `http.cookies` is off); URLs default to the target. */
function createJarApi(env: CodeFlowEnv, vu: Vu): Jar {
  let own: CookieJar | undefined;
  const jar = () => env.cookies?.jar(vu) ?? (own ??= new CookieJar());
  const urlOf = (url: string | undefined, what: string): string => {
    const u = url ?? env.target;
    if (u === undefined) throw new TypeError(`jar.${what}: give a URL (the scenario has no target)`);
    return u.startsWith('/') && env.target !== undefined ? new URL(u, env.target).href : u;
  };
  return {
    get: (name, url) => jar().get(urlOf(url, 'get'), name),
    all: (url) => jar().all(urlOf(url, 'all')),
    set: (name, value, opts) => jar().set(urlOf(opts?.url, 'set'), name, value, opts),
    clear: () => jar().clear(),
  };
}
