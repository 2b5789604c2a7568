// Parsers for flag values: each throws commander's InvalidArgumentError with a hint, so a bad flag exits 2.
import { InvalidArgumentError } from 'commander';
import { parseDuration, parseRate, parseStages } from '../scenario/duration.ts';

export function parsePositiveInt(flag: string, min = 1) {
  return (value: string): number => {
    if (!/^\d+$/.test(value.trim()) || Number(value) < min || !Number.isSafeInteger(Number(value))) {
      throw new InvalidArgumentError(`${flag} takes a whole number ≥ ${min}, got '${value}'`);
    }
    return Number(value);
  };
}

export function parseDurationFlag(flag: string) {
  return (value: string): number => {
    const ms = parseDuration(value);
    if (ms === undefined || ms <= 0) throw new InvalidArgumentError(`${flag} takes a positive duration like 30s, 500ms or 1m30s, got '${value}'`);
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
  return zero ? { rate: 0, timeUnitMs: parsed.timeUnitMs } : parsed;
}

/** `--stages 10s:100,30s:100,10s:0`: duration:target pairs. */
export function parseStagesFlag(value: string): { durationMs: number; target: number }[] {
  const stages = parseStages(value);
  if (stages === undefined) throw new InvalidArgumentError(`--stages takes duration:target pairs like 10s:100,30s:100,10s:0, got '${value}'`);
  return stages;
}
