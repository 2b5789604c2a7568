// --workers auto counts the cores a container may use: the cgroup CPU quota caps os.availableParallelism(),
// which on Node 20 (libuv 1.46) sees only the affinity (a pod limited to 2 CPUs on a 32-core node got 32 threads).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { availableCores, parseCpuMax } from '../../src/cli/available-cores.ts';

const files = (map: Record<string, string>) => (path: string) => map[path];

test('availableCores: cgroup v2 cpu.max caps the affinity count (floor, at least 1); "max" or no file leaves it', () => {
  const pod = (cpuMax: string) => files({ '/proc/self/cgroup': '0::/\n', '/sys/fs/cgroup/cpu.max': cpuMax });
  assert.equal(availableCores(pod('200000 100000\n'), 32), 2);
  assert.equal(availableCores(pod('250000 100000\n'), 32), 2);
  assert.equal(availableCores(pod('50000 100000\n'), 32), 1);
  assert.equal(availableCores(pod('800000 100000\n'), 4), 4);
  assert.equal(availableCores(pod('max 100000\n'), 32), 32);
  assert.equal(availableCores(files({}), 32), 32);
  // Without a cgroup namespace: the process's own cgroup and its parents, the tightest wins.
  const nested = files({
    '/proc/self/cgroup': '0::/kubepods/pod1/c1\n',
    '/sys/fs/cgroup/kubepods/pod1/c1/cpu.max': 'max 100000',
    '/sys/fs/cgroup/kubepods/pod1/cpu.max': '300000 100000',
    '/sys/fs/cgroup/kubepods/cpu.max': '1600000 100000',
  });
  assert.equal(availableCores(nested, 64), 3);
});

test('availableCores: cgroup v1 cfs quota over period, at its path or at the controller mount root; -1 is no limit', () => {
  const v1 = (quota: string, root = false) =>
    files({
      '/proc/self/cgroup': '12:pids:/x\n4:cpu,cpuacct:/kubepods/burstable/pod9/abc\n1:name=systemd:/x\n',
      [root ? '/sys/fs/cgroup/cpu/cpu.cfs_quota_us' : '/sys/fs/cgroup/cpu,cpuacct/kubepods/burstable/pod9/abc/cpu.cfs_quota_us']: quota,
      [root ? '/sys/fs/cgroup/cpu/cpu.cfs_period_us' : '/sys/fs/cgroup/cpu,cpuacct/kubepods/burstable/pod9/abc/cpu.cfs_period_us']: '100000\n',
    });
  assert.equal(availableCores(v1('400000\n'), 16), 4);
  assert.equal(availableCores(v1('400000\n', true), 16), 4);
  assert.equal(availableCores(v1('-1\n'), 16), 16);
  assert.equal(parseCpuMax('garbage'), undefined);
});
