// The run's own HTTP dispatchers: one undici Pool per origin, shared by every VU. Never the global dispatcher.
import { Pool, interceptors, type Dispatcher } from 'undici';
import type { HttpSettings } from '../scenario/model.ts';

export interface Pools {
  get(origin: string): Dispatcher;
  /** Sockets connected to `origin` right now. */
  connected(origin: string): number;
  close(): Promise<void>;
  destroy(): Promise<void>;
}

/** Keep-alive below common server defaults (Node 5 s, nginx 75 s) so the client closes first. */
const KEEP_ALIVE_MS = 4_000;
/** undici's own timers are coarse (~1 s); they stay only as a backstop behind runner's deadlines. */
const BACKSTOP_MS = 1_500;

export function createPools(http: HttpSettings & { connections: number }): Pools {
  const pools = new Map<string, Pool>();
  const dispatchers = new Map<string, Dispatcher>();
  const timeoutMs = http.timeoutMs + BACKSTOP_MS;
  return {
    get(origin) {
      let d = dispatchers.get(origin);
      if (!d) {
        const pool = new Pool(origin, {
          connections: http.connections,
          pipelining: http.pipelining,
          keepAliveTimeout: KEEP_ALIVE_MS,
          keepAliveMaxTimeout: KEEP_ALIVE_MS,
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
          connect: { timeout: timeoutMs, rejectUnauthorized: !http.insecure },
        });
        pools.set(origin, pool);
        d = http.maxRedirects > 0 ? pool.compose(interceptors.redirect({ maxRedirections: http.maxRedirects })) : pool;
        dispatchers.set(origin, d);
      }
      return d;
    },
    connected(origin) {
      return pools.get(origin)?.stats.connected ?? 0;
    },
    async close() {
      await Promise.all([...pools.values()].map((p) => p.close()));
    },
    async destroy() {
      await Promise.all([...pools.values()].map((p) => p.destroy()));
    },
  };
}
