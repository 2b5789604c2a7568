// `runner compare`: the numbers of two or more result files side by side, each candidate against the first
// (the base), per request name and in total, with a noise-aware verdict and the `--fail-on` budgets.
import { basename } from 'node:path';
import { hashString } from '../generators/rng.ts';
import { decodeHistogram } from '../metrics/histogram.ts';
import { UserError } from '../errors.ts';
import { testChange, testErrorRate, toDistribution, type Distribution, type Verdict } from './noise.ts';
import type { RequestResult, RunResult } from '../result/types.ts';

export const compareStats = ['count', 'rps', 'errors', 'mean', 'p50', 'p90', 'p95', 'p99', 'p999', 'max'] as const;
export type CompareStat = (typeof compareStats)[number];
/** Statistics of the latency histogram: none when a run got no response. */
export const latencyCompareStats: readonly CompareStat[] = ['mean', 'p50', 'p90', 'p95', 'p99', 'p999', 'max'];

/** Statistics with a bootstrap verdict, and the percentile (or 'mean') each one tests. */
const tested: Partial<Record<CompareStat, number | 'mean'>> = { mean: 'mean', p50: 50, p90: 90, p95: 95, p99: 99, p999: 99.9 };

/** One statistic of one candidate against the base. */
export interface StatChange {
  /** candidate − base, in the stat's unit (ms, count, req/s; percentage points for errors); null: a latency and one side has no responses. */
  delta: number | null;
  /** Relative change in % (null when the base is 0 or delta is null); for errors, the relative change of the rate. */
  pct: number | null;
  /** Beyond noise? Only for latency statistics and errors; undefined otherwise. */
  verdict?: Verdict;
}

export type RowVerdict = 'regression' | 'improvement' | 'mixed' | 'no change' | 'n/a';

export interface CompareRow {
  /** 'total' or a request name. */
  name: string;
  /** values[stat][run]: ms for latencies, error rate in %; null when the run lacks this request, or for a latency when it has no responses. */
  values: Record<CompareStat, (number | null)[]>;
  /** changes[candidate - 1][stat]; null when either side lacks the request. */
  changes: (Record<CompareStat, StatChange> | null)[];
  verdicts: RowVerdict[];
}

export interface Comparison {
  runs: { file: string; scenario: string; startedAt: string; outcome: string }[];
  rows: CompareRow[];
  /** What makes the comparison doubtful: different scenarios, runs without responses. */
  warnings: string[];
}

function errorCount(t: RequestResult['totals']): number {
  return Object.values(t.errors).reduce((s, n) => s + n, 0) + t.unexpectedStatus;
}

/** The row's numbers for one run; latencies null when it got no response (an empty histogram has no p99, not 0 ms). */
function statValues(r: RequestResult): Record<CompareStat, number | null> {
  const l = r.latency;
  const t = r.totals;
  const ms = (v: number): number | null => (l.count === 0 ? null : v);
  return {
    count: t.requests,
    rps: t.rps,
    errors: t.requests === 0 ? 0 : (errorCount(t) / t.requests) * 100,
    mean: ms(l.mean),
    p50: ms(l.p50),
    p90: ms(l.p90),
    p95: ms(l.p95),
    p99: ms(l.p99),
    p999: ms(l.p999),
    max: ms(l.max),
  };
}

function rowVerdict(c: Record<CompareStat, StatChange>): RowVerdict {
  const vs = compareStats.map((s) => c[s].verdict).filter((v): v is Verdict => v !== undefined);
  const worse = vs.includes('slower');
  const better = vs.includes('faster');
  if (worse && better) return 'mixed';
  if (worse) return 'regression';
  if (better) return 'improvement';
  return 'no change';
}

