// The queries of dashboards/runner.json, for the dashboard tests and the live check against Prometheus.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

export interface Panel {
  title: string;
  type: string;
  gridPos: { x: number; y: number; w: number; h: number };
  targets?: { expr: string }[];
}

/** Every PromQL expression of the dashboard: panel targets and template variable queries. */
export function dashboardQueries(): { where: string; expr: string }[] {
  const d = JSON.parse(readFileSync(`${root}dashboards/runner.json`, 'utf8')) as { panels: Panel[]; templating: { list: { name: string; query: unknown }[] } };
  const out: { where: string; expr: string }[] = [];
  for (const p of d.panels) for (const t of p.targets ?? []) out.push({ where: p.title, expr: t.expr });
  for (const v of d.templating.list) if (typeof v.query === 'object' && v.query) out.push({ where: `$${v.name}`, expr: (v.query as { query: string }).query });
  return out;
}

