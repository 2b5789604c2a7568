// `runner merge` of a k6 script's segments: the `k6` sections are added from the samples each result keeps, so
// the merged custom metrics equal the unsharded run's, and the script's own thresholds are judged again on the
// sum (a count that fails in each half passes over the whole run). Runs in process: 3 runs and a merge.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeHistogram } from '../../src/metrics/histogram.ts';
import type { RunResult } from '../../src/result/types.ts';
import { startTestServer } from '../helpers/server.ts';
import { runInProcess } from '../e2e/in-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'runner-merge-k6-'));
const server = await startTestServer();
after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

test('merge of two segments of a k6 script: k6 metrics equal the unsharded run, its thresholds judged on the sum', { timeout: 60_000 }, async () => {
  const file = join(dir, 'seg.js');
  writeFileSync(
    file,
    `import http from 'k6/http';
import { check, group } from 'k6';
import exec from 'k6/execution';
import { Counter, Rate, Trend } from 'k6/metrics';
const counter = new Counter('my_counter');
const trend = new Trend('my_trend');
const rate = new Rate('my_rate');
export const options = {
  scenarios: { s: { executor: 'per-vu-iterations', vus: 4, iterations: 5 } },
  thresholds: { my_counter: ['count>15'], 'my_trend{kind:even}': ['p(50)<9'], my_rate: ['rate<0.5'] },
};
export default function () {
  const it = exec.scenario.iterationInTest;
  counter.add(1);
  trend.add(it, { kind: it % 2 === 0 ? 'even' : 'odd' });
  rate.add(it % 3 === 0);
  group('g', function () {
    check(http.get(\`\${__ENV.BASE}/x\`), { ok: (r) => r.status === 200 });
  });
}
`,
  );
  const run = async (name: string, extra: string[]) => {
    const out = join(dir, `${name}.json`);
    const r = await runInProcess(['run', file, '-e', `BASE=${server.url}`, '--seed', '4', '--out', out, '-q', ...extra], dir);
    return { code: r.code, stderr: r.stderr, result: JSON.parse(readFileSync(out, 'utf8')) as RunResult };
  };
  const whole = await run('whole', []);
  assert.equal(whole.code, 0, whole.stderr);
  const halves = [await run('s1', ['--segment', '1/2']), await run('s2', ['--segment', '2/2'])];
  for (const h of halves) {
    assert.equal(h.code, 99, 'each half counts 10, which fails count>15');
    assert.equal(h.result.thresholds!.my_counter[0].ok, false);
  }
  const m = await runInProcess(['merge', join(dir, 's1.json'), join(dir, 's2.json'), '--out', join(dir, 'merged.json'), '-q'], dir);
  assert.equal(m.code, 0, m.stderr);
  const merged = JSON.parse(readFileSync(join(dir, 'merged.json'), 'utf8')) as RunResult;
  assert.deepEqual(merged.thresholds, whole.result.thresholds, 'judged on the sum: as the unsharded run');
  assert.equal(merged.thresholds!.my_counter[0].value, 20);
  for (const key of ['my_trend', 'my_trend{kind:even}', 'my_rate']) assert.deepEqual(merged.k6!.metrics[key], whole.result.k6!.metrics[key], key);
  assert.equal(merged.k6!.metrics.my_counter.values.count, 20);
  assert.deepEqual(merged.k6!.groups.find((g) => g.path === '::g')?.checks, { ok: { passes: 20, fails: 0 } });
  // The same count, sum, min, max and histogram (compared bucket by bucket: the encodings may differ in size).
  const a = merged.k6!.samples!.my_trend;
  const b = whole.result.k6!.samples!.my_trend;
  assert.deepEqual([a.count, a.sum, a.min, a.max], [b.count, b.sum, b.min, b.max]);
  const ha = decodeHistogram(a.hdr!);
  const hb = decodeHistogram(b.hdr!);
  assert.equal(ha.totalCount, 20);
  for (let p = 1; p <= 100; p++) assert.equal(ha.getValueAtPercentile(p), hb.getValueAtPercentile(p), `p${p}`);
});
