// The WebSocket side of one run: its metrics, its delivery tracker and every open session, so a stop closes
// them all. Created on the first WebSocket step: a run without WebSocket steps never builds one.
import { DeliveryTracker, MAX_TRACKED_IDS } from './delivery.ts';
import { WsMetrics } from './metrics.ts';
import type { WsResult } from '../result/ws-types.ts';
import type { WsSession } from './session.ts';

/** How often ids past their grace period are retired. */
const SWEEP_MS = 250;

export class WsHub {
  readonly metrics: WsMetrics;
  readonly tracker: DeliveryTracker;
  private readonly sessions = new Set<WsSession>();
  private nextPeerId = 1;
  private sweepTimer: NodeJS.Timeout;
  /** Set by a stop: sessions opened after it close at once. */
  stopped = false;

  constructor(
    readonly now: () => number,
    startMs: number,
    /** TLS for wss://, as for https: `http.insecure`, and `http.ca` / `http.cert` + `http.key`. */
    readonly tls: { insecure: boolean; ca?: Buffer; cert?: Buffer; key?: Buffer },
  ) {
    this.metrics = new WsMetrics(now, startMs);
    this.tracker = new DeliveryTracker(this.metrics, now);
    this.sweepTimer = setInterval(() => this.tracker.sweep(), SWEEP_MS);
    this.sweepTimer.unref();
  }

  peerId(): number {
    return this.nextPeerId++;
  }

  add(s: WsSession): void {
    this.sessions.add(s);
  }

  remove(s: WsSession): void {
    this.sessions.delete(s);
  }

  /** The run is stopping: every wait ends and every session closes (1001, going away). */
  interrupt(): void {
    this.stopped = true;
    for (const s of [...this.sessions]) s.interrupt();
  }

  /** Closes what is still open (an iteration that held its connection to the end), then settles every id. */
  async finish(): Promise<WsResult> {
    clearInterval(this.sweepTimer);
    await Promise.all([...this.sessions].map((s) => s.close(1000, '')));
    this.tracker.finish();
    return this.metrics.toResult();
  }

  /** Warnings for the result. */
  warnings(): string[] {
    const n = this.tracker.retiredEarly;
    return n > 0 ? [`${n} tracked WebSocket message id(s) were retired before their grace period ended: more than ${MAX_TRACKED_IDS.toLocaleString('en-US')} ids were waiting at once (lower the send rate or the grace)`] : [];
  }
}
