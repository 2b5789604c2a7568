// `runner k8s <file> --segments N`: writes the Kubernetes manifests of a run split over N pods (an Indexed Job and
// a ConfigMap with the scenario's files). The work is in k8s-command.ts, loaded when the command runs.
import { InvalidArgumentError, type Command } from 'commander';
import type { Io } from '../io.ts';
import type { CommandResult } from '../main.ts';
import { parseDurationFlag, parseOnce, parsePositiveInt, parseSeed, parseUrlFlag } from '../options.ts';
import type { K8sFlags } from './k8s-command.ts';
import { parseWorkers } from './run.ts';

export function registerK8s(program: Command, io: Io, result: CommandResult): void {
  program
    .command('k8s')
    .description('write Kubernetes manifests that run a scenario as N segments in parallel pods (Indexed Job + ConfigMap); apply with kubectl')
    .argument('<file>', 'scenario file')
    .requiredOption('--segments <n>', 'pods, each running one segment of the run', parsePositiveInt('--segments', 1, 1000))
    .option('--image <image>', 'container image with runner (build it from the Dockerfile)', 'runner-loadtest:0.1.0')
    .option('--start-in <d>', 'the shared start: this long after now (default 60s; leave time to pull the image and schedule the pods)', parseDurationFlag('--start-in'))
    .option('--start-at <instant>', 'the shared start as an ISO-8601 instant with its zone, instead of --start-in', parseInstant)
    .option('--seed <n>', "the run's seed (default: the scenario's, else a random one, printed)", parseSeed)
    .option('--target <url>', "base URL for every pod; overrides the scenario's target", parseUrlFlag('--target'))
    .option('--workers <n>', 'threads in each pod (auto: one per core the pod sees): each pod runs its segment with --workers', parseWorkers)
    .option('--name <name>', 'Job name (default: runner-<scenario name>)', parseJobName)
    .option('--namespace <ns>', 'namespace of the objects (default: kubectl\'s current one)', parseJobName)
    .option('-o, --output <file>', 'write the manifests here instead of stdout', parseOnce('--output'))
    .action(async (file: string, flags: K8sFlags) => {
      const { k8sCommand } = await import('./k8s-command.ts');
      result.code = await k8sCommand(io, file, flags);
    });
}

function parseInstant(value: string): Date {
  const ms = /(Z|[+-]\d\d:?\d\d)$/.test(value.trim()) ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) throw new InvalidArgumentError(`--start-at takes an ISO-8601 instant with its zone, like 2026-11-29T20:00:00Z, got '${value}'`);
  return new Date(ms);
}

function parseJobName(value: string): string {
  if (!/^[a-z0-9]([-a-z0-9]{0,50}[a-z0-9])?$/.test(value)) throw new InvalidArgumentError(`'${value}' is not a Kubernetes name: lower-case letters, digits and '-', at most 52 characters`);
  return value;
}
