// runner k8s: the manifests are valid Kubernetes objects (kubernetes-models' schemas), and hold what a schema
// cannot check: pod index k runs segment k+1/N, every pod the same start and seed, every file the scenario reads
// in the ConfigMap at the path the scenario expects; the pod script prints its result as one marked line that
// the documented one-liner turns into files.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { after, before, test } from 'node:test';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { parseAllDocuments } from 'yaml';
import { runInProcess } from '../e2e/in-process.ts';
import { makeCertChain, tlsSkipReason } from '../helpers/tls.ts';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'runner-k8s-'));
  mkdirSync(join(dir, 'load/scenarios'), { recursive: true });
  mkdirSync(join(dir, 'load/templates'), { recursive: true });
  mkdirSync(join(dir, 'load/certs'), { recursive: true });
  writeFileSync(join(dir, 'load/templates/user.json'), '{ "id": "{{id}}", "name": "{{name}}", "sku": "{{items.sku}}" }\n');
  mkdirSync(join(dir, 'load/data'), { recursive: true });
  writeFileSync(join(dir, 'load/data/items.csv'), 'sku\nA-1\nB-2\n');
  const tls = tlsSkipReason() === undefined;
  if (tls) {
    const chain = makeCertChain();
    writeFileSync(join(dir, 'load/certs/ca.pem'), chain.ca);
    chain.remove();
  }
  writeFileSync(
    join(dir, 'load/scenarios/shop.yaml'),
    [
      'name: Shop Checkout',
      'target: https://shop.test',
      ...(tls ? ['http: { ca: ../certs/ca.pem }'] : []),
      'fields: { id: { gen: uuid }, name: { gen: koreanName } }',
      'data: { items: { file: ../data/items.csv, order: queue } }',
      'requests:',
      '  - { name: buy, method: POST, path: /buy, template: ../templates/user.json }',
      'load: { executor: constant-arrival-rate, rate: 100, duration: 1m, preAllocatedVUs: 20 }',
      '',
    ].join('\n'),
  );
});
after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Container {
  command: string[];
  env: { name: string; value: string }[];
  image: string;
  volumeMounts: { mountPath: string }[];
}

async function manifests(args: string[]) {
  const r = await runInProcess(['k8s', ...args], dir);
  assert.equal(r.code, 0, r.stderr);
  const docs = parseAllDocuments(r.stdout).map((d) => d.toJS() as Record<string, any>);
  return { docs, stderr: r.stderr };
}

test('k8s writes a ConfigMap and an Indexed Job that kubernetes-models validates, with the rules a schema cannot check', async () => {
  const { docs, stderr } = await manifests(['load/scenarios/shop.yaml', '--segments', '4', '--seed', '42', '--start-at', '2030-01-02T03:04:05Z', '--image', 'registry.test/runner:1']);
  assert.equal(docs.length, 2);
  const [cm, job] = docs;
  // Real Kubernetes schemas: throws on any invalid field.
  new ConfigMap(cm as ConstructorParameters<typeof ConfigMap>[0]).validate();
  new Job(job as ConstructorParameters<typeof Job>[0]).validate();

  assert.equal(job.spec.completionMode, 'Indexed');
  assert.equal(job.spec.completions, 4);
  assert.equal(job.spec.parallelism, 4);
  assert.equal(job.spec.backoffLimit, 0);
  assert.equal(job.spec.template.spec.restartPolicy, 'Never');
  assert.equal(job.metadata.name, 'runner-shop-checkout');
  const container = job.spec.template.spec.containers[0] as Container;
  assert.equal(container.image, 'registry.test/runner:1');
  const env = Object.fromEntries(container.env.map((e) => [e.name, e.value]));
  assert.equal(env.RUNNER_START_AT, '2030-01-02T03:04:05.000Z');
  assert.equal(env.RUNNER_SEED, '42');

  // Every file the scenario reads is in the ConfigMap, byte for byte, where the scenario's relative paths find it.
  const items = job.spec.template.spec.volumes[0].configMap.items as { key: string; path: string }[];
  const mount = container.volumeMounts[0].mountPath;
  const inPod = (p: string) => {
    const item = items.find((i) => posix.join(mount, i.path) === p);
    assert.ok(item, `nothing mounted at ${p}`);
    return cm.data[item.key] as string;
  };
  const scenarioInPod = env.RUNNER_SCENARIO;
  const scenarioText = inPod(scenarioInPod);
  assert.equal(scenarioText, readFileSync(join(dir, 'load/scenarios/shop.yaml'), 'utf8'));
  assert.equal(inPod(posix.join(posix.dirname(scenarioInPod), '../templates/user.json')), readFileSync(join(dir, 'load/templates/user.json'), 'utf8'));
  if (tlsSkipReason() === undefined) assert.equal(inPod(posix.join(posix.dirname(scenarioInPod), '../certs/ca.pem')), readFileSync(join(dir, 'load/certs/ca.pem'), 'utf8'));
  assert.equal(inPod(posix.join(posix.dirname(scenarioInPod), '../data/items.csv')), 'sku\nA-1\nB-2\n');
  assert.equal(items.length, tlsSkipReason() === undefined ? 4 : 3);
  assert.match(stderr, /kubectl logs -l job-name=runner-shop-checkout/);
});

