// The run's own HTTP dispatchers: one undici Pool per origin, shared by every VU. Never the global dispatcher.
// With redirects on, one Agent (a Pool per origin inside) instead: a Pool can only reach its own origin, and
// undici's redirect interceptor on a Pool sends a cross-origin Location's path to the wrong host.
import { Agent, Pool, interceptors, type Dispatcher } from 'undici';
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
  const options = {
    connections: http.connections,
    pipelining: http.pipelining,
    keepAliveTimeout: KEEP_ALIVE_MS,
    keepAliveMaxTimeout: KEEP_ALIVE_MS,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    connect: { timeout: timeoutMs, rejectUnauthorized: !http.insecure },
  };
  if (http.maxRedirects > 0) return createRedirectingPools(options, http.maxRedirects);
  return {
    get(origin) {
      let d = dispatchers.get(origin);
      if (!d) {
        const pool = new Pool(origin, options);
        pools.set(origin, pool);
        d = pool;
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

/** One Agent for every origin, following at most `maxRedirects` redirects per request, to any origin. */
function createRedirectingPools(options: Agent.Options, maxRedirects: number): Pools {
  const agent = new Agent(options);
  const dispatcher = agent.compose(interceptors.redirect({ maxRedirections: maxRedirects }));
  return {
    get: () => dispatcher,
    // Agent.stats builds an object per call: fine, it is only asked when a deadline passes.
    connected: (origin) => (agent.stats as Record<string, { connected: number } | undefined>)[origin]?.connected ?? 0,
    close: () => agent.close(),
    destroy: () => agent.destroy(),
  };
}
