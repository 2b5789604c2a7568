// `--summary-export summary.json`: the end-of-run numbers under k6's metric names (k6's `--summary-export`
// habit), without histograms; `--out result.json` stays the full, comparable result file.
import type { LatencySummary, RequestResult, RunResult } from './result-types.ts';

type Metric = Record<string, number | Record<string, { ok: boolean; value: number | null }>>;

// A trend or rate with no samples has no value: it is left out (as k6's export leaves out metrics nothing
// observed), never written as 0 ms or a 0 % failure rate. Counters keep their 0: a count of nothing is measured.
function trend(l: LatencySummary): Metric {
  if (l.count === 0) return {};
  return { avg: l.mean, min: l.min, med: l.p50, max: l.max, 'p(90)': l.p90, 'p(95)': l.p95, 'p(99)': l.p99, 'p(99.9)': l.p999 };
}

function failed(t: RequestResult['totals']): Metric {
  if (t.requests === 0) return {};
  const fails = Object.values(t.errors).reduce((s, n) => s + n, 0) + t.unexpectedStatus;
  return { rate: Math.round((fails / t.requests) * 1e6) / 1e6, passes: t.requests - fails, fails };
}

const perSecond = (n: number, ms: number): number => (ms > 0 ? Math.round((n / (ms / 1000)) * 1000) / 1000 : 0);

/** The export's content: `{ runner, scenario, startedAt, durationMs, outcome, metrics: { "<k6 name>[{name:X}]": {…} }, checks }`. */
export function buildSummaryExport(r: RunResult): Record<string, unknown> {
  const metrics: Record<string, Metric> = {};
  const add = (key: string, m: Metric): void => {
    const th = r.thresholds?.[key];
    if (!th && Object.keys(m).length === 0) return;
    metrics[key] = th ? { ...m, thresholds: Object.fromEntries(th.map((t) => [t.expression, { ok: t.ok, value: t.value }])) } : m;
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
  add('checks', passes + fails === 0 ? {} : { rate: Math.round((passes / (passes + fails)) * 1e6) / 1e6, passes, fails });
  add('data_sent', { count: r.totals.bytesSent, rate: perSecond(r.totals.bytesSent, r.durationMs) });
  add('data_received', { count: r.totals.bytesReceived, rate: perSecond(r.totals.bytesReceived, r.durationMs) });
  // Threshold keys with a percentile the table above lacks (p(97.5)) still appear, under their own key.
  for (const key of Object.keys(r.thresholds ?? {})) if (!(key in metrics)) add(key, {});
  return { runner: r.runner, scenario: r.scenario, startedAt: r.startedAt, durationMs: r.durationMs, outcome: r.outcome, metrics, checks: r.checks };
}
