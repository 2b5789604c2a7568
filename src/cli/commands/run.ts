// `runner run <file>`: its flags. The work (load, compile, run, print, write) is in run-command.ts, imported only
// when the command runs, so other commands and `--version` never load undici, histograms or esbuild.
import { InvalidArgumentError, type Command } from 'commander';
import type { Io } from '../io.ts';
import { collectTag } from '../../output/prometheus/labels.ts';
import type { CommandResult } from '../main.ts';
import { parseStartAt } from '../start-at.ts';
import { addLoadFlags, collectOut, parseDurationFlag, parseOnce, parsePositiveInt, parseSeed, parseUrlFlag, type LoadFlags } from '../options.ts';

export interface RunFlags extends LoadFlags {
  target?: string;
  connections?: number;
  timeout?: number;
  seed?: number;
  /** ms of unrecorded load before the measured run. */
  warmup?: number;
  /** Repeatable: a path (the result file) or <kind>=<target>, a kind of src/output/index.ts. */
  out?: string[];
  hdrLog?: string;
  summaryExport?: string;
  insecure?: boolean;
  quiet?: boolean;
  color?: boolean;
  /** `i/n` or k6's `from:to` (scheduler/segment.ts). */
  segment?: string;
  segmentSequence?: string;
  startAt?: Date;
  /** --setup-data file.json: what setup() returned, read here instead of running setup() and teardown(). */
  setupData?: string;
  /** --workers N|auto: threads, each with its own pool and segment of the run. */
  workers?: number | 'auto';
  /** Repeatable `-e KEY=VALUE`: a k6 script's `__ENV` (as k6's own flag). */
  env?: string[];
  /** --tag name=value labels for --out prometheus= (testid among them when given). */
  tag?: Record<string, string>;
}

/** `-e KEY=VALUE`, repeatable; a value may hold '='. */
function collectEnv(value: string, previous: string[] | undefined): string[] {
  if (!/^[^=]+=/.test(value)) throw new InvalidArgumentError(`-e takes KEY=VALUE, got '${value}'`);
  return [...(previous ?? []), value];
}

export function registerRun(program: Command, io: Io, result: CommandResult): void {
  const command = program
    .command('run')
    .description('run a scenario file (.yaml, .yml, .ts, .mts, .js, .mjs)')
    .argument('<file>', 'scenario file')
    .option('--target <url>', "base URL; overrides the scenario's target", parseUrlFlag('--target'));
  addLoadFlags(command)
    .option('--connections <n>', 'max sockets per origin', parsePositiveInt('--connections'))
    .option('--timeout <d>', 'request timeout, e.g. 5s', parseDurationFlag('--timeout'))
    .option('--warmup <d>', 'run the load this long first, on the same connections, recording nothing (e.g. 5s)', parseDurationFlag('--warmup'))
    .option('--seed <n>', 'PRNG seed: the same seed replays the same payloads', parseSeed)
    .option('--out <[kind=]target>', 'write the result JSON here (atomically); or <kind>=<target>: ndjson, hdr-log, summary-export, prometheus=<url>, json (repeatable)', collectOut)
    .option('--tag <name=value>', 'a label on every series sent by --out prometheus= (repeatable); testid=… names the run', collectTag)
    .option('--hdr-log <file>', 'write an HdrHistogram interval log (format 1.3, 1 s intervals, Tag=<request name>)', parseOnce('--hdr-log'))
    .option('--summary-export <file>', "write the end summary as JSON under k6's metric names", parseOnce('--summary-export'))
    .option('--segment <i/n>', "run only this part of the scenario: i/n is the i-th of n equal segments (k6's from:to like 1/3:2/3 also works)", parseOnce('--segment'))
    .option('--segment-sequence <list>', "the segments all processes cut the run into, k6's form 0,1/3,2/3,1 (default: equal ones, or filled around --segment from:to)", parseOnce('--segment-sequence'))
    .option('--workers <n>', 'run on n threads (auto: one per core), each with its own connections and its share of VUs and iterations; one summary, one result', parseWorkers)
    .option('--setup-data <file>', "use this JSON as what setup() returned, instead of running setup() and teardown() here (segments: give it to every process but one)", parseOnce('--setup-data'))
    .option('--start-at <time>', 'start the load at this instant (ISO-8601, e.g. 2026-11-29T20:00:00Z); more than 1 s late exits 2', parseStartAt)
    .option('--insecure', 'skip TLS certificate verification')
    .option('-q, --quiet', 'no summary on stdout and no live progress on stderr')
    .option('--no-color', 'no colour in the output')
    .option('-e, --env <KEY=VALUE>', "set __ENV.KEY for a k6 script (repeatable, as k6's -e)", collectEnv)
    .action(async (file: string, flags: RunFlags) => {
      const { runCommand } = await import('./run-command.ts');
      result.code = await runCommand(io, file, flags);
    });
}

/** `--workers 4` or `--workers auto` (also `runner k8s --workers`). */
export function parseWorkers(value: string): number | 'auto' {
  if (value.trim() === 'auto') return 'auto';
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1 || Number(value) > 256) throw new InvalidArgumentError(`--workers takes a number of threads from 1 to 256, or auto, got '${value}'`);
  return Number(value);
}
