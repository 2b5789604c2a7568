// `runner k8s`'s work: load and check the scenario as `validate` does, gather every file it reads, build the
// objects, print them as YAML (stdout or --output) and the commands that run and collect them (stderr).
import { resolve } from 'node:path';
import { stringify } from 'yaml';
import { UserError } from '../../errors.ts';
import { ExitCode } from '../../exit-codes.ts';
import { randomSeed } from '../../generators/rng.ts';
import { RESULT_MARKER, buildK8sObjects, jobNameOf } from '../../k8s/manifests.ts';
import { compilePlan } from '../../plan/compile.ts';
import { writeFileAtomic } from '../../report/atomic-write.ts';
import { checkOutputPaths } from '../../report/output-path.ts';
import { inputFilesOf } from '../../scenario/input-files.ts';
import { loadScenario } from '../../scenario/load.ts';
import { FileRefusal, readUserFile } from '../../scenario/read-file.ts';
import { escapeTerminalText as safe } from '../../terminal-text.ts';
import type { Io } from '../io.ts';
import { guardScenarioCode } from '../scenario-guard.ts';

export interface K8sFlags {
  segments: number;
  image: string;
  startIn?: number;
  startAt?: Date;
  seed?: number;
  target?: string;
  workers?: number | 'auto';
  name?: string;
  namespace?: string;
  output?: string;
}

const DEFAULT_START_IN_MS = 60_000;

export async function k8sCommand(io: Io, file: string, flags: K8sFlags, now: () => Date = () => new Date()): Promise<number> {
  if (flags.startIn !== undefined && flags.startAt !== undefined) {
    throw new UserError({ message: 'give either --start-in or --start-at, not both', hint: '--start-in 2m starts two minutes after the manifests are written' });
  }
  const scenarioFile = resolve(io.cwd, file);
  const guard = guardScenarioCode(scenarioFile);
  try {
    const model = await loadScenario(file, io.cwd);
    // Every check run makes, so a mistake costs nothing here rather than N pods' start.
    compilePlan(model, { seed: 0, env: io.env, target: flags.target ?? model.target ?? 'http://target.invalid' });
    const files = inputFilesOf(model)
      .filter((p) => p !== scenarioFile)
      .map((path) => {
        // Read whole up to well past what a ConfigMap holds, so that limit is the one reported.
        const bytes = readUserFile(path, 64 * 1024 * 1024);
        if (bytes instanceof FileRefusal) throw new UserError({ message: `cannot read '${path}' (${bytes.reason}), which the scenario uses`, hint: bytes.hint });
        return { path, bytes };
      });
    const scenarioBytes = readUserFile(scenarioFile) as Buffer;
    const seed = flags.seed ?? model.seed ?? randomSeed();
    const startAt = flags.startAt ?? new Date(now().getTime() + (flags.startIn ?? DEFAULT_START_IN_MS));
    const name = flags.name ?? jobNameOf(model.name);
    const { configMap, job } = buildK8sObjects({
      name,
      namespace: flags.namespace,
      image: flags.image,
      segments: flags.segments,
      startAt,
      seed,
      scenarioFile,
      scenarioBytes,
      files,
      target: flags.target,
      workers: flags.workers,
    });
    const header = [
      `# runner k8s: scenario '${model.name}' as ${flags.segments} segment(s), seed ${seed}, starting at ${startAt.toISOString()}.`,
      '# Apply before that instant; a pod that starts more than 1 s late exits 2. Collect the results with the commands in the README ("Running on Kubernetes").',
    ].join('\n');
    const text = `${header}\n${stringify(configMap, { lineWidth: 0, aliasDuplicateObjects: false })}---\n${stringify(job, { lineWidth: 0, aliasDuplicateObjects: false })}`;
    if (flags.output) {
      // A writable place that is none of the files the manifests carry (the scenario, a template, …).
      const [target] = checkOutputPaths([{ flag: '--output', path: resolve(io.cwd, flags.output), given: flags.output }], [scenarioFile, ...files.map((f) => f.path)]);
      await writeFileAtomic(target, text);
    }
    else io.stdout.write(text);
    const ns = flags.namespace ? ` -n ${flags.namespace}` : '';
    io.stderr.write(
      [
        `${flags.segments} pod(s), seed ${seed}, start at ${startAt.toISOString()}${flags.output ? `: wrote ${safe(flags.output)}` : ''}`,
        'then:',
        `  kubectl apply${ns} -f ${flags.output ? safe(flags.output) : '<the manifests>'}`,
        `  kubectl wait${ns} --for=condition=complete --timeout=-1s job/${name}   # or condition=failed`,
        `  kubectl logs${ns} -l job-name=${name} --tail=-1 --max-log-requests=${flags.segments + 1} | awk '$1 == "${RESULT_MARKER}" { f = "result-" $2 ".json"; sub(/^${RESULT_MARKER} [0-9]+ /, ""); print > f }'`,
        '  runner merge result-*.json --out merged.json',
        '',
      ].join('\n'),
    );
    return ExitCode.ok;
  } finally {
    guard.release();
  }
}
