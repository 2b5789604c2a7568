// Runs a small scenario in-process against a URL and checks the books: every request in exactly one bucket.
import assert from 'node:assert/strict';
import { compilePlan } from '../../src/plan/compile.ts';
import type { RunResult } from '../../src/result/types.ts';
import { Run, type RunOptions } from '../../src/run.ts';
import { loadYamlScenario } from '../../src/scenario/load-yaml.ts';

export interface FaultRunOptions {
  target: string;
  /** Request timeout, e.g. '1s' (the default). */
  timeout?: string;
  /** Extra YAML lines under `http:` (indented by the caller with two spaces). */
  http?: string;
  vus?: number;
  iterations?: number;
  path?: string;
  /** Extra YAML lines under the request (two-space indent inside the list item). */
  request?: string;
  /** YAML lines replacing the default `load:` body (two-space indent). */
  load?: string;
  run?: RunOptions;
  /** Called with the Run once it has started (to stop it, restart the server, …). */
  during?: (run: Run) => void | Promise<void>;
}

/** The YAML text of a one-request scenario. */
export function faultScenario(o: FaultRunOptions): string {
  const vus = o.vus ?? 2;
  const iterations = o.iterations ?? 10;
  return [
    'name: fault',
    `target: ${o.target}`,
    'http:',
    `  timeout: ${o.timeout ?? '1s'}`,
    ...(o.http ? o.http.split('\n').map((l) => `  ${l}`) : []),
    'requests:',
    '  - name: hit',
    `    path: ${o.path ?? '/'}`,
    ...(o.request ? o.request.split('\n').map((l) => `    ${l}`) : []),
    'load:',
    ...(o.load ? o.load.split('\n').map((l) => `  ${l}`) : ['  executor: shared-iterations', `  vus: ${vus}`, `  iterations: ${iterations}`]),
    '',
  ].join('\n');
}

/** Runs the scenario and returns the result with the wall time it took. */
export async function runFault(o: FaultRunOptions): Promise<{ result: RunResult; wallMs: number; run: Run }> {
  const model = loadYamlScenario(faultScenario(o), '/virtual/fault.yaml');
  const plan = compilePlan(model, { seed: 1, env: {} });
  const run = new Run(plan, o.run);
  const t0 = performance.now();
  const done = run.start();
  if (o.during) await o.during(run);
  const result = await done;
  return { result, wallMs: performance.now() - t0, run };
}

/** Σ byStatus + Σ errors, the two ways of counting every request. */
export function sumBuckets(r: RunResult): number {
  const statuses = Object.values(r.totals.byStatus).reduce((a, b) => a + b, 0);
  const errors = Object.values(r.totals.errors).reduce((a, b) => a + b, 0);
  return statuses + errors;
}

/** totals.requests == Σ byStatus + Σ errors, overall and per request name. */
export function assertBooksBalance(r: RunResult): void {
  assert.equal(r.totals.requests, sumBuckets(r), `books: ${JSON.stringify(r.totals)}`);
  for (const [name, q] of Object.entries(r.requests)) {
    const s = Object.values(q.totals.byStatus).reduce((a, b) => a + b, 0) + Object.values(q.totals.errors).reduce((a, b) => a + b, 0);
    assert.equal(q.totals.requests, s, `books of ${name}`);
  }
}