function compareRow(name: string, parts: (RequestResult | undefined)[], seed: number): CompareRow {
  const values = Object.fromEntries(compareStats.map((s) => [s, parts.map((p) => (p ? statValues(p)[s] : null))])) as CompareRow['values'];
  const dists: (Distribution | undefined)[] = parts.map((p) => (p && p.latency.count > 0 ? toDistribution(decodeHistogram(p.latency.hdr)) : undefined));
  const base = parts[0];
  const changes: CompareRow['changes'] = [];
  const verdicts: RowVerdict[] = [];
  for (let i = 1; i < parts.length; i++) {
    const cand = parts[i];
    if (!base || !cand) {
      changes.push(null);
      verdicts.push('n/a');
      continue;
    }
    const bv = statValues(base);
    const cv = statValues(cand);
    const change = {} as Record<CompareStat, StatChange>;
    for (const s of compareStats) {
      const b = bv[s];
      const c = cv[s];
      change[s] = b === null || c === null ? { delta: null, pct: null } : { delta: c - b, pct: b === 0 ? null : ((c - b) / b) * 100 };
      const stat = tested[s];
      const bd = dists[0];
      const cd = dists[i];
      if (stat !== undefined && bd && cd) change[s].verdict = testChange(bd, cd, stat, seed ^ hashString(`${name}/${s}/${i}`))?.verdict;
    }
    change.errors.verdict = testErrorRate(errorCount(base.totals), base.totals.requests, errorCount(cand.totals), cand.totals.requests);
    changes.push(change);
    verdicts.push(rowVerdict(change));
  }
  return { name, values, changes, verdicts };
}

/** Compares `results[1..]` against `results[0]`; `files[i]` labels result i. Request rows come first, total last. */
export function compareResults(results: readonly RunResult[], files: readonly string[]): Comparison {
  if (results.length < 2) throw new UserError({ message: 'compare needs at least two result files', hint: 'runner compare base.json candidate.json' });
  const names = new Set<string>();
  for (const r of results) for (const n of Object.keys(r.requests)) names.add(n);
  // The seed comes from the inputs: the same files always give the same verdicts.
  const seed = hashString(results.map((r) => r.latency.hdr).join('|'));
  // Own properties only: a request named `constructor` must not find Object.prototype's.
  const rows = [...names].map((n) => compareRow(n, results.map((r) => (Object.hasOwn(r.requests, n) ? r.requests[n] : undefined)), seed));
  // WebSocket runs get two more rows, shaped like request rows: handshakes (failures as errors) and deliveries
  // (losses as errors, the delivery latency as latency), so the same noise-aware verdicts apply.
  if (results.some((r) => r.ws !== undefined)) {
    rows.push(compareRow('ws: connecting', results.map((r) => wsRows(r)?.connecting), seed));
    rows.push(compareRow('ws: delivery', results.map((r) => wsRows(r)?.delivery), seed));
  }
  rows.push(compareRow('total', [...results], seed));
  return {
    runs: results.map((r, i) => ({ file: files[i], scenario: r.scenario.name, startedAt: r.startedAt, outcome: r.outcome })),
    rows,
    warnings: comparisonWarnings(results, files),
  };
}

/** The ws section as two request-like rows; undefined for a run without WebSockets. */
function wsRows(r: RunResult): { connecting: RequestResult; delivery: RequestResult } | undefined {
  const ws = r.ws;
  if (ws === undefined) return undefined;
  const seconds = r.durationMs / 1000;
  const totals = (requests: number, errors: Record<string, number>, done: number): RequestResult['totals'] => ({
    requests,
    byStatus: {},
    errors,
    unexpectedStatus: 0,
    bytesSent: 0,
    bytesReceived: 0,
    rps: seconds > 0 ? Math.round((done / seconds) * 10) / 10 : 0,
  });
  const c = ws.connections;
  const d = ws.delivery;
  return {
    connecting: { totals: totals(c.opened + c.failed, { ...c.failures }, c.opened), latency: c.connecting, serviceTime: c.connecting },
    delivery: { totals: totals(d.delivered + d.lost, { lost: d.lost }, d.delivered), latency: d.latency, serviceTime: d.latency },
  };
}

function comparisonWarnings(results: readonly RunResult[], files: readonly string[]): string[] {
  const out: string[] = [];
  const base = results[0].scenario;
  results.forEach((r, i) => {
    // The folder does not count: the base and the candidate of one scenario often run from two checkouts (CI).
    if (i > 0 && (r.scenario.name !== base.name || basename(r.scenario.file) !== basename(base.file))) {
      out.push(
        `${files[i]} ran scenario '${r.scenario.name}' (${r.scenario.file}), the base ran '${base.name}' (${base.file}): different scenarios, the numbers may not be comparable`,
      );
    }
    if (r.latency.count === 0) out.push(`${files[i]} has no responses (${r.totals.requests} requests, all failed): no latency to compare`);
  });
  return out;
}
