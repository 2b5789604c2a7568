// --start-at: every process of a run cut into segments starts its load at one shared instant (wall clock).
import { InvalidArgumentError } from 'commander';
import { UserError } from '../errors.ts';
import type { Clock } from '../scheduler/clock.ts';

/** A process that reaches the start instant later than this would skew the merged schedule: it refuses to run. */
export const MAX_LATE_MS = 1_000;

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

/** `2026-11-29T20:00:00Z` (or with an explicit offset): an instant every machine reads the same. */
export function parseStartAt(value: string): Date {
  const text = value.trim();
  const ms = ISO_UTC.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(ms)) throw new InvalidArgumentError(`--start-at takes an ISO-8601 instant with its zone, like 2026-11-29T20:00:00Z, got '${value}'`);
  return new Date(ms);
}

/**
 * Waits for `startAt` on the wall clock (`nowMs`); resolves early when `cancel` fires (Ctrl-C). Throws a
 * UserError (exit 2) when the instant passed more than MAX_LATE_MS ago: the other processes started without this one.
 */
export async function waitForStart(startAt: Date, clock: Clock, nowMs: () => number, cancel: AbortSignal): Promise<void> {
  refuseLateStart(startAt, nowMs);
  await clock.sleep(startAt.getTime() - nowMs(), cancel);
}

/** The UserError of waitForStart for an instant already passed more than MAX_LATE_MS ago; nothing otherwise. */
export function refuseLateStart(startAt: Date, nowMs: () => number): void {
  const aheadMs = startAt.getTime() - nowMs();
  if (aheadMs < -MAX_LATE_MS) {
    throw new UserError({
      message: `--start-at ${startAt.toISOString()} passed ${(-aheadMs / 1000).toFixed(1)} s ago: this process is too late to start with the others`,
      hint: `give an instant far enough ahead for every process to load the scenario (more than ${MAX_LATE_MS / 1000} s late is refused)`,
    });
  }
}
