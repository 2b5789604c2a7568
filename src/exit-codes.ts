// The one table of process exit codes; every command returns one of these.
export const ExitCode = {
  ok: 0,
  /** A bug in runner itself: an unexpected exception. */
  internal: 1,
  /** The user's input is wrong: scenario file, template, flag. */
  userError: 2,
  /** A threshold or a compare budget failed. */
  thresholdsFailed: 99,
  /** Stopped by SIGINT/SIGTERM; what was measured is still reported. */
  interrupted: 130,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
