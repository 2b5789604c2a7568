// The run's own HTTP dispatchers: one undici Pool per origin, shared by every VU. Never the global dispatcher.
// With redirects on, one Agent (a Pool per origin inside) instead: a Pool can only reach its own origin, and
// undici's redirect interceptor on a Pool sends a cross-origin Location's path to the wrong host.
import { Agent, Client, Pool, interceptors, type Dispatcher } from 'undici';
import type { HttpSettings } from '../scenario/model.ts';

export interface Pools {
  get(origin: string): Dispatcher;
  /**
   * Whether a socket to `origin` was connected at some moment since `sinceMs` (the clock passed to createPools):
   * connected now, or connected or closed since then, or reported alive by markAlive. A request that waited that
   * long behind a live socket was queued; only one that never saw a connection is a connect timeout.
   */
  connectedSince(origin: string, sinceMs: number): boolean;
  /** A socket to `origin` is alive now (runner is about to destroy it, e.g. by aborting the request on it). */
  markAlive(origin: string): void;
  close(): Promise<void>;
  destroy(): Promise<void>;
}

/**
 * Dispatch options carrying the request's own refusal flag, set by its handler when undici refused it. A
 * reference, not a flag on the options: the redirect interceptor copies the options on the way down.
 */
export interface RefusableDispatchOptions extends Dispatcher.DispatchOptions {
  refusal?: { refused: boolean };
}

/**
 * A Client that never tells its Pool "busy" for a request it refused. undici's Client reports a refused request
 * (an invalid header value, path, method) to the handler and returns false from dispatch(), which the Pool reads
 * as "busy: wait for my drain" — no drain ever comes, and the Pool never uses that connection slot again
 * (undici 7.30, pool-base.js kDispatch). runner checks requests before dispatch (request-check.ts); this guards
 * against a check it does not mirror: the Exchange flags its refusal, and this returns true.
 */
class RefusalSafeClient extends Client {
  override dispatch(opts: RefusableDispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    return super.dispatch(opts, handler) || opts.refusal?.refused === true;
  }
}

function createRefusalSafeClient(origin: URL, opts: object): Dispatcher {
  return new RefusalSafeClient(origin, opts as Client.Options);
}

/** Keep-alive below common server defaults (Node 5 s, nginx 75 s) so the client closes first. */
const KEEP_ALIVE_MS = 4_000;
/** undici's own timers are coarse (~1 s); they stay only as a backstop behind runner's deadlines. */
const BACKSTOP_MS = 1_500;

/** Milliseconds of the last connect, disconnect or markAlive, per origin; read only when a deadline passes. */
function createLiveness(now: () => number) {
  const lastMs = new Map<string, number>();
  return {
    note: (origin: string) => void lastMs.set(origin, now()),
    since: (origin: string, sinceMs: number) => (lastMs.get(origin) ?? -Infinity) >= sinceMs,
    /** Listener for a dispatcher's 'connect'/'disconnect' events; their origin is a URL. */
    listener: (origin: URL | string) => void lastMs.set(typeof origin === 'string' ? origin : origin.origin, now()),
  };
}

export function createPools(http: HttpSettings & { connections: number }, now: () => number = () => performance.now()): Pools {
  const pools = new Map<string, Pool>();
  const liveness = createLiveness(now);
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
    factory: createRefusalSafeClient,
  };
  if (http.maxRedirects > 0) return createRedirectingPools(options, http.maxRedirects, liveness);
  return {
    get(origin) {
      let d = dispatchers.get(origin);
      if (!d) {
        const pool = new Pool(origin, options);
        pool.on('connect', liveness.listener).on('disconnect', liveness.listener);
        pools.set(origin, pool);
        d = pool;
        dispatchers.set(origin, d);
      }
      return d;
    },
    connectedSince(origin, sinceMs) {
      return (pools.get(origin)?.stats.connected ?? 0) > 0 || liveness.since(origin, sinceMs);
    },
    markAlive: liveness.note,
    async close() {
      await Promise.all([...pools.values()].map((p) => p.close()));
    },
    async destroy() {
      await Promise.all([...pools.values()].map((p) => p.destroy()));
    },
  };
}

/** One Agent for every origin, following at most `maxRedirects` redirects per request, to any origin. */
function createRedirectingPools(options: Pool.Options, maxRedirects: number, liveness: ReturnType<typeof createLiveness>): Pools {
  // Always a Pool per origin (undici's Agent uses a bare Client when connections is 1), with the safe Clients.
  const agent = new Agent({ ...options, factory: (origin, opts) => new Pool(origin, { ...(opts as Pool.Options), factory: createRefusalSafeClient }) });
  agent.on('connect', liveness.listener).on('disconnect', liveness.listener);
  const dispatcher = agent.compose(interceptors.redirect({ maxRedirections: maxRedirects }));
  return {
    get: () => dispatcher,
    // Agent.stats builds an object per call: fine, it is only asked when a deadline passes.
    connectedSince: (origin, sinceMs) =>
      ((agent.stats as Record<string, { connected: number } | undefined>)[origin]?.connected ?? 0) > 0 || liveness.since(origin, sinceMs),
    markAlive: liveness.note,
    close: () => agent.close(),
    destroy: () => agent.destroy(),
  };
}
