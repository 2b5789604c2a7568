// Parsers for flag values: each throws commander's InvalidArgumentError with a hint, so a bad flag exits 2.
import { InvalidArgumentError } from 'commander';
import { parseDuration } from '../scenario/duration.ts';

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
