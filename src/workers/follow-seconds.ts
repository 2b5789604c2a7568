// A thread's closed seconds as snapshots for the main thread of `--workers` (metrics/snapshot.ts), each with the
// changes of its checks by name, its iteration counters, its WebSocket counters, and the request names the thread made since its
// previous one (code scenarios name requests at run time, and each thread numbers them itself). Used by the
// worker threads and by the main thread's own setup()/teardown() run.
import type { Checks } from '../flow/checks.ts';
import type { Collector } from '../metrics/collector.ts';
import { createCheckDeltas, snapshotSecond, type SecondSnapshot } from '../metrics/snapshot.ts';
import type { RunResult } from '../result/types.ts';

export interface FollowedRun {
  readonly metrics: Collector;
  readonly checks: Pick<Checks, 'toJSON'>;
  readonly iterations: RunResult['iterations'];
  wsCounts?(): SecondSnapshot['ws'];
}

export function followSeconds(run: FollowedRun, post: (second: SecondSnapshot) => void): void {
  const metrics = run.metrics;
  let namesSent = metrics.requestNames.length;
  const checkDeltas = createCheckDeltas(() => run.checks.toJSON());
  metrics.onSecond((view) => {
    const second = snapshotSecond(view);
    const checks = checkDeltas();
    if (checks) second.checks = checks;
    second.iterations = { ...run.iterations };
    const ws = run.wsCounts?.();
    if (ws) second.ws = ws;
    const names = metrics.requestNames;
    if (names.length > namesSent) {
      second.names = [];
      for (let id = namesSent; id < names.length; id++) second.names.push([id, names[id], metrics.scopeOf(id)]);
      namesSent = names.length;
    }
    post(second);
  });
}
