// Counters and histograms of WebSocket connections and messages for one run; turned into the result's `ws` section.
import { createHistogram, recordUs, summarizeLatency, type Histogram } from '../metrics/histogram.ts';
import type { WsResult } from '../result/ws-types.ts';

export class WsMetrics {
  opened = 0;
  failed = 0;
  open = 0;
  peakOpen = 0;
  sent = 0;
  received = 0;
  readonly failures: Record<string, number> = Object.create(null);
  readonly closesByServer: Record<string, number> = Object.create(null);
  readonly closesByClient: Record<string, number> = Object.create(null);
  readonly connecting: Histogram = createHistogram();
  readonly delivery = { tracked: 0, expected: 0, delivered: 0, lost: 0, duplicated: 0, unexpected: 0 };
  readonly deliveryLatency: Histogram = createHistogram();
  private readonly sentPerSecond: number[] = [];
  private readonly receivedPerSecond: number[] = [];

  /** `now` is the run clock (ms); `startMs` the run's start on it. */
  constructor(
    private readonly now: () => number,
    private readonly startMs: number,
  ) {}

  connected(connectUs: number): void {
    this.opened++;
    this.open++;
    if (this.open > this.peakOpen) this.peakOpen = this.open;
    recordUs(this.connecting, connectUs);
  }

  connectFailed(kind: string): void {
    this.failed++;
    this.failures[kind] = (this.failures[kind] ?? 0) + 1;
  }

  closed(byServer: boolean, code: number): void {
    this.open--;
    const table = byServer ? this.closesByServer : this.closesByClient;
    table[code] = (table[code] ?? 0) + 1;
  }

  messageSent(): void {
    this.sent++;
    bump(this.sentPerSecond, this.second());
  }

  messageReceived(): void {
    this.received++;
    bump(this.receivedPerSecond, this.second());
  }

  delivered(latencyUs: number): void {
    this.delivery.delivered++;
    recordUs(this.deliveryLatency, latencyUs);
  }

  private second(): number {
    return Math.max(0, Math.floor((this.now() - this.startMs) / 1000));
  }

  /** Cumulative counters for live outputs (Prometheus). */
  liveCounts(): { opened: number; failed: number; open: number; sent: number; received: number; delivered: number; lost: number } {
    return { opened: this.opened, failed: this.failed, open: this.open, sent: this.sent, received: this.received, delivered: this.delivery.delivered, lost: this.delivery.lost };
  }

  toResult(): WsResult {
    return {
      connections: {
        opened: this.opened,
        failed: this.failed,
        failures: { ...this.failures },
        closes: { byServer: { ...this.closesByServer }, byClient: { ...this.closesByClient } },
        peakOpen: this.peakOpen,
        connecting: summarizeLatency(this.connecting),
      },
      messages: { sent: this.sent, received: this.received, perSecond: { sent: dense(this.sentPerSecond), received: dense(this.receivedPerSecond) } },
      delivery: { ...this.delivery, latency: summarizeLatency(this.deliveryLatency) },
    };
  }
}

function bump(series: number[], second: number): void {
  while (series.length <= second) series.push(0);
  series[second]++;
}

function dense(series: number[]): number[] {
  return Array.from(series, (v) => v ?? 0);
}
