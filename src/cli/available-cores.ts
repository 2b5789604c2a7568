// `--workers auto` in a container: the cores the process may use, capped by its cgroup's CPU quota. Node 20's
// os.availableParallelism() (libuv 1.46) sees only the CPU affinity, so a pod limited to 2 CPUs on a 32-core
// node would start 32 threads that the kernel then throttles; libuv 1.49 (Node 22) applies the quota itself
// (src/unix/linux.c uv__get_constrained_cpu). This reads the same files: cgroup v2 `cpu.max`, v1
// `cpu.cfs_quota_us` / `cpu.cfs_period_us`, for the process's cgroup and each parent (the tightest wins).
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/** Reads a text file, or undefined when it cannot be read. */
export type ReadText = (path: string) => string | undefined;

const readText: ReadText = (path) => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};

/** One thread per core the process may use: the affinity count, capped by the cgroup CPU quota (at least 1). */
export function availableCores(read: ReadText = readText, parallelism = availableParallelism()): number {
  const quota = cgroupCpuQuota(read);
  return quota === undefined ? parallelism : Math.max(1, Math.min(parallelism, Math.floor(quota)));
}

/** CPUs the cgroup quota allows (quota ÷ period, may be fractional), or undefined when none is set or readable. */
export function cgroupCpuQuota(read: ReadText): number | undefined {
  const self = read('/proc/self/cgroup');
  if (self === undefined) return undefined;
  const lines = self.split('\n');
  // v2: one line "0::/path" (in a pod's cgroup namespace, "0::/").
  const v2 = lines.find((l) => l.startsWith('0::'));
  if (v2 !== undefined) {
    return tightest(dirsUp(v2.slice(3)).map((dir) => parseCpuMax(read(`/sys/fs/cgroup${dir}/cpu.max`))));
  }
  // v1: "N:cpu,cpuacct:/path"; without a cgroup namespace that path may not exist inside the container, whose
  // own limits then sit at the controller's mount root (tried last, as one more "parent").
  const v1 = lines.map((l) => l.split(':')).find((f) => f.length >= 3 && f[1].split(',').includes('cpu'));
  if (v1 === undefined) return undefined;
  const mounts = [`/sys/fs/cgroup/${v1[1]}`, '/sys/fs/cgroup/cpu', '/sys/fs/cgroup/cpu,cpuacct'];
  const seen = new Set<string>();
  const values: (number | undefined)[] = [];
  for (const mount of mounts) {
    for (const dir of dirsUp(v1.slice(2).join(':'))) {
      const base = `${mount}${dir}`;
      if (seen.has(base)) continue;
      seen.add(base);
      values.push(parseCfs(read(`${base}/cpu.cfs_quota_us`), read(`${base}/cpu.cfs_period_us`)));
    }
  }
  return tightest(values);
}

/** "/a/b" → ["/a/b", "/a", ""] (each joined after the mount point). */
function dirsUp(path: string): string[] {
  const parts = path.trim().split('/').filter((p) => p !== '');
  const out: string[] = [];
  for (let n = parts.length; n >= 0; n--) out.push(parts.slice(0, n).map((p) => `/${p}`).join(''));
  return out;
}

/** cgroup v2 cpu.max: "max 100000" (no limit) or "200000 100000" (2 CPUs). */
export function parseCpuMax(text: string | undefined): number | undefined {
  const [quota, period] = (text ?? '').trim().split(/\s+/);
  return ratio(quota === 'max' ? -1 : Number(quota), Number(period ?? 100_000));
}

/** cgroup v1: cpu.cfs_quota_us (-1 = no limit) over cpu.cfs_period_us. */
function parseCfs(quota: string | undefined, period: string | undefined): number | undefined {
  if (quota === undefined || period === undefined) return undefined;
  return ratio(Number(quota.trim()), Number(period.trim()));
}

function ratio(quota: number, period: number): number | undefined {
  return Number.isFinite(quota) && Number.isFinite(period) && quota > 0 && period > 0 ? quota / period : undefined;
}

function tightest(values: readonly (number | undefined)[]): number | undefined {
  const set = values.filter((v): v is number => v !== undefined);
  return set.length === 0 ? undefined : Math.min(...set);
}