test('the pod script: index k runs segment k+1/N with the shared start and seed, prints one marked result line, keeps the exit code', async () => {
  const { docs, stderr } = await manifests(['load/scenarios/shop.yaml', '--segments', '3', '--start-in', '2m']);
  const container = docs[1].spec.template.spec.containers[0] as Container;
  assert.deepEqual(container.command.slice(0, 2), ['/bin/sh', '-c']);
  // A stand-in `runner` on the PATH records its arguments and writes a pretty-printed result file.
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  writeFileSync(
    join(bin, 'runner'),
    '#!/bin/sh\nprintf "%s\\n" "$@" > "$ARGS_FILE"\nout=""; prev=""; for a in "$@"; do [ "$prev" = "--out" ] && out="$a"; prev="$a"; done\nprintf \'{\\n  "segmentIndex": %s,\\n  "text": "a b"\\n}\\n\' "$JOB_COMPLETION_INDEX" > "$out"\n[ "$JOB_COMPLETION_INDEX" = 2 ] && exit 99\nexit 0\n',
  );
  chmodSync(join(bin, 'runner'), 0o755);
  let logs = '';
  const argsOf: string[][] = [];
  for (let k = 0; k < 3; k++) {
    const env: Record<string, string> = { PATH: `${bin}:${process.env.PATH}`, JOB_COMPLETION_INDEX: String(k), ARGS_FILE: join(dir, `args-${k}`) };
    for (const e of container.env) env[e.name] = e.value;
    env.RUNNER_RESULT_FILE = join(dir, `pod-${k}.json`);
    const r = spawnSync(container.command[0], container.command.slice(1), { env, encoding: 'utf8', timeout: 20_000 });
    assert.equal(r.status, k === 2 ? 99 : 0, r.stderr);
    logs += `some summary line of pod ${k}\n${r.stdout}`;
    argsOf.push(readFileSync(join(dir, `args-${k}`), 'utf8').trim().split('\n'));
  }
  const flag = (args: string[], name: string) => args[args.indexOf(name) + 1];
  assert.deepEqual(argsOf.map((a) => flag(a, '--segment')), ['1/3', '2/3', '3/3']);
  assert.equal(new Set(argsOf.map((a) => flag(a, '--start-at'))).size, 1);
  assert.equal(new Set(argsOf.map((a) => flag(a, '--seed'))).size, 1);
  const startAt = Date.parse(flag(argsOf[0], '--start-at'));
  assert.ok(startAt > Date.now() + 60_000 && startAt < Date.now() + 130_000, 'about 2 minutes from now');
  assert.match(stderr, new RegExp(`seed ${flag(argsOf[0], '--seed')}`));
  assert.equal(argsOf[0][0], 'run');

  // The documented collection one-liner (the awk part after kubectl logs) turns the marked lines into files.
  const oneLiner = /\| (awk .*)$/m.exec(stderr)?.[1];
  assert.ok(oneLiner);
  const out = join(dir, 'collected');
  mkdirSync(out);
  execFileSync('/bin/sh', ['-c', oneLiner], { cwd: out, input: logs });
  assert.deepEqual(readdirSync(out).sort(), ['result-0.json', 'result-1.json', 'result-2.json']);
  for (let k = 0; k < 3; k++) assert.deepEqual(JSON.parse(readFileSync(join(out, `result-${k}.json`), 'utf8')), { segmentIndex: k, text: 'a b' });
});

