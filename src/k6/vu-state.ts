// What the k6 shims of one VU share with each other (group, jar, tags) and with every VU of the run (metrics,
// group tree, options). One K6Run per run, one K6Vu per module instance.
import type { RawExchangeRequest, RawExchangeResult } from '../flow/code-http.ts';
import type { K6CookieJar } from './cookie-jar.ts';
import type { MetricRegistry, Tags } from './k6-metrics.ts';

/** A group (or the root, path '') with the checks and requests made in it, for the summary and the result. */
export interface GroupNode {
  name: string;
  /** k6's path: `::outer::inner`; '' for the root. */
  path: string;
  checks: Map<string, { passes: number; fails: number }>;
  requests: Map<string, number>;
  children: string[];
}

export interface K6Run {
  registry: MetricRegistry;
  /** The script's `options`, as exported. */
  options: Record<string, any>;
  groups: Map<string, GroupNode>;
  /** Milliseconds on a monotonic clock. */
  now(): number;
  /** Stops the whole test (k6/execution test.abort()). */
  abort(reason: string): void;
  /** Set once the run has started: the time k6/execution reports as the scenario start. */
  startedAtMs: number;
  /** The environment of `__ENV` (the process's, then `-e KEY=VALUE`). */
  env: Record<string, string>;
  /** Counters of the run for k6/execution's `instance` (zeros before the run starts). */
  counters(): { completed: number; interrupted: number; activeVus: number };
  /** What setup() returned, as JSON; undefined without setup() or when it returned nothing. */
  setupDataJson?: string;
}

export interface K6Vu {
  run: K6Run;
  /** `__VU`, k6/execution's vu.idInTest: 1-based across the test (every worker thread and segment); 0 in the init context, setup() and teardown(). */
  id: number;
  /** k6/execution's vu.idInInstance: 1-based in this thread (= id on one thread without segments). */
  idInInstance: number;
  send(r: RawExchangeRequest): Promise<RawExchangeResult>;
  /** Records a check in runner's check table. */
  recordCheck(name: string, passed: boolean): void;
  sleepMs(ms: number): Promise<void>;
  groupPath: string;
  scenario: string;
  jar: K6CookieJar;
  /** The expected statuses set by http.setResponseCallback (status → 1). */
  expect: Uint8Array;
  /** Tags every sample of this VU carries (`scenario`, options.tags, the scenario's tags). */
  baseTags: Record<string, string>;
  /** Iterations of this module instance (`__ITER`), and of this VU in its scenario. */
  iteration: number;
  iterationInScenario: number;
  iterationInTest: number;
  /** k6/execution's scenario.iterationInInstance: 0-based, in start order, per scenario in this thread. */
  iterationInInstance: number;
}

export function tagsOf(vu: K6Vu, extra?: Record<string, unknown>): Record<string, string> {
  const tags: Record<string, string> = { ...vu.baseTags, group: vu.groupPath };
  if (extra) for (const k in extra) tags[k] = String(extra[k]);
  return tags;
}

export function groupNode(run: K6Run, path: string, name: string): GroupNode {
  let g = run.groups.get(path);
  if (!g) {
    g = { name, path, checks: new Map(), requests: new Map(), children: [] };
    run.groups.set(path, g);
    if (path !== '') {
      const parentPath = path.slice(0, path.lastIndexOf('::'));
      const parent = groupNode(run, parentPath, parentPath.slice(parentPath.lastIndexOf('::') + 2));
      parent.children.push(path);
    }
  }
  return g;
}

export type { Tags };
