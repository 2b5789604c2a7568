// A k6 script with --warmup: the warm-up runs the script unrecorded, so its iterations must not reach the k6
// metrics, groups and thresholds either, and delayAbortEval counts from the measured start (it counted from
// the load of the script, so an abortOnFail threshold could fire on warm-up samples). In process.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunResult } from '../../src/result/types.ts';
import { startTestServer } from '../helpers/server.ts';
import { runInProcess } from '../e2e/in-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'runner-k6-warmup-'));
const server = await startTestServer();
after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

test('--warmup with a k6 script: k6 metrics, groups and abortOnFail see the measured run only', { timeout: 60_000 }, async () => {
  const file = join(dir, 'warm.js');
  writeFileSync(
    file,
    `import http from 'k6/http';
import { check, sleep } from 'k6';
import { Counter, Rate } from 'k6/metrics';
const calls = new Counter('calls');
const bad = new Rate('bad');
export const options = {
  scenarios: { s: { executor: 'constant-vus', vus: 1, duration: '20s' } },
  thresholds: { bad: [{ threshold: 'rate<0.5', abortOnFail: true, delayAbortEval: '1500ms' }] },
};
export default function () {
  check(http.get(\`\${__ENV.BASE}/a\`), { ok: (r) => r.status === 200 });
  calls.add(1);
  bad.add(true);
  sleep(0.05);
}
`,
  );
  const out = join(dir, 'warm.json');
  const r = await runInProcess(['run', file, '-e', `BASE=${server.url}`, '--warmup', '2s', '--out', out, '-q'], dir);
  assert.equal(r.code, 99, r.stderr);
  const result = JSON.parse(readFileSync(out, 'utf8')) as RunResult;
  assert.equal(result.outcome, 'aborted');
  assert.ok(result.durationMs >= 1500, `the measured run lasted ${result.durationMs} ms: delayAbortEval counts from its start`);
  assert.ok(result.durationMs < 15_000, `${result.durationMs} ms`);
  const measured = result.totals.requests;
  assert.ok(measured > 0 && server.count > measured, 'the warm-up sent requests that were not recorded');
  const root = result.k6!.groups.find((g) => g.path === '')!;
  assert.equal(Object.values(root.requests).reduce((a, b) => a + b, 0), measured, 'k6 group requests = the measured requests');
  assert.deepEqual(root.checks.ok, result.checks.ok);
  assert.ok(Math.abs(result.k6!.metrics.calls.values.count - result.iterations.completed) <= 1, `calls ${result.k6!.metrics.calls.values.count} vs iterations ${result.iterations.completed}`);
});
