// A thread's closed seconds as snapshots for the main thread of `--workers` (metrics/snapshot.ts), each with the
// request names the thread made since its previous one (code scenarios name requests at run time, and each
// thread numbers them itself). Used by the worker threads and by the main thread's own setup()/teardown() run.
import type { Collector } from '../metrics/collector.ts';
import { snapshotSecond, type SecondSnapshot } from '../metrics/snapshot.ts';

export function followSeconds(metrics: Collector, post: (second: SecondSnapshot) => void): void {
  let namesSent = metrics.requestNames.length;
  metrics.onSecond((view) => {
    const second = snapshotSecond(view);
    const names = metrics.requestNames;
    if (names.length > namesSent) {
      second.names = [];
      for (let id = namesSent; id < names.length; id++) second.names.push([id, names[id], metrics.scopeOf(id)]);
      namesSent = names.length;
    }
    post(second);
  });
}
