// The one table of process exit codes; every command returns one of these.
export const ExitCode = {
  ok: 0,
  /** A bug in runner itself: an unexpected exception. */
  internal: 1,
  /** The user's input is wrong: scenario file, template, flag. */
  userError: 2,
  /**
   * Requests were sent and not one got an HTTP response (target down, every request refused or timed out):
   * nothing was measured. Low, like 1 and 2, and outside k6's 97–110 so it means one thing here.
   * Only for a run that completed: interrupted (130) and a run an abortOnFail threshold stopped (99) keep
   * their codes; for a completed run, noResponses (3) wins over thresholdsFailed (99).
   */
  noResponses: 3,
  /** A threshold or a compare budget failed. */
  thresholdsFailed: 99,
  /** Stopped by SIGINT/SIGTERM; what was measured is still reported. */
  interrupted: 130,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
