// A real node:http server on 127.0.0.1 for integration tests: records what it received and answers each request
// with a chosen Behaviour (a status, a delay, a reset, a hang, a truncated or endless body, raw garbage…).
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

export interface RecordedRequest {
  method: string;
  /** Path and query string as sent (`req.url`). */
  path: string;
  headers: IncomingHttpHeaders;
  /** The whole body as UTF-8; '' when the server was started with `record: false`. */
  body: string;
  /** performance.now() (ms) when the request's headers arrived. */
  at: number;
}

/** How the server answers one request. */
export type Behaviour =
  /** A normal answer; content-length is set unless `headers` set it. */
  | { kind: 'respond'; status: number; body?: string | Uint8Array; headers?: Record<string, string>; delayMs?: number }
  /** Destroy the socket with a TCP RST (`socket.resetAndDestroy()`, Node ≥ 18.3). */
  | { kind: 'reset' }
  /** 200 with `content-length: declaredLength`, then `sendBytes` (< declaredLength) bytes, then FIN. */
  | { kind: 'close-mid-body'; declaredLength: number; sendBytes: number }
  /** Never answer; the socket stays open until close()/stop(). */
  | { kind: 'hang' }
  /** 200 with `content-length: bytes`, headers at once, then one byte every `intervalMs`. */
  | { kind: 'trickle'; bytes: number; intervalMs: number }
  /** 200 with a body of `bytes` bytes streamed in 64 KiB chunks, never held whole in memory. */
  | { kind: 'big'; bytes: number }
  /** Raw bytes that are not an HTTP response, then FIN. */
  | { kind: 'garbage' }
  /** 200 `{"ok":true}` with `Connection: close`, so the next request needs a new connection. */
  | { kind: 'close-after' };

export interface TestServerOptions {
  /** Answer for every request; default 200 `{"ok":true}`. Ignored when `handle` is given. */
  behaviour?: Behaviour;
  /** Chooses the answer per request; `i` is the 0-based index of the request among all received in full. */
  handle?: (req: RecordedRequest, i: number) => Behaviour | Promise<Behaviour>;
  /** false: keep counters only, no `received` entries and no bodies (for big runs). Default true. */
  record?: boolean;
  /** Close each keep-alive socket after this many requests (Node's `server.maxRequestsPerSocket`). */
  maxRequestsPerSocket?: number;
  /** Idle keep-alive timeout in ms; default Node's 5000. */
  keepAliveTimeoutMs?: number;
}

