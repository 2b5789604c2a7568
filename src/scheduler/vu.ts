// A virtual user: the state one sequential stream of iterations keeps between requests.
import type { FieldValue } from '../generators/types.ts';

/** Something in progress that a stop can cut short (a request, a sleep). */
export interface Interruptible {
  abort(): void;
  /** A pause (think time, sleep): nothing of it is measured, so a graceful stop cuts it at once. */
  readonly pause?: boolean;
}

export class Vu {
  /** Set once the VU was cut short by a stop; it starts no more work. */
  interrupted = false;
  /** The request or pause in progress, for interrupt(). */
  current: Interruptible | null = null;
  /** Set by a graceful stop of the run: in-flight requests may finish, but a pause ends the iteration at once. */
  stopping = false;
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

  /** The global number of the iteration in progress (0-based, across all segments of the run). */
  iteration = -1;

  constructor(
    /** 1-based within its scenario, in this process. */
    readonly id: number,
    slotCount: number,
    /** 1-based within its scenario across all segments of the run (= id when the run is not cut). */
    readonly globalId: number = id,
  ) {
    this.vars = new Array<FieldValue>(slotCount).fill('');
  }

  /**
   * A graceful stop: a request in flight gets its grace, a pause in progress (or begun later) has nothing to
   * wait for: it ends the iteration now, so a run whose VUs think for 10 s stops at once, as `interrupted`.
   */
  stop(): void {
    this.stopping = true;
    if (this.current?.pause) this.interrupt();
  }

  interrupt(): void {
    this.interrupted = true;
    this.current?.abort();
    this.onInterrupt?.();
  }
}
