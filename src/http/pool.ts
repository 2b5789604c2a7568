// The run's own HTTP dispatchers: one undici Pool per origin, shared by every VU. Never the global dispatcher.
// With redirects on, one Agent (a Pool per origin inside) instead: a Pool can only reach its own origin, and
// undici's redirect interceptor on a Pool sends a cross-origin Location's path to the wrong host.
import { rootCertificates } from 'node:tls';
import type { TLSSocket } from 'node:tls';
import type { Dispatcher, buildConnector } from 'undici';
import { Agent, Client, Pool, interceptors } from './undici.ts';
import type { HttpSettings } from '../scenario/model.ts';
import { classifyError } from './classify.ts';

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
  /** runner gave up on a request written to a socket to `origin` for its timeout (its abort destroys that socket). */
  markTimedOut(origin: string): void;
  /** Whether markTimedOut was called for `origin` at or after `sinceMs`. */
  timedOutSince(origin: string, sinceMs: number): boolean;
  /** Connections opened so far, by the protocol negotiated on them (`h2`, `http/1.1`). */
  protocols(): Record<string, number>;
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

/** Counts each new connection by the protocol ALPN chose; a plain-HTTP socket (no ALPN) is HTTP/1.1. */
function createProtocolCount() {
  const counts: Record<string, number> = Object.create(null);
  return {
    note: (socket: unknown) => {
      const alpn = (socket as Partial<TLSSocket>).alpnProtocol;
      const protocol = typeof alpn === 'string' && alpn !== '' ? alpn : 'http/1.1';
      counts[protocol] = (counts[protocol] ?? 0) + 1;
    },
    toJSON: () => ({ ...counts }),
  };
}

/**
 * A Client factory that sees each connection's negotiated protocol. With HTTP/2 offered, `pipelining` is the
 * streams per session (undici 7.30 caps an h2 session's concurrent streams at the Client's `pipelining`, default
 * 1, not at the server's max concurrent streams); a server that answers ALPN with HTTP/1.1 gets no pipelining.
 */
function clientFactory(protocols: ReturnType<typeof createProtocolCount>, h2: boolean) {
  return (origin: URL, opts: object): Dispatcher => {
    const connect = (opts as { connect: buildConnector.connector }).connect;
    let client: RefusalSafeClient | undefined;
    const observed: buildConnector.connector = (options, callback) =>
      connect(options, (err, socket) => {
        if (socket) {
          // A TLS alert after the handshake (a server refusing the client certificate under TLS 1.3) comes as a
          // socket error and then an end; undici lets the end's 'other side closed' replace the alert (client-h1.js
          // onHttpSocketEnd), so the request would count as 'closed'. Destroying with the alert keeps it: 'tls'.
          socket.on('error', keepTlsAlert);
          protocols.note(socket);
          if (h2 && client && (socket as Partial<TLSSocket>).alpnProtocol !== 'h2') client.pipelining = 1;
        }
        // undici's callback type is a union of (err, null) and (null, socket).
        (callback as (e: Error | null, s: typeof socket) => void)(err, socket);
      });
    client = new RefusalSafeClient(origin, { ...(opts as Client.Options), connect: observed });
    return client;
  };
}

/** A socket's error listener (`this` is the socket): see clientFactory. */
function keepTlsAlert(this: { destroy(err: Error): void; destroyed: boolean }, err: Error): void {
  if (classifyError(err) === 'tls') this.destroy(err);
}

/** TLS options of the run's sockets: verification, extra CA (added to Node's roots, not replacing them), client certificate. */
function tlsOptions(http: HttpSettings) {
  const tls = http.tls;
  return {
    rejectUnauthorized: !http.insecure,
    ...(tls?.ca ? { ca: [...rootCertificates, tls.ca.pem.toString('utf8')] } : {}),
    ...(tls?.cert && tls.key ? { cert: tls.cert.pem, key: tls.key.pem } : {}),
  };
}

/** Keep-alive below common server defaults (Node 5 s, nginx 75 s) so the client closes first. */
const KEEP_ALIVE_MS = 4_000;
/** undici's own timers are coarse (~1 s); they stay only as a backstop behind runner's deadlines. */
const BACKSTOP_MS = 1_500;

/** Milliseconds of the last event noted per origin (connect, disconnect, markAlive; or a timeout); read only when a request ends badly. */
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
  const timeouts = createLiveness(now);
  const dispatchers = new Map<string, Dispatcher>();
  const timeoutMs = http.timeoutMs + BACKSTOP_MS;
  const protocols = createProtocolCount();
  const h2 = http.version === 2;
  const options = {
    connections: http.connections,
    pipelining: http.pipelining,
    allowH2: h2,
    keepAliveTimeout: KEEP_ALIVE_MS,
    keepAliveMaxTimeout: KEEP_ALIVE_MS,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
    connect: { timeout: timeoutMs, ...tlsOptions(http) },
    factory: clientFactory(protocols, h2),
  };
  if (http.maxRedirects > 0) return createRedirectingPools(options, http.maxRedirects, liveness, timeouts, protocols);
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
    markTimedOut: timeouts.note,
    timedOutSince: timeouts.since,
    protocols: protocols.toJSON,
    async close() {
      await Promise.all([...pools.values()].map((p) => p.close()));
    },
    async destroy() {
      await Promise.all([...pools.values()].map((p) => p.destroy()));
    },
  };
}

/** One Agent for every origin, following at most `maxRedirects` redirects per request, to any origin. */
function createRedirectingPools(
  options: Pool.Options & { factory: NonNullable<Pool.Options['factory']> },
  maxRedirects: number,
  liveness: ReturnType<typeof createLiveness>,
  timeouts: ReturnType<typeof createLiveness>,
  protocols: ReturnType<typeof createProtocolCount>,
): Pools {
  // Always a Pool per origin (undici's Agent uses a bare Client when connections is 1), with the safe Clients.
  const agent = new Agent({ ...options, factory: (origin, opts) => new Pool(origin, { ...(opts as Pool.Options), factory: options.factory }) });
  agent.on('connect', liveness.listener).on('disconnect', liveness.listener);
  const dispatcher = agent.compose(interceptors.redirect({ maxRedirections: maxRedirects }));
  return {
    get: () => dispatcher,
    // Agent.stats builds an object per call: fine, it is only asked when a deadline passes.
    connectedSince: (origin, sinceMs) =>
      ((agent.stats as Record<string, { connected: number } | undefined>)[origin]?.connected ?? 0) > 0 || liveness.since(origin, sinceMs),
    markAlive: liveness.note,
    markTimedOut: timeouts.note,
    timedOutSince: timeouts.since,
    protocols: protocols.toJSON,
    close: () => agent.close(),
    destroy: () => agent.destroy(),
  };
}