export interface TestServer {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:41234`; unchanged by restart(). */
  readonly url: string;
  readonly port: number;
  /** Every request received in full, in order (empty when `record: false`). */
  readonly received: RecordedRequest[];
  /** Requests received in full (body read), whatever the answer was. */
  readonly count: number;
  /** Status code → how many responses with it were started; reset, hang and garbage add nothing. */
  readonly statusCounts: Map<number, number>;
  /** TCP connections accepted, across restarts. */
  readonly connections: number;
  /** Stops for good: closes the listener and every socket. Idempotent; never waits on hung sockets. */
  close(): Promise<void>;
  /** Closes the listener and every socket, keeping the port number for restart(). */
  stop(): Promise<void>;
  /** Listens again on the same port after stop(). */
  restart(): Promise<void>;
}

const HOST = '127.0.0.1';
const OK_BODY = '{"ok":true}';
const DEFAULT_BEHAVIOUR: Behaviour = { kind: 'respond', status: 200, body: OK_BODY, headers: { 'content-type': 'application/json' } };
// Every 'big' body is slices of this one read-only buffer.
const CHUNK = Buffer.alloc(64 * 1024, 0x61);
// Not a status line an HTTP parser accepts.
const GARBAGE = 'HTTP/1.1 abc nonsense\r\n\r\n';

export async function startTestServer(opts: TestServerOptions = {}): Promise<TestServer> {
  const record = opts.record ?? true;
  const received: RecordedRequest[] = [];
  const statusCounts = new Map<number, number>();
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let count = 0;
  let connections = 0;
  let closing: Promise<void> | undefined;

  function later(ms: number, fn: () => void, repeat = false): NodeJS.Timeout {
    const t = (repeat ? setInterval : setTimeout)(() => {
      if (!repeat) timers.delete(t);
      fn();
    }, ms);
    t.unref(); // the open server and sockets keep the loop alive; the timers need not
    timers.add(t);
    return t;
  }

  function clearTimer(t: NodeJS.Timeout): void {
    clearTimeout(t);
    timers.delete(t);
  }

  function writeHead(res: ServerResponse, status: number, headers: Record<string, string | number>): void {
    statusCounts.set(status, (statusCounts.get(status) ?? 0) + 1);
    res.writeHead(status, headers);
  }

  function respond(res: ServerResponse, status: number, body: string | Uint8Array, headers: Record<string, string> = {}): void {
    if (res.destroyed) return;
    writeHead(res, status, { 'content-length': Buffer.byteLength(body), ...headers });
    res.end(body);
  }

  function trickle(res: ServerResponse, bytes: number, intervalMs: number): void {
    writeHead(res, 200, { 'content-type': 'application/octet-stream', 'content-length': bytes });
    res.flushHeaders();
    if (bytes === 0) return void res.end();
    let sent = 0;
    const t = later(intervalMs, () => {
      if (res.destroyed) return clearTimer(t);
      res.write(CHUNK.subarray(0, 1));
      if (++sent === bytes) {
        clearTimer(t);
        res.end();
      }
    }, true);
    res.once('close', () => clearTimer(t));
  }

  function big(res: ServerResponse, bytes: number): void {
    writeHead(res, 200, { 'content-type': 'application/octet-stream', 'content-length': bytes });
    let left = bytes;
    const pump = (): void => {
      while (left > 0 && !res.destroyed) {
        const n = Math.min(left, CHUNK.length);
        left -= n;
        // Respect backpressure so an 8 MiB body never sits in the socket's buffer at once.
        if (!res.write(n === CHUNK.length ? CHUNK : CHUNK.subarray(0, n))) return void res.once('drain', pump);
      }
      if (!res.destroyed) res.end();
    };
    pump();
  }

  function closeMidBody(req: IncomingMessage, res: ServerResponse, declaredLength: number, sendBytes: number): void {
    if (sendBytes >= declaredLength) throw new RangeError('close-mid-body: sendBytes must be < declaredLength');
    writeHead(res, 200, { 'content-type': 'application/octet-stream', 'content-length': declaredLength });
    res.flushHeaders();
    // socket.end() sends FIN once what was written is flushed; the response is left incomplete on purpose.
    if (sendBytes === 0) return void req.socket.end();
    res.write(Buffer.alloc(sendBytes, 0x61), () => req.socket.end());
  }

  function apply(b: Behaviour, req: IncomingMessage, res: ServerResponse): void {
    switch (b.kind) {
      case 'respond':
        if (b.delayMs) later(b.delayMs, () => respond(res, b.status, b.body ?? '', b.headers));
        else respond(res, b.status, b.body ?? '', b.headers);
        return;
      case 'reset':
        req.socket.resetAndDestroy();
        return;
      case 'close-mid-body':
        return closeMidBody(req, res, b.declaredLength, b.sendBytes);
      case 'hang':
        return;
      case 'trickle':
        return trickle(res, b.bytes, b.intervalMs);
      case 'big':
        return big(res, b.bytes);
      case 'garbage':
        // Straight onto the socket, bypassing ServerResponse, which would only write valid HTTP.
        req.socket.end(GARBAGE);
        return;
      case 'close-after':
        return respond(res, 200, OK_BODY, { 'content-type': 'application/json', connection: 'close' });
    }
  }

  function onRequest(req: IncomingMessage, res: ServerResponse): void {
    const at = performance.now();
    const chunks: Buffer[] = [];
    if (record) req.on('data', (c: Buffer) => chunks.push(c));
    else req.resume();
    req.once('end', () => {
      const recorded: RecordedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: record ? Buffer.concat(chunks).toString('utf8') : '',
        at,
      };
      const i = count++;
      if (record) received.push(recorded);
      // A throwing handle or a bad Behaviour becomes a visible 500 rather than a hung test.
      Promise.resolve()
        .then(() => (opts.handle ? opts.handle(recorded, i) : (opts.behaviour ?? DEFAULT_BEHAVIOUR)))
        .then((b) => apply(b, req, res))
        .catch((err: unknown) => respond(res, 500, `test server: ${String(err)}`));
    });
  }

  const server = createServer(onRequest);
  server.keepAliveTimeout = opts.keepAliveTimeoutMs ?? 5000;
  // Node 20 has it: after N responses on a socket it answers with `Connection: close` and closes.
  if (opts.maxRequestsPerSocket !== undefined) server.maxRequestsPerSocket = opts.maxRequestsPerSocket;
  server.on('connection', (socket: Socket) => {
    connections++;
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  function listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, HOST, () => {
        server.off('error', reject);
        resolve();
      });
    });
  }

  function stop(): Promise<void> {
    for (const t of timers) clearTimeout(t);
    timers.clear();
    // server.close() resolves once every connection is gone; destroying them makes that immediate.
    const closed = server.listening ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
    for (const socket of sockets) socket.destroy();
    return closed;
  }

  await listen(0);
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${HOST}:${port}`,
    port,
    received,
    statusCounts,
    get count() {
      return count;
    },
    get connections() {
      return connections;
    },
    close() {
      closing ??= stop();
      return closing;
    },
    stop,
    async restart() {
      if (closing) throw new Error('test server: restart() after close()');
      if (server.listening) throw new Error('test server: restart() while listening; stop() first');
      await listen(port);
    },
  };
}

/** A port nothing listens on (bound to 127.0.0.1:0, read, released): connecting to it is refused. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createNetServer();
    probe.once('error', reject);
    probe.listen(0, HOST, () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
