// `--warmup`: the scenario's load runs for a while on the run's own connections and nothing of it is kept.
// Sockets open, the JIT compiles the request path, and the measured run then starts on warm connections
// (autocannon's --warmup does the same). The warm-up is a Run of its own whose result is dropped.
import { UserError } from './errors.ts';
import { createPools, type Pools } from './http/pool.ts';
import type { Plan } from './plan/types.ts';
import { Run } from './run.ts';

export interface WarmUp {
  /** The dispatchers the warm-up opened: the measured run uses them (and its caller destroys them). */
  readonly pools: Pools;
  /** Ends the warm-up now (Ctrl-C): in-flight requests finish or are aborted, as in a stopped run. */
  stop(): void;
  /** Resolves with how long the warm-up ran, ms, once its last request has ended. */
  readonly done: Promise<number>;
}

/**
 * Runs `plan`'s load for `ms`, recording nothing. A scenario with setup() or teardown() is refused: those run
 * once per run by contract, and a warm-up would run them a second time (a UserError, exit 2); so is one reading a
 * `queue` or `shuffle` data file, whose rows are each sent once.
 */
export function startWarmUp(plan: Plan, ms: number): WarmUp {
  refuseWarmUp(plan);
  const pools = createPools(plan.http);
  const run = new Run(plan, { pools });
  const startedMs = performance.now();
  // Its stop is the graceful one: requests in flight get their response, so no socket is cut for the warm-up.
  const timer = setTimeout(() => run.stop('aborted'), ms);
  const done = run.start().then(
    () => performance.now() - startedMs,
    (err: unknown) => {
      clearTimeout(timer);
      throw err;
    },
  );
  return {
    pools,
    stop: () => run.stop('interrupted'),
    done: done.finally(() => clearTimeout(timer)),
  };
}

/** The scenarios a warm-up cannot run (see startWarmUp): a UserError, before anything is sent. */
export function refuseWarmUp(plan: Plan): void {
  const lifecycle = plan.scenarios.find((s) => s.iteration?.setup !== undefined || s.iteration?.teardown !== undefined);
  if (lifecycle) {
    throw new UserError({
      message: `--warmup cannot be used with scenario '${lifecycle.name}': it has setup() or teardown(), which must run once`,
      location: { file: plan.file, line: 1, column: 1 },
      hint: 'leave --warmup out, or warm up with a separate short run before this one',
    });
  }
  // A `queue` or `shuffle` data file promises each row once: the warm-up would send rows the measured run
  // then sends again (a one-time token used twice).
  const finite = plan.scenarios.find((s) => s.feed?.finite);
  if (finite) {
    const source = finite.feed!.sources.find((d) => d.finite)!;
    throw new UserError({
      message: `--warmup cannot be used with scenario '${finite.name}': its data '${source.name}' (order: ${source.order}) sends each row once, and the warm-up would send its rows again`,
      location: { file: plan.file, line: 1, column: 1 },
      hint: "leave --warmup out, or give the data file order: circular or random",
    });
  }
}
