// `runner validate`'s work: every check `run` makes, without sending a request.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { UserError } from '../../errors.ts';
import { ExitCode } from '../../exit-codes.ts';
import { compilePlan } from '../../plan/compile.ts';
import { compilePlanThresholds } from '../../metrics/thresholds/parse.ts';
import { loadScenario } from '../../scenario/load.ts';
import { escapeTerminalText as safe } from '../../terminal-text.ts';
import type { TestModel } from '../../scenario/model.ts';
import { maxVusOf } from '../../scheduler/index.ts';
import type { Io } from '../io.ts';
import { guardScenarioCode, type ScenarioGuard } from '../scenario-guard.ts';
import { applyLoadFlags, hasLoadFlags, type LoadFlags } from '../options.ts';

export type ValidateFlags = LoadFlags & { typecheck?: boolean; target?: string };

/** Checks `file` as `run` would run it with `flags`; prints what it found and returns the exit code. */
export async function validateCommand(io: Io, file: string, flags: ValidateFlags): Promise<number> {
  let typechecked = false;
  if (flags.typecheck) {
    const path = resolve(io.cwd, file);
    if (!/\.(m?ts)$/i.test(path)) throw new UserError({ message: `--typecheck applies to .ts and .mts scenarios, not '${file}'`, hint: 'drop --typecheck for YAML and JavaScript files' });
    if (!existsSync(path)) throw new UserError({ message: `scenario file '${file}' not found`, hint: `looked for ${path}` });
    const { typecheckScenario } = await import('../typecheck.ts');
    const problems = await typecheckScenario(path);
    if (problems.length > 0) throw new UserError(problems);
    typechecked = true;
  }
  // As in run: a script's top level that calls process.exit() or leaves a rejection is a load error, not an exit.
  const path = resolve(io.cwd, file);
  const guard = guardScenarioCode(path);
  let model: TestModel;
  try {
    // The load flags as in run: a file without `load:` is checked with the load they give.
    model = applyLoadFlags(await loadScenario(file, io.cwd, { loadFromFlags: hasLoadFlags(flags) }), flags);
    // A rejection left unhandled or a throw in a timer at the top level: run counts it as an iteration
    // error; validate, which runs no iteration, reports it. One turn of the event loop lets them surface.
    const faults = await topLevelFaults(guard);
    if (faults.length > 0) {
      throw new UserError(faults.map((err) => ({ message: `the scenario's top level left an error: ${err instanceof Error ? err.message : String(err)}`, location: { file: path, line: 1, column: 1 }, hint: 'await or catch promises at the top level; scenario code belongs in iteration/setup/teardown' })));
    }
  } finally {
    guard.release();
  }
  // Compiling also checks generators, templates and placeholders; env values are not needed to be real. A file
  // without a target is fine when run gets --target: checked with a stand-in, and the output says run needs one.
  const target = flags.target ?? model.target;
  const plan = compilePlan(model, { seed: 0, env: io.env, target: target ?? STAND_IN_TARGET });
  const needsTarget = target === undefined && plan.scenarios.some((s) => s.steps?.some((r) => r.origin === STAND_IN_TARGET));
  compilePlanThresholds(plan);
  // Names come from the scenario file: escaped for the terminal.
  const lines = [`ok: ${safe(file)}: scenario '${safe(model.name)}'`];
  for (const s of model.scenarios) {
    const steps = s.flow.kind === 'requests' ? `${s.flow.requests.length} request(s)` : 'code iteration';
    lines.push(`  ${safe(s.name)}: ${s.load.executor}, up to ${maxVusOf(s.load)} VUs, ${steps}`);
  }
  lines.push(`  fields: ${safe(plan.fields.map((f) => f.name).join(', ')) || 'none'}`);
  for (const d of plan.data) {
    lines.push(`  data ${safe(d.name)}: ${d.table.rows.toLocaleString('en-US')} rows (${safe(d.table.columns.join(', '))}), order ${d.order}`);
  }
  if (needsTarget) lines.push('  target: none in the file: run needs --target URL (its requests use relative paths)');
  if (typechecked) lines.push('  types: no errors (tsc)');
  io.stdout.write(lines.join('\n') + '\n');
  return ExitCode.ok;
}

/** Checks a file without a target as if run were given --target; never contacted (.invalid is reserved, RFC 2606). */
const STAND_IN_TARGET = 'http://target.invalid';

/** Errors the scenario's top level raised outside the load (unhandled rejections, timer throws), after one event-loop turn. */
async function topLevelFaults(guard: ScenarioGuard): Promise<unknown[]> {
  const faults: unknown[] = [];
  guard.attach({ scenarioFault: (err) => (faults.push(err), true), inScenarioCode: () => false, warn: () => {}, stop: () => {} });
  await new Promise((done) => setTimeout(done, 0));
  await new Promise((done) => setImmediate(done));
  return faults;
}
