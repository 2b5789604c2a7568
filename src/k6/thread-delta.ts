// A k6 script under `--workers`: each thread keeps its own metric registry and group tree (the script's
// functions cannot cross threads), drains what it measured into a plain delta about once a second, and the
// main thread absorbs the deltas into its own registry. That merged registry is the run's: thresholds (also
// abortOnFail), the result's `k6` section and handleSummary() read it as they read a one-thread run's.
import type { K6MetricType, SinkDelta, Tags } from './k6-metrics.ts';
import { groupNode, type K6Run } from './vu-state.ts';

export interface MetricDelta {
  name: string;
  type: K6MetricType;
  isTime: boolean;
  custom: boolean;
  sink?: SinkDelta;
  /** Sub-metrics (the `{tag:value}` filters thresholds asked for): key, tags, samples. */
  subs: [string, Tags, SinkDelta][];
}

export interface GroupDelta {
  path: string;
  name: string;
  /** [check name, passes, fails]. */
  checks: [string, number, number][];
  /** [request name, count]. */
  requests: [string, number][];
}

/** What one thread measured since its previous delta; groups in the order the thread first met them. */
export interface K6Delta {
  metrics: MetricDelta[];
  groups: GroupDelta[];
}

/** A thread's drain: each call returns what was added since the previous one (undefined: nothing) and empties it. */
export function createK6Drain(run: K6Run): () => K6Delta | undefined {
  let groupsSent = 0;
  return () => {
    const metrics: MetricDelta[] = [];
    for (const m of run.registry.metrics.values()) {
      const sink = m.sink.drain();
      const subs: MetricDelta['subs'] = [];
      for (const s of m.subs) {
        const d = s.sink.drain();
        if (d) subs.push([s.key, s.tags, d]);
      }
      if (sink || subs.length > 0) metrics.push({ name: m.name, type: m.type, isTime: m.isTime, custom: m.custom, ...(sink ? { sink } : {}), subs });
    }
    const groups: GroupDelta[] = [];
    let i = 0;
    for (const g of run.groups.values()) {
      // A new group goes even when empty, so the tree keeps its shape and order on the main thread.
      if (i++ >= groupsSent || g.checks.size > 0 || g.requests.size > 0) {
        groups.push({ path: g.path, name: g.name, checks: [...g.checks].map(([name, c]) => [name, c.passes, c.fails]), requests: [...g.requests] });
        g.checks.clear();
        g.requests.clear();
      }
    }
    groupsSent = run.groups.size;
    return metrics.length > 0 || groups.length > 0 ? { metrics, groups } : undefined;
  };
}

/** Adds a thread's delta to the main thread's registry and group tree (exact: see MetricSink.absorb). */
export function absorbK6Delta(run: K6Run, delta: K6Delta): void {
  for (const d of delta.metrics) {
    const metric = run.registry.define(d.name, d.type, d.isTime, d.custom);
    if (d.sink) metric.sink.absorb(d.sink);
    for (const [, tags, sink] of d.subs) run.registry.submetric(metric, tags).sink.absorb(sink);
  }
  for (const g of delta.groups) {
    const node = groupNode(run, g.path, g.name);
    for (const [name, passes, fails] of g.checks) {
      const c = node.checks.get(name);
      if (c) {
        c.passes += passes;
        c.fails += fails;
      } else node.checks.set(name, { passes, fails });
    }
    for (const [name, n] of g.requests) node.requests.set(name, (node.requests.get(name) ?? 0) + n);
  }
}
