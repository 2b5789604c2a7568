// `--summary-export summary.json`: the end-of-run numbers in k6's `--summary-export` (legacy JSON summary) shape,
// without histograms; `--out result.json` stays the full, comparable result file. k6 writes each metric by type
// (grafana/k6 internal/js/summary.go metricValueGetter + summary-wrapper.js oldJSONSummary):
//   trend   { avg, min, med, max, "p(90)", "p(95)", … }       (ms for durations)
//   counter { count, rate }                                    (rate per second of the run)
//   rate    { passes, fails, value }                           passes = samples that were TRUE (non-zero), value = passes / total
//   thresholds { "<expression>": <true when the threshold FAILED> }  (k6's inverted boolean, kept for its readers)
// so `http_req_failed` has passes = failed requests, and `checks` passes = passed checks. Checks also appear
// per name under `root_group.checks`, as k6 writes them.
import { createHash } from 'node:crypto';
import { writeResultAtomic } from '../report/result.ts';
import type { LatencySummary, RequestResult, RunResult } from '../result/types.ts';
import type { OutputKind } from './types.ts';

type Metric = Record<string, number | Record<string, boolean>>;

// A trend or rate with no samples has no value: it is left out (as k6's export leaves out metrics nothing
// observed), never written as 0 ms or a 0 % failure rate. Counters keep their 0: a count of nothing is measured.
function trend(l: LatencySummary): Metric {
  if (l.count === 0) return {};
  return { avg: l.mean, min: l.min, med: l.p50, max: l.max, 'p(90)': l.p90, 'p(95)': l.p95, 'p(99)': l.p99, 'p(99.9)': l.p999 };
}

/** A k6 Rate metric from its count of TRUE samples and its total. */
function rate(trues: number, total: number): Metric {
  return total === 0 ? {} : { passes: trues, fails: total - trues, value: trues / total };
}

/** `http_req_failed`: TRUE for a request that failed (a network error or an unexpected status). */
function failed(t: RequestResult['totals']): Metric {
  const fails = Object.values(t.errors).reduce((s, n) => s + n, 0) + t.unexpectedStatus;
  return rate(fails, t.requests);
}

const perSecond = (n: number, ms: number): number => (ms > 0 ? Math.round((n / (ms / 1000)) * 1000) / 1000 : 0);

/** k6's group and check id: the hex MD5 of the path (lib/models.go). */
const k6Id = (path: string): string => createHash('md5').update(path).digest('hex');

/**
 * The export's content: `{ runner, scenario, startedAt, durationMs, outcome, root_group, metrics: { "<k6 name>[{name:X}]": {…} }, checks }`;
 * `checks` (name → passes/fails) is runner's own, kept for earlier readers of this file.
 */
export function buildSummaryExport(r: RunResult): Record<string, unknown> {
  const metrics: Record<string, Metric> = {};
  const add = (key: string, m: Metric): void => {
    const th = r.thresholds?.[key];
    if (!th && Object.keys(m).length === 0) return;
    metrics[key] = th ? { ...m, thresholds: Object.fromEntries(th.map((t) => [t.expression, !t.ok])) } : m;
  };
  add('http_req_duration', trend(r.latency));
  add('http_req_failed', failed(r.totals));
  add('http_reqs', { count: r.totals.requests, rate: r.totals.rps });
  for (const [name, req] of Object.entries(r.requests)) {
    add(`http_req_duration{name:${name}}`, trend(req.latency));
    add(`http_req_failed{name:${name}}`, failed(req.totals));
    add(`http_reqs{name:${name}}`, { count: req.totals.requests, rate: req.totals.rps });
  }
  const done = r.iterations.completed + r.iterations.failed;
  add('iterations', { count: done, rate: perSecond(done, r.durationMs) });
  add('dropped_iterations', { count: r.iterations.dropped, rate: perSecond(r.iterations.dropped, r.durationMs) });
  let passes = 0;
  let fails = 0;
  for (const c of Object.values(r.checks)) {
    passes += c.passes;
    fails += c.fails;
  }
  add('checks', rate(passes, passes + fails));
  add('data_sent', { count: r.totals.bytesSent, rate: perSecond(r.totals.bytesSent, r.durationMs) });
  add('data_received', { count: r.totals.bytesReceived, rate: perSecond(r.totals.bytesReceived, r.durationMs) });
  if (r.ws) {
    // k6's WebSocket metric names (k6/ws), plus runner's delivery latency and loss.
    const count = (n: number) => ({ count: n, rate: perSecond(n, r.durationMs) });
    add('ws_connecting', trend(r.ws.connections.connecting));
    add('ws_sessions', count(r.ws.connections.opened));
    add('ws_msgs_sent', count(r.ws.messages.sent));
    add('ws_msgs_received', count(r.ws.messages.received));
    add('ws_delivery_latency', trend(r.ws.delivery.latency));
    add('ws_msgs_lost', count(r.ws.delivery.lost));
  }
  // Threshold keys with a percentile the table above lacks (p(97.5)) still appear, under their own key.
  for (const key of Object.keys(r.thresholds ?? {})) if (!(key in metrics)) add(key, {});
  const rootGroup = {
    name: '',
    path: '',
    id: k6Id(''),
    groups: {},
    checks: Object.fromEntries(Object.entries(r.checks).map(([name, c]) => [name, { name, path: `::${name}`, id: k6Id(`::${name}`), passes: c.passes, fails: c.fails }])),
  };
  return { runner: r.runner, scenario: r.scenario, startedAt: r.startedAt, durationMs: r.durationMs, outcome: r.outcome, root_group: rootGroup, metrics, checks: r.checks };
}

/** `--summary-export summary.json` (or `--out summary-export=summary.json`): written at the end, after the result. */
export const summaryExportOutput: OutputKind = {
  target: 'file',
  example: 'summary.json',
  create: (ctx) => ({ writeResult: (result) => writeResultAtomic(ctx.target, buildSummaryExport(result)) }),
};