test('k8s --workers: every pod runs its segment with --workers (the threads cut the pod\'s segment); without it, none', async () => {
  const bin = join(dir, 'bin-workers');
  mkdirSync(bin, { recursive: true });
  writeFileSync(join(bin, 'runner'), '#!/bin/sh\nprintf "%s\\n" "$@" > "$ARGS_FILE"\nexit 0\n');
  chmodSync(join(bin, 'runner'), 0o755);
  const argsOf = async (extra: string[]): Promise<string[]> => {
    const { docs } = await manifests(['load/scenarios/shop.yaml', '--segments', '2', ...extra]);
    const container = docs[1].spec.template.spec.containers[0] as Container;
    const env: Record<string, string> = { PATH: `${bin}:${process.env.PATH}`, JOB_COMPLETION_INDEX: '1', ARGS_FILE: join(dir, 'args-workers') };
    for (const e of container.env) env[e.name] = e.value;
    env.RUNNER_RESULT_FILE = join(dir, 'pod-workers.json');
    const r = spawnSync(container.command[0], container.command.slice(1), { env, encoding: 'utf8', timeout: 20_000 });
    assert.equal(r.status, 0, r.stderr);
    return readFileSync(join(dir, 'args-workers'), 'utf8').trim().split('\n');
  };
  const withWorkers = await argsOf(['--workers', 'auto']);
  assert.equal(withWorkers[withWorkers.indexOf('--workers') + 1], 'auto');
  assert.equal(withWorkers[withWorkers.indexOf('--segment') + 1], '2/2');
  assert.ok(!(await argsOf([])).includes('--workers'));
  const bad = await runInProcess(['k8s', 'load/scenarios/shop.yaml', '--segments', '2', '--workers', '0'], dir);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--workers takes a number of threads/);
});

test('k8s checks the scenario first and refuses what a ConfigMap cannot hold', async () => {
  writeFileSync(join(dir, 'load/bad.yaml'), 'requests: [{ path: / }]\nload: { executor: nope }\n');
  const bad = await runInProcess(['k8s', 'load/bad.yaml', '--segments', '2'], dir);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /unknown executor 'nope'/);
  mkdirSync(dirname(join(dir, 'big/t.json')), { recursive: true });
  writeFileSync(join(dir, 'big/t.json'), `"${'x'.repeat(1_100_000)}"`);
  writeFileSync(join(dir, 'big/s.yaml'), 'target: http://x.test\nrequests: [{ method: POST, path: /, template: t.json }]\nload: { executor: shared-iterations }\n');
  const big = await runInProcess(['k8s', 'big/s.yaml', '--segments', '2'], dir);
  assert.equal(big.code, 2);
  assert.match(big.stderr, /over the 1 MiB a ConfigMap can hold/);
  const scenarioBefore = readFileSync(join(dir, 'load/scenarios/shop.yaml'), 'utf8');
  const over = await runInProcess(['k8s', 'load/scenarios/shop.yaml', '--segments', '2', '-o', 'load/templates/user.json'], dir);
  assert.equal(over.code, 2);
  assert.match(over.stderr, /--output .*is an input of this command; it would be overwritten/);
  assert.equal(readFileSync(join(dir, 'load/scenarios/shop.yaml'), 'utf8'), scenarioBefore);
  const written = await runInProcess(['k8s', 'load/scenarios/shop.yaml', '--segments', '2', '-o', 'run.yaml'], dir);
  assert.equal(written.code, 0, written.stderr);
  assert.equal(parseAllDocuments(readFileSync(join(dir, 'run.yaml'), 'utf8')).length, 2);
  const both = await runInProcess(['k8s', 'load/scenarios/shop.yaml', '--segments', '2', '--start-in', '1m', '--start-at', '2030-01-01T00:00:00Z'], dir);
  assert.equal(both.code, 2);
  assert.match(both.stderr, /either --start-in or --start-at/);
});
