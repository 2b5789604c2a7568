// `runner k8s`: the Kubernetes objects of one distributed run. An Indexed Job runs N pods; pod k (JOB_COMPLETION_INDEX,
// 0-based) runs `runner run --segment k+1/N` with the run's one `--start-at` and `--seed`, on the scenario and every
// file it reads, shipped in a ConfigMap. Each pod prints its result file as one marked stdout line that
// `kubectl logs` collects; `runner merge` joins them. Pure: inputs in, plain objects out.
import { dirname, relative, sep } from 'node:path';
import { UserError } from '../errors.ts';

/** The marker a pod's result line starts with: `RUNNER_RESULT <index> <result JSON on one line>`. */
export const RESULT_MARKER = 'RUNNER_RESULT';
/** Where the ConfigMap's files appear in each pod. */
export const MOUNT_DIR = '/scenario';
/** A ConfigMap holds at most 1 MiB (etcd's object limit), keys and values together. */
export const CONFIGMAP_MAX_BYTES = 1024 * 1024;

export interface K8sInput {
  /** Job name (DNS label); objects are named after it. */
  name: string;
  namespace?: string;
  image: string;
  segments: number;
  /** The shared start instant of every pod. */
  startAt: Date;
  seed: number;
  /** Absolute path of the scenario file. */
  scenarioFile: string;
  /** Absolute paths of every other file it reads, with their bytes. */
  files: { path: string; bytes: Buffer }[];
  scenarioBytes: Buffer;
  /** `--target` for every pod, when given. */
  target?: string;
  /** `--workers` for every pod, when given: each pod runs its segment on that many threads. */
  workers?: number | 'auto';
}

export interface K8sObjects {
  configMap: Record<string, unknown>;
  job: Record<string, unknown>;
  /** Where each input file lands in a pod, by absolute source path. */
  mounted: Record<string, string>;
}

/**
 * The shell a pod runs: its segment from its index, the run, then its result file as one marked line. Every value
 * that came from the user reaches the shell through the environment, never spliced into the script.
 */
const POD_SCRIPT = [
  'segment="$((JOB_COMPLETION_INDEX + 1))/$RUNNER_SEGMENTS"',
  'set -- run "$RUNNER_SCENARIO" --segment "$segment" --start-at "$RUNNER_START_AT" --seed "$RUNNER_SEED" --out "$RUNNER_RESULT_FILE" --no-color',
  'if [ -n "${RUNNER_TARGET:-}" ]; then set -- "$@" --target "$RUNNER_TARGET"; fi',
  'if [ -n "${RUNNER_WORKERS:-}" ]; then set -- "$@" --workers "$RUNNER_WORKERS"; fi',
  'runner "$@"',
  'code=$?',
  // One line whatever the result's size and layout, readable by any log collector; nothing when no file was written.
  `node -e 'const fs = require("fs"); const f = process.env.RUNNER_RESULT_FILE; if (fs.existsSync(f)) process.stdout.write("${RESULT_MARKER} " + process.env.JOB_COMPLETION_INDEX + " " + JSON.stringify(JSON.parse(fs.readFileSync(f, "utf8"))) + "\\n")'`,
  'exit $code',
].join('\n');

export function buildK8sObjects(input: K8sInput): K8sObjects {
  const all = [{ path: input.scenarioFile, bytes: input.scenarioBytes }, ...input.files];
  // The files keep their layout (a template at ../templates/x.json stays beside the scenario's folder): paths are
  // taken from the deepest folder holding them all.
  const root = commonFolder(all.map((f) => f.path));
  const data: Record<string, string> = {};
  const binaryData: Record<string, string> = {};
  const items: { key: string; path: string }[] = [];
  const mounted: Record<string, string> = {};
  const usedKeys = new Set<string>();
  let bytes = 0;
  for (const f of all) {
    const rel = relative(root, f.path).split(sep).join('/');
    const key = uniqueKey(rel, usedKeys);
    const text = f.bytes.toString('utf8');
    // Text that survives UTF-8 goes in `data` (readable with kubectl); anything else base64 in `binaryData`.
    if (Buffer.from(text, 'utf8').equals(f.bytes)) data[key] = text;
    else binaryData[key] = f.bytes.toString('base64');
    bytes += key.length + f.bytes.length;
    items.push({ key, path: rel });
    mounted[f.path] = `${MOUNT_DIR}/${rel}`;
  }
  if (bytes > CONFIGMAP_MAX_BYTES) {
    throw new UserError({
      message: `the scenario and its files take ${bytes} bytes: over the 1 MiB a ConfigMap can hold`,
      hint: 'bake large files into the image (see the Dockerfile) or mount them from a volume, and edit the Job',
    });
  }
  const labels = { 'app.kubernetes.io/name': 'runner', 'app.kubernetes.io/instance': input.name };
  const meta = (name: string) => ({ name, ...(input.namespace ? { namespace: input.namespace } : {}), labels: { ...labels } });
  const configMapName = `${input.name}-files`;
  const configMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: meta(configMapName),
    ...(Object.keys(data).length > 0 ? { data } : {}),
    ...(Object.keys(binaryData).length > 0 ? { binaryData } : {}),
  };
  const env = [
    { name: 'RUNNER_SCENARIO', value: mounted[input.scenarioFile] },
    { name: 'RUNNER_SEGMENTS', value: String(input.segments) },
    { name: 'RUNNER_START_AT', value: input.startAt.toISOString() },
    { name: 'RUNNER_SEED', value: String(input.seed) },
    ...(input.target ? [{ name: 'RUNNER_TARGET', value: input.target }] : []),
    ...(input.workers !== undefined ? [{ name: 'RUNNER_WORKERS', value: String(input.workers) }] : []),
    { name: 'RUNNER_RESULT_FILE', value: '/tmp/result.json' },
    { name: 'NO_COLOR', value: '1' },
  ];
  const job = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: meta(input.name),
    spec: {
      completionMode: 'Indexed',
      completions: input.segments,
      parallelism: input.segments,
      // A failed segment is not run again: a second try would start after the shared instant and measure another run.
      backoffLimit: 0,
      template: {
        metadata: { labels: { ...labels } },
        spec: {
          restartPolicy: 'Never',
          containers: [
            {
              name: 'runner',
              image: input.image,
              command: ['/bin/sh', '-c', POD_SCRIPT],
              env,
              volumeMounts: [{ name: 'scenario', mountPath: MOUNT_DIR, readOnly: true }],
            },
          ],
          volumes: [{ name: 'scenario', configMap: { name: configMapName, items } }],
        },
      },
    },
  };
  return { configMap, job, mounted };
}

/** The deepest folder that holds every path. */
function commonFolder(paths: string[]): string {
  let root = dirname(paths[0]);
  while (!paths.every((p) => p.startsWith(root.endsWith(sep) ? root : root + sep))) {
    const up = dirname(root);
    if (up === root) break;
    root = up;
  }
  return root;
}

/** A ConfigMap key (`[-._a-zA-Z0-9]+`, at most 253 characters) for a relative path, unique among `used`. */
function uniqueKey(rel: string, used: Set<string>): string {
  const base = rel.replace(/[^-._a-zA-Z0-9]/g, '_').slice(0, 240) || 'file';
  let key = base;
  for (let i = 2; used.has(key); i++) key = `${base}.${i}`;
  used.add(key);
  return key;
}

/** A Job name from a scenario name: a DNS label of at most 52 characters (the pods' names add a suffix). */
export function jobNameOf(scenarioName: string): string {
  const slug = scenarioName.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 45).replace(/-+$/, '');
  return `runner-${slug || 'run'}`;
}
