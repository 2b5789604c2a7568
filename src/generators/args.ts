// Argument checks shared by the generator factories; every failure names the offending key.
import { didYouMean } from '../errors.ts';
import { GeneratorArgError } from './types.ts';

/** Rejects any key not in `allowed`, with a did-you-mean and the list of valid keys. */
export function checkKeys(args: Record<string, unknown>, allowed: readonly string[]): void {
  for (const key of Object.keys(args)) {
    if (allowed.includes(key)) continue;
    const valid = allowed.length === 0 ? 'this generator takes no arguments' : `valid arguments: ${allowed.join(', ')}`;
    const guess = didYouMean(key, allowed);
    throw new GeneratorArgError(`unknown argument '${key}'`, key, guess ? `${guess} (${valid})` : valid);
  }
}

/** An integer argument in [min, max]; `fallback` when absent, or an error when there is none (required). */
export function intArg(args: Record<string, unknown>, key: string, min: number, max: number, fallback?: number): number {
  const v = args[key];
  if (v === undefined) {
    if (fallback !== undefined) return fallback;
    throw new GeneratorArgError(`missing required argument '${key}'`, key, `give an integer from ${min} to ${max}`);
  }
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    const hint = fallback === undefined ? `e.g. ${key}: ${min}` : `leave it out for the default (${fallback})`;
    throw new GeneratorArgError(`argument '${key}' must be an integer from ${min} to ${max}, got ${describe(v)}`, key, hint);
  }
  return v;
}

/** A string argument (empty allowed only when `allowEmpty`); `fallback` when absent. */
export function stringArg(args: Record<string, unknown>, key: string, fallback?: string, allowEmpty = false): string | undefined {
  const v = args[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'string' || (!allowEmpty && v.length === 0)) {
    throw new GeneratorArgError(`argument '${key}' must be a ${allowEmpty ? '' : 'non-empty '}string, got ${describe(v)}`, key);
  }
  return v;
}

/** A short rendering of a bad value for a message: strings quoted, arrays and objects named. */
export function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (Array.isArray(v)) return 'a list';
  if (v === null) return 'null';
  if (typeof v === 'object') return 'a mapping';
  return String(v);
}
