// A virtual user: the state one sequential stream of iterations keeps between requests.
import type { FieldValue } from '../generators/types.ts';

/** Something in progress that a stop can cut short (a request, a sleep). */
export interface Interruptible {
  abort(): void;
}

export class Vu {
  /** Set once the VU was cut short by a stop; it starts no more work. */
  interrupted = false;
  /** The request or pause in progress, for interrupt(). */
  current: Interruptible | null = null;
  /** Fields and captures of the current iteration, by slot. */
  readonly vars: FieldValue[];
  /** Free-form per-VU state for code scenarios. */
  readonly state: Record<string, unknown> = {};
  /** Iterations this VU has started. */
  iterations = 0;
  /**
   * Called by interrupt(): a code iteration sets it to end itself as aborted even when the scenario's code
   * awaits a promise that never settles (an interrupt must bound every iteration).
   */
  onInterrupt: (() => void) | null = null;

  constructor(
    /** 1-based within its scenario. */
    readonly id: number,
    slotCount: number,
  ) {
    this.vars = new Array<FieldValue>(slotCount).fill('');
  }

  interrupt(): void {
    this.interrupted = true;
    this.current?.abort();
    this.onInterrupt?.();
  }
}
