// Sends remote-write batches one at a time, in order (Prometheus refuses a sample older than the last one of
// its series), from a bounded queue. A slow or unreachable Prometheus costs batches, never the run's pace:
// when the queue is full the oldest batch is dropped; a batch that fails is dropped, not retried. Counters are
// running totals, so a later batch that arrives still carries every request; only per-second detail is lost.
import { Agent } from '../../http/undici.ts';
import { REMOTE_WRITE_HEADERS } from './remote-write.ts';
import { VERSION } from '../../version.ts';

export interface SenderOptions {
  /** Batches waiting to be sent at most; past it the oldest is dropped. */
  maxQueued?: number;
  /** How long one push may take before it counts as failed, ms. */
  timeoutMs?: number;
  /** An Authorization header value (from credentials in the URL). */
  authorization?: string;
}

export interface SenderStats {
  sent: number;
  dropped: number;
  /** Why the first batch was dropped ("queue full", "HTTP 400: …", "ECONNREFUSED"); absent when none was. */
  firstDropReason?: string;
}

export interface Sender {
  /** Queues one compressed batch; returns at once. */
  push(body: Uint8Array): void;
  /** Waits up to `waitMs` for the queue to empty, then drops what is left and closes the connection. */
  close(waitMs: number): Promise<SenderStats>;
  stats(): SenderStats;
}

export function createSender(url: string, opts: SenderOptions = {}): Sender {
  const maxQueued = opts.maxQueued ?? 10;
  const timeoutMs = opts.timeoutMs ?? 5000;
  // Its own connection: never the run's pools, whose connection limits and counters belong to the target.
  const agent = new Agent({ connections: 1, keepAliveTimeout: 4000, headersTimeout: timeoutMs + 1000, bodyTimeout: timeoutMs + 1000 });
  const queue: Uint8Array[] = [];
  const stats: SenderStats = { sent: 0, dropped: 0 };
  const headers: Record<string, string> = { ...REMOTE_WRITE_HEADERS, 'user-agent': `runner/${VERSION}` };
  if (opts.authorization) headers.authorization = opts.authorization;
  let sending: Promise<void> | null = null;
  let closing = false;
  let inFlight: AbortController | null = null;

  const drop = (reason: string, n = 1): void => {
    stats.dropped += n;
    stats.firstDropReason ??= reason;
  };

  const sendOne = async (body: Uint8Array): Promise<void> => {
    const abort = new AbortController();
    inFlight = abort;
    const timer = setTimeout(() => abort.abort(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    try {
      // undici's index (fetch, WebSocket, mocks…) loads here, not on every run's start-up: only this output uses
      // it. Through `default` (module.exports): the bundle's copy of this CommonJS module has no named exports.
      const { request } = (await import('undici')).default;
      const res = await request(url, {
        method: 'POST',
        dispatcher: agent,
        headers,
        body,
        signal: abort.signal,
      });
      const text = await res.body.text();
      if (res.statusCode >= 200 && res.statusCode < 300) stats.sent++;
      else drop(`HTTP ${res.statusCode}: ${text.trim().slice(0, 200)}`);
    } catch (err) {
      const e = err as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
      drop(e.code ?? e.cause?.code ?? e.message);
    } finally {
      clearTimeout(timer);
      inFlight = null;
    }
  };

  const pump = (): void => {
    if (sending || queue.length === 0) return;
    sending = (async () => {
      while (queue.length > 0) await sendOne(queue.shift() as Uint8Array);
      sending = null;
    })();
  };

  return {
    push(body) {
      if (closing) return;
      queue.push(body);
      if (queue.length > maxQueued) {
        queue.shift();
        drop('queue full (Prometheus slower than one batch a second)');
      }
      pump();
    },
    async close(waitMs) {
      closing = true;
      pump();
      if (sending) {
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<void>((res) => (timer = setTimeout(res, waitMs)));
        await Promise.race([sending, late]);
        clearTimeout(timer);
      }
      if (queue.length > 0) drop('not sent before the run ended', queue.splice(0).length);
      inFlight?.abort(new Error('the run ended'));
      await sending;
      await agent.destroy().catch(() => {});
      return { ...stats };
    },
    stats: () => ({ ...stats }),
  };
}
