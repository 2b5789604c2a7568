// A run in which requests were sent and not one got an HTTP response measured nothing about the target:
// it is not a pass. This names that case; the run command prints it and exits with ExitCode.noResponses.
import type { RunResult } from '../result/types.ts';
import { formatNumber } from './format.ts';

/**
 * The message for a completed run where no request got a response, or undefined when at least one did, none
 * was sent, or the run did not complete: a run stopped by a signal (130) or by an abortOnFail threshold (99)
 * keeps that exit code, which already says it is not a pass.
 */
export function noResponses(result: Pick<RunResult, 'totals' | 'outcome'>): string | undefined {
  const t = result.totals;
  if (result.outcome !== 'completed' || t.requests === 0) return undefined;
  for (const status in t.byStatus) if (t.byStatus[status] > 0) return undefined;
  const errors = Object.entries(t.errors)
    .filter(([, n]) => n > 0)
    .map(([kind, n]) => `${formatNumber(n)} ${kind}`)
    .join(', ');
  return `error: no request got a response (${formatNumber(t.requests)} sent: ${errors}); nothing was measured about the target, this run is not a pass`;
}
