// `runner inspect`'s work: load and compile as run does, run the first iterations into a recording dispatcher, print.
import { resolve } from 'node:path';
import { ExitCode } from '../../exit-codes.ts';
import { inspectPlan } from '../../inspect/inspect.ts';
import { inspectJson, renderInspect } from '../../inspect/render-inspect.ts';
import { compilePlan } from '../../plan/compile.ts';
import { createRedactor, urlSecrets } from '../../report/redact.ts';
import { loadScenario } from '../../scenario/load.ts';
import type { Io } from '../io.ts';
import { applyLoadFlags, hasLoadFlags, type LoadFlags } from '../options.ts';
import { guardScenarioCode } from '../scenario-guard.ts';

export type InspectFlags = LoadFlags & { sample?: number; seed?: number; json?: boolean; target?: string; showSecrets?: boolean };

const DEFAULT_SAMPLE = 5;

export async function inspectCommand(io: Io, file: string, flags: InspectFlags): Promise<number> {
  // As in run: scenario code may not crash or exit the process.
  const guard = guardScenarioCode(resolve(io.cwd, file));
  try {
    const model = applyLoadFlags(await loadScenario(file, io.cwd, { loadFromFlags: hasLoadFlags(flags) }), flags);
    // A fixed default seed, so two inspects of the same file agree; `run --seed N` sends what `inspect --seed N` shows.
    const seed = flags.seed ?? model.seed ?? 1;
    const plan = compilePlan(model, { seed, env: io.env, target: flags.target });
    const sample = flags.sample ?? DEFAULT_SAMPLE;
    const report = await inspectPlan(plan, sample);
    // Values from the environment and a target URL's password are redacted, as in every output of run (inspect's
    // output ends up in CI logs too); --show-secrets prints them as they would be sent.
    const redact = createRedactor(flags.showSecrets ? [] : [...plan.secrets, ...urlSecrets(plan.target)]);
    const http2 = plan.http.version === 2;
    const text = flags.json ? JSON.stringify(inspectJson(report, http2), null, 2) + '\n' : renderInspect(report, { file, sample, http2 });
    io.stdout.write(redact.text(text));
    return ExitCode.ok;
  } finally {
    guard.release();
  }
}
