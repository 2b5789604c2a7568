// Parsers for flag values: each throws commander's InvalidArgumentError with a hint, so a bad flag exits 2.
import { InvalidArgumentError, type Command } from 'commander';
import { isUserError } from '../errors.ts';
import { parseBudget, type Budget } from '../report/budget.ts';
import { parseDuration, parseRate, parseStages } from '../scenario/duration.ts';
import { LIMITS, formatLimit, formatLimitMs } from '../scenario/limits.ts';
import type { TestModel } from '../scenario/model.ts';
import { applyShortcuts } from '../scenario/shortcuts.ts';

/** Each count flag's bound, from the one table of limits. */
const intFlagMax: Record<string, number> = { '--vus': LIMITS.vus, '--iterations': LIMITS.iterations, '--connections': LIMITS.connections };
/** Each duration flag's bound; the rest take LIMITS.durationMs. */
const durationFlagMax: Record<string, number> = { '--timeout': LIMITS.timeoutMs };

/** A whole number from `min` to the flag's bound in LIMITS (--vus, --iterations, --connections). */
export function parsePositiveInt(flag: string, min = 1, max: number = intFlagMax[flag] ?? Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    if (!/^\d+$/.test(value.trim()) || Number(value) < min || !Number.isSafeInteger(Number(value))) {
      throw new InvalidArgumentError(`${flag} takes a whole number ≥ ${min}, got '${value}'`);
    }
    if (Number(value) > max) throw new InvalidArgumentError(`${flag} ${value.trim()} is over the limit of ${formatLimit(max)}`);
    return Number(value);
  };
}

/** A positive duration of at most the flag's bound (LIMITS.durationMs, or LIMITS.timeoutMs for --timeout). */
export function parseDurationFlag(flag: string, maxMs: number = durationFlagMax[flag] ?? LIMITS.durationMs) {
  return (value: string): number => {
    const ms = parseDuration(value);
    if (ms === undefined || ms <= 0) throw new InvalidArgumentError(`${flag} takes a positive duration like 30s, 500ms or 1m30s, got '${value}'`);
    if (ms > maxMs) throw new InvalidArgumentError(`${flag} ${value.trim()} is over the limit of ${formatLimitMs(maxMs)}`);
    return ms;
  };
}

export function parseUrlFlag(flag: string) {
  return (value: string): string => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new InvalidArgumentError(`${flag} takes an http(s) URL like http://127.0.0.1:8080, got '${value}'`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new InvalidArgumentError(`${flag} takes an http(s) URL, got '${value}'`);
    return value;
  };
}

export function parseSeed(value: string): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) > 0xffffffff) throw new InvalidArgumentError(`--seed takes a whole number from 0 to 4294967295, got '${value}'`);
  return Number(value);
}

/** `--rate 500` (per second) or `500/1m`; `0` is allowed here (as the start of --stages) and refused later without them. */
export function parseRateFlag(value: string): { rate: number; timeUnitMs: number } {
  const text = value.trim();
  const zero = /^0+(\.0+)?(\/|$)/.test(text);
  // parseRate refuses 0; parse the time unit with a 1 in its place.
  const parsed = parseRate(zero ? text.replace(/^0+(\.0+)?/, '1') : text);
  if (parsed === undefined) throw new InvalidArgumentError(`--rate takes iterations per second like 500, or per unit like 500/1m or 10/100ms, got '${value}'`);
  if (parsed.timeUnitMs > LIMITS.durationMs) throw new InvalidArgumentError(`--rate ${value}: the time unit is over the limit of ${formatLimitMs(LIMITS.durationMs)}`);
  if (!zero) checkRatePerSec('--rate', parsed.rate, parsed.timeUnitMs, value);
  return zero ? { rate: 0, timeUnitMs: parsed.timeUnitMs } : parsed;
}

