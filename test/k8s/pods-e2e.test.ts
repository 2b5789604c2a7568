// runner k8s end to end without a cluster: the ConfigMap's files written out as its volume would mount them, and
// each pod's script run as a local process with the real runner (the built CLI) against the example API. The
// segments together make every iteration exactly once, all start at the shared instant, each prints its result line.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { createExampleApi, type ExampleApi } from '../../src/example/api.ts';
import { MOUNT_DIR, RESULT_MARKER } from '../../src/k8s/manifests.ts';
import { binPath, spawnCollect } from '../e2e/cli.ts';
import { runInProcess } from '../e2e/in-process.ts';

let dir: string;
let api: ExampleApi;
let url: string;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'runner-pods-'));
  api = createExampleApi();
  url = await api.listen(0, '127.0.0.1');
});
after(async () => {
  await api?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('3 pods of a runner k8s Job, run as processes: segments 1/3..3/3 together sign up every user once, each prints its result', async () => {
  const init = await runInProcess(['init', 'shop'], dir);
  assert.equal(init.code, 0, init.stderr);
  // Without the starter's latency thresholds: a slow, loaded test machine must not turn into exit 99.
  const starter = readFileSync(join(dir, 'shop.yaml'), 'utf8');
  writeFileSync(join(dir, 'shop.yaml'), starter.slice(0, starter.indexOf('\nthresholds:') + 1));
  const k8s = await runInProcess(['k8s', 'shop.yaml', '--segments', '3', '--start-in', '3s', '--seed', '5', '--target', url], dir);
  assert.equal(k8s.code, 0, k8s.stderr);
  const [cm, job] = parseAllDocuments(k8s.stdout).map((d) => d.toJS() as Record<string, any>);
  const spec = job.spec.template.spec;

  // The volume: each ConfigMap item at its path under a local stand-in for the mount.
  const mount = join(dir, 'mount');
  for (const item of spec.volumes[0].configMap.items as { key: string; path: string }[]) {
    mkdirSync(dirname(join(mount, item.path)), { recursive: true });
    writeFileSync(join(mount, item.path), cm.data[item.key]);
  }
  // `runner` on the PATH: the built CLI.
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'runner'), `#!/bin/sh\nexec "${process.execPath}" "${binPath}" "$@"\n`);
  chmodSync(join(bin, 'runner'), 0o755);

  const container = spec.containers[0];
  const before = api.stats().signups;
  // The manifest's instant (3 s after generation) may have passed on a loaded machine by now: every pod gets one
  // later instant instead, the same for all, as the Job's env gives them one.
  const startAt = new Date(Date.now() + 10_000).toISOString();
  const pods = [0, 1, 2].map((k) => {
    const env: Record<string, string> = { PATH: `${bin}:${process.env.PATH}`, JOB_COMPLETION_INDEX: String(k) };
    for (const e of container.env as { name: string; value: string }[]) env[e.name] = e.value.startsWith(`${MOUNT_DIR}/`) ? join(mount, e.value.slice(MOUNT_DIR.length + 1)) : e.value;
    env.RUNNER_RESULT_FILE = join(dir, `result-${k}.json`);
    env.RUNNER_START_AT = startAt;
    return spawnCollect(container.command[0], container.command.slice(1), { cwd: dir, env, timeoutMs: 60_000 });
  });
  const done = await Promise.all(pods);
  const results = done.map((p, k) => {
    assert.equal(p.code, 0, `pod ${k}: ${p.stderr}`);
    const line = p.stdout.split('\n').find((l) => l.startsWith(`${RESULT_MARKER} ${k} `));
    assert.ok(line, `pod ${k} printed its result line`);
    return JSON.parse(line.slice(`${RESULT_MARKER} ${k} `.length)) as { scenario: { seed: number; segmentIndex?: number; segmentCount?: number; startAt?: string }; iterations: { completed: number }; totals: { byStatus: Record<string, number> } };
  });
  // 50 iterations in all: each exactly once, over the three segments.
  assert.equal(api.stats().signups - before, 50);
  assert.equal(results.reduce((a, r) => a + r.iterations.completed, 0), 50);
  assert.deepEqual(results.map((r) => r.scenario.segmentIndex), [1, 2, 3]);
  assert.ok(results.every((r) => r.scenario.segmentCount === 3 && r.scenario.seed === 5));
  assert.deepEqual(new Set(results.map((r) => r.scenario.startAt)), new Set([startAt]));

  // The last documented step, once `runner merge` exists: the collected files merge into the whole run.
  const help = await runInProcess(['--help'], dir);
  if (!/^\s+merge\b/m.test(help.stdout)) return;
  const files = done.map((p, k) => {
    const file = join(dir, `collected-${k}.json`);
    writeFileSync(file, p.stdout.split('\n').find((l) => l.startsWith(`${RESULT_MARKER} ${k} `))!.slice(`${RESULT_MARKER} ${k} `.length));
    return file;
  });
  const merged = await runInProcess(['merge', ...files, '--out', join(dir, 'merged.json')], dir);
  assert.equal(merged.code, 0, merged.stderr);
  const whole = JSON.parse(readFileSync(join(dir, 'merged.json'), 'utf8')) as { iterations: { completed: number }; totals: { requests: number } };
  assert.equal(whole.iterations.completed, 50);
  assert.equal(whole.totals.requests, 150);
});
