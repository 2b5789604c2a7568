// `--fail-on` budgets for `runner compare`: parse `p99>+10%`, `errors>+0.5pp`, `rps<-5%`, `p99{name:signup}>+5ms`
// and check them against a Comparison.
import { UserError } from '../errors.ts';
import type { CompareStat, Comparison } from './compare.ts';

export interface Budget {
  /** As written, for messages. */
  text: string;
  stat: CompareStat;
  /** Request name; undefined: the total row. */
  requestName?: string;
  operator: '>' | '<';
  /** Signed bound in `unit`. */
  bound: number;
  /** % of the base value, percentage points (errors only), or ms (latency only). */
  unit: '%' | 'pp' | 'ms';
}

const BUDGET = /^\s*(count|rps|errors|mean|p50|p90|p95|p99|p99\.9|p999|max)\s*(?:\{\s*name\s*:\s*([^}]+?)\s*\})?\s*([<>])\s*([+-]?\d+(?:\.\d+)?)\s*(%|pp|ms)\s*$/;

/** Parses one `--fail-on` value; throws a UserError (exit 2) with the accepted forms. */
export function parseBudget(text: string): Budget {
  const m = BUDGET.exec(text);
  if (!m) {
    throw new UserError({
      message: `--fail-on takes <stat>[{name:X}]<op><signed number><unit>, e.g. 'p99>+10%', 'mean>+5ms', 'errors>+0.5pp', 'rps<-5%'; got '${text}'`,
      hint: 'stats: count rps errors mean p50 p90 p95 p99 p99.9 max; units: % pp ms',
    });
  }
  const stat = (m[1] === 'p99.9' ? 'p999' : m[1]) as CompareStat;
  const unit = m[5] as Budget['unit'];
  if (unit === 'pp' && stat !== 'errors') throw new UserError({ message: `--fail-on '${text}': pp (percentage points) applies to errors only` });
  if (unit === 'ms' && (stat === 'count' || stat === 'rps' || stat === 'errors')) throw new UserError({ message: `--fail-on '${text}': ms applies to latency statistics only` });
  return { text, stat, requestName: m[2], operator: m[3] as '>' | '<', bound: Number(m[4]), unit };
}

export interface BudgetBreach {
  budget: Budget;
  /** 1-based index of the candidate run (run 0 is the base). */
  run: number;
  /** The observed change in the budget's unit; null: a latency budget and one side had no responses, so it cannot be shown to hold. */
  observed: number | null;
}

/**
 * Budgets each candidate exceeds. For statistics with a verdict (latencies, errors), a change past the bound
 * counts only when it is also beyond noise (verdict slower/faster in the budget's direction). A latency budget
 * where the base or the candidate got no response cannot hold: it is a breach with `observed: null`.
 * A budget naming a request that some file lacks is a UserError: it could never be checked for that file.
 */
export function checkBudgets(c: Comparison, budgets: readonly Budget[]): { breaches: BudgetBreach[]; withinNoise: BudgetBreach[] } {
  const breaches: BudgetBreach[] = [];
  const withinNoise: BudgetBreach[] = [];
  for (const budget of budgets) {
    // The total row is last: a request named 'total' is looked up among the request rows.
    const row = budget.requestName === undefined ? c.rows[c.rows.length - 1] : c.rows.slice(0, -1).find((r) => r.name === budget.requestName);
    if (!row) {
      throw new UserError({ message: `--fail-on '${budget.text}': no request is named '${budget.requestName}' in these results`, hint: `request names: ${c.rows.slice(0, -1).map((r) => r.name).join(', ')}` });
    }
    const lacking = c.runs.filter((_, i) => row.values.count[i] === null).map((r) => r.file);
    if (lacking.length > 0) {
      throw new UserError({
        message: `--fail-on '${budget.text}': ${lacking.join(', ')} ${lacking.length === 1 ? 'has' : 'have'} no request named '${budget.requestName}'`,
        hint: 'a budget must be checkable in every file: compare results of the same scenario, or drop the {name:…}',
      });
    }
    row.changes.forEach((change, i) => {
      if (!change) return;
      const sc = change[budget.stat];
      if (sc.delta === null) {
        breaches.push({ budget, run: i + 1, observed: null });
        return;
      }
      const observed = budget.unit === '%' ? sc.pct : sc.delta;
      if (observed === null) return;
      const exceeded = budget.operator === '>' ? observed > budget.bound : observed < budget.bound;
      if (!exceeded) return;
      const direction = budget.operator === '>' ? 'slower' : 'faster';
      // For rps and count '<' means fewer; they have no verdict and count as observed.
      const breach = { budget, run: i + 1, observed };
      if (sc.verdict === undefined || sc.verdict === direction) breaches.push(breach);
      else withinNoise.push(breach);
    });
  }
  return { breaches, withinNoise };
}