/** Past LIMITS.ratePerSec the tick loop would do nothing but start iterations, and never see Ctrl-C. */
export function checkRatePerSec(flag: string, rate: number, timeUnitMs: number, written: string): void {
  if ((rate * 1000) / timeUnitMs > LIMITS.ratePerSec) {
    throw new InvalidArgumentError(`${flag} ${written} is over the limit of ${formatLimit(LIMITS.ratePerSec)} iterations/s`);
  }
}

/** `--stages 10s:100,30s:100,10s:0`: duration:target pairs. */
export function parseStagesFlag(value: string): { durationMs: number; target: number }[] {
  const stages = parseStages(value);
  if (stages === undefined) throw new InvalidArgumentError(`--stages takes duration:target pairs like 10s:100,30s:100,10s:0, got '${value}'`);
  for (const s of stages) {
    if (s.durationMs > LIMITS.durationMs) throw new InvalidArgumentError(`--stages: a stage duration is over the limit of ${formatLimitMs(LIMITS.durationMs)}`);
    // Targets are VUs, or a rate with --rate; the smaller bound applies here, the rate is checked with its unit later.
    if (s.target > Math.max(LIMITS.vus, LIMITS.ratePerSec)) throw new InvalidArgumentError(`--stages: target ${s.target} is over the limit of ${formatLimit(Math.max(LIMITS.vus, LIMITS.ratePerSec))}`);
  }
  return stages;
}

/**
 * commander collector for the repeatable `--fail-on`. parseBudget throws a UserError (report/ knows nothing of
 * commander); commander prints an InvalidArgumentError as the flag's own usage error, so it is turned into one here.
 */
export function collectBudget(value: string, previous: Budget[] | undefined): Budget[] {
  try {
    return [...(previous ?? []), parseBudget(value)];
  } catch (err) {
    if (!isUserError(err)) throw err;
    const d = err.diagnostics[0];
    throw new InvalidArgumentError(d.hint === undefined ? d.message : `${d.message} (${d.hint})`);
  }
}

/** commander collector for the repeatable `--out`. */
export function collectOut(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/**
 * A flag naming one output file: given twice, commander would keep the last and drop the first without a word,
 * and the user would look for a file that was never written.
 */
export function parseOnce(flag: string) {
  return (value: string, previous: string | undefined): string => {
    if (previous !== undefined) throw new InvalidArgumentError(`${flag} given twice ('${previous}' and '${value}'): it writes one file`);
    return value;
  };
}

/** The load flags `run` and `validate` share (commander's camel-cased values). */
export interface LoadFlags {
  vus?: number;
  iterations?: number;
  duration?: number;
  rate?: { rate: number; timeUnitMs: number };
  stages?: { durationMs: number; target: number }[];
}

/** Registers --vus --iterations --duration --rate --stages: one definition, so `validate` checks what `run` would run. */
export function addLoadFlags(command: Command): Command {
  return command
    .option('--vus <n>', 'virtual users', parsePositiveInt('--vus'))
    .option('--iterations <n>', 'total iterations shared by the VUs (shared-iterations)', parsePositiveInt('--iterations'))
    .option('--duration <d>', 'run for this long (with --vus: constant-vus)', parseDurationFlag('--duration'))
    .option('--rate <r>', 'iterations started per second, or per unit like 500/1m, whatever the responses do (with --duration: constant-arrival-rate)', parseRateFlag)
    .option('--stages <list>', 'ramp, e.g. 10s:100,30s:100,10s:0: VUs (ramping-vus), or the rate when --rate is given (ramping-arrival-rate)', parseStagesFlag);
}

/** True when a load flag was given: then a scenario file may leave out `load:`. */
export function hasLoadFlags(flags: LoadFlags): boolean {
  return [flags.vus, flags.iterations, flags.duration, flags.rate, flags.stages].some((f) => f !== undefined);
}

/** The model with the load flags applied (scenario/shortcuts.ts); unchanged when none was given. */
export function applyLoadFlags(model: TestModel, flags: LoadFlags): TestModel {
  return applyShortcuts(model, { vus: flags.vus, iterations: flags.iterations, durationMs: flags.duration, rate: flags.rate, stages: flags.stages });
}
