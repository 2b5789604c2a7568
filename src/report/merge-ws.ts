// `runner merge` for the `ws` sections of a run's segments: counts summed, histograms added bucket by bucket,
// per-second series aligned by absolute second.
import { summarizeLatency, type Histogram } from '../metrics/histogram.ts';
import type { WsResult } from '../result/ws-types.ts';
import type { LatencySummary } from '../result/types.ts';

type AddHistograms = (parts: { file: string; where: string; hdr: string | undefined }[]) => Histogram;

function addInto(sum: Record<string, number>, add: Record<string, number>): void {
  for (const [k, n] of Object.entries(add)) Object.defineProperty(sum, k, { value: (Object.hasOwn(sum, k) ? sum[k] : 0) + n, enumerable: true, writable: true, configurable: true });
}

/** The ws sections of `parts` as one; undefined when none of them has one. `offsetS`: each file's start after the earliest, whole seconds. */
export function mergeWsSections(parts: { file: string; ws: WsResult | undefined; offsetS: number }[], add: AddHistograms): WsResult | undefined {
  const present = parts.filter((p): p is { file: string; ws: WsResult; offsetS: number } => p.ws !== undefined);
  if (present.length === 0) return undefined;
  const latency = (where: string, of: (ws: WsResult) => LatencySummary): LatencySummary =>
    summarizeLatency(add(present.map((p) => ({ file: p.file, where: `ws.${where}.hdr`, hdr: of(p.ws).hdr }))));
  const failures: Record<string, number> = {};
  const byServer: Record<string, number> = {};
  const byClient: Record<string, number> = {};
  const sent: number[] = [];
  const received: number[] = [];
  const align = (into: number[], series: number[], offset: number) => {
    series.forEach((n, t) => {
      while (into.length <= t + offset) into.push(0);
      into[t + offset] += n;
    });
  };
  const sum = (of: (ws: WsResult) => number) => present.reduce((s, p) => s + of(p.ws), 0);
  for (const { ws, offsetS } of present) {
    addInto(failures, ws.connections.failures);
    addInto(byServer, ws.connections.closes.byServer);
    addInto(byClient, ws.connections.closes.byClient);
    align(sent, ws.messages.perSecond.sent, offsetS);
    align(received, ws.messages.perSecond.received, offsetS);
  }
  return {
    connections: {
      opened: sum((w) => w.connections.opened),
      failed: sum((w) => w.connections.failed),
      failures,
      closes: { byServer, byClient },
      // Segments run at the same time: their peaks may coincide, so the sum bounds the merged peak from above.
      peakOpen: sum((w) => w.connections.peakOpen),
      connecting: latency('connections.connecting', (w) => w.connections.connecting),
    },
    messages: { sent: sum((w) => w.messages.sent), received: sum((w) => w.messages.received), perSecond: { sent, received } },
    delivery: {
      tracked: sum((w) => w.delivery.tracked),
      expected: sum((w) => w.delivery.expected),
      delivered: sum((w) => w.delivery.delivered),
      lost: sum((w) => w.delivery.lost),
      duplicated: sum((w) => w.delivery.duplicated),
      unexpected: sum((w) => w.delivery.unexpected),
      latency: latency('delivery.latency', (w) => w.delivery.latency),
    },
  };
}
