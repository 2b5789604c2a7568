// dashboards/runner.json: it parses, every query names only metrics runner writes (and each metric is shown
// somewhere), panels fit Grafana's 24-column grid, and the package ships the folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PROMETHEUS_METRICS } from '../../src/output/prometheus/aggregate.ts';
import { dashboardQueries, type Panel } from '../helpers/dashboard.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

test('the Grafana dashboard parses and every query names a metric runner writes', () => {
  const queries = dashboardQueries();
  assert.ok(queries.length >= 10);
  const used = new Set<string>();
  for (const { where, expr } of queries) {
    const names = expr.match(/\brunner_[a-z_]+/g) ?? [];
    assert.ok(names.length > 0, `${where}: ${expr} names no runner metric`);
    for (const n of names) {
      assert.ok((PROMETHEUS_METRICS as readonly string[]).includes(n), `${where}: ${n} is not written by --out prometheus=`);
      used.add(n);
    }
  }
  assert.deepEqual([...PROMETHEUS_METRICS].filter((m) => !used.has(m)), [], 'metrics no panel shows');
});

test('panels fit the 24-column grid without overlapping; the package ships dashboards/', () => {
  const d = JSON.parse(readFileSync(`${root}dashboards/runner.json`, 'utf8')) as { panels: Panel[] };
  const cells = new Set<string>();
  for (const p of d.panels) {
    assert.ok(p.gridPos.x >= 0 && p.gridPos.x + p.gridPos.w <= 24, p.title);
    for (let x = p.gridPos.x; x < p.gridPos.x + p.gridPos.w; x++)
      for (let y = p.gridPos.y; y < p.gridPos.y + p.gridPos.h; y++) {
        assert.ok(!cells.has(`${x},${y}`), `${p.title} overlaps at ${x},${y}`);
        cells.add(`${x},${y}`);
      }
  }
  const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { files: string[] };
  assert.ok(pkg.files.includes('dashboards'));
});
