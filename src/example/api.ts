// The example signup API that the demo, the tests and the benchmarks target: the server half of the original
// Go load test (10,000 random users POSTed to /signup, then every row checked), kept in memory.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { attachChat, type ChatStats } from './chat.ts';

/** One signed-up user: the JSON body the original Go client sent. */
export interface User {
  userId: string;
  userName: string;
  email: string;
  userPw: string;
}

/** Counts since the API started. Every request adds 1 to `requests` and to at most one other field. */
export interface ExampleApiStats {
  /** 200 on POST /signup. */
  signups: number;
  /** 409 on POST /signup. */
  duplicates: number;
  /** 400 (bad JSON, missing or non-string field) and 413 (body over 1 MiB) on any route. */
  badRequests: number;
  /** 200 on POST /login. */
  logins: number;
  /** 401 on POST /login. */
  loginFailures: number;
  /** 200 on GET /me. */
  meOk: number;
  /** 401 on GET /me. */
  meUnauthorized: number;
  requests: number;
}

export interface ExampleApiOptions {
  /** Delay before every response, in milliseconds; 0 (the default) answers at once. */
  delayMs?: number;
}

export interface ExampleApi {
  /** Starts listening; resolves to the base URL without a trailing slash, e.g. `http://127.0.0.1:41234`. */
  listen(port?: number, host?: string): Promise<string>;
  /** Stops listening and closes every socket, idle keep-alive ones included. */
  close(): Promise<void>;
  /** A snapshot of the counters. */
  stats(): ExampleApiStats;
  /** The WebSocket chat's counters (`GET /chat?room=…`). */
  chatStats(): ChatStats;
  users(): ReadonlyMap<string, User>;
}

const MAX_BODY_BYTES = 1024 * 1024;
// Longer than any client's idle timeout, so the client is the side that closes an idle connection and
// never sends a request on a socket the server is closing at that moment.
const KEEP_ALIVE_TIMEOUT_MS = 65_000;
const SIGNUP_FIELDS = ['userId', 'userName', 'email', 'userPw'] as const;

// Constant answers are built once, not per request.
const OK_BODY = '{"ok":true}';
const NOT_FOUND_BODY = '{"error":"not found"}';
const DUPLICATE_BODY = '{"error":"duplicate userId"}';
const BAD_CREDENTIALS_BODY = '{"error":"bad credentials"}';
const UNAUTHORIZED_BODY = '{"error":"unauthorized"}';
const INVALID_JSON_BODY = '{"error":"invalid JSON"}';
const NOT_OBJECT_BODY = '{"error":"body must be a JSON object"}';
const TOO_LARGE_BODY = '{"error":"body over 1 MiB"}';

type JsonObject = Record<string, unknown>;

export function createExampleApi(opts: ExampleApiOptions = {}): ExampleApi {
  const delayMs = opts.delayMs ?? 0;
  const users = new Map<string, User>();
  const tokens = new Map<string, string>(); // token → userId
  const counts: ExampleApiStats = {
    signups: 0,
    duplicates: 0,
    badRequests: 0,
    logins: 0,
    loginFailures: 0,
    meOk: 0,
    meUnauthorized: 0,
    requests: 0,
  };

  function send(res: ServerResponse, status: number, body: string): void {
    if (delayMs > 0) setTimeout(writeJson, delayMs, res, status, body).unref();
    else writeJson(res, status, body);
  }

  function badRequest(res: ServerResponse, body: string, status = 400): void {
    counts.badRequests++;
    send(res, status, body);
  }

  function signup(res: ServerResponse, body: JsonObject): void {
    for (const field of SIGNUP_FIELDS) {
      if (!isNonEmptyString(body[field])) return badRequest(res, fieldError(field));
    }
    const user = body as unknown as User;
    if (users.has(user.userId)) {
      counts.duplicates++;
      return send(res, 409, DUPLICATE_BODY);
    }
    // Copy the four fields only: extra keys in the request are not stored.
    users.set(user.userId, { userId: user.userId, userName: user.userName, email: user.email, userPw: user.userPw });
    counts.signups++;
    send(res, 200, JSON.stringify({ ok: true, userId: user.userId }));
  }

  function login(res: ServerResponse, body: JsonObject): void {
    // A malformed body is the client's bug (400); well-formed but wrong credentials are a 401.
    if (typeof body.userId !== 'string') return badRequest(res, fieldError('userId'));
    if (typeof body.userPw !== 'string') return badRequest(res, fieldError('userPw'));
    const user = users.get(body.userId);
    if (user === undefined || user.userPw !== body.userPw) {
      counts.loginFailures++;
      return send(res, 401, BAD_CREDENTIALS_BODY);
    }
    const token = randomBytes(16).toString('hex');
    tokens.set(token, user.userId);
    counts.logins++;
    send(res, 200, `{"token":"${token}"}`);
  }

  function me(req: IncomingMessage, res: ServerResponse): void {
    const auth = req.headers.authorization;
    const userId = auth?.startsWith('Bearer ') ? tokens.get(auth.slice(7)) : undefined;
    if (userId === undefined) {
      counts.meUnauthorized++;
      return send(res, 401, UNAUTHORIZED_BODY);
    }
    counts.meOk++;
    send(res, 200, JSON.stringify({ userId }));
  }

  /** Reads the whole body (at most 1 MiB), parses it as a JSON object and hands it on; answers 400/413 itself. */
  function withJsonBody(req: IncomingMessage, res: ServerResponse, then: (res: ServerResponse, body: JsonObject) => void): void {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // Past the cap, keep draining without storing, so the client can finish sending and read the 413.
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) return badRequest(res, TOO_LARGE_BODY, 413);
      let value: unknown;
      try {
        value = JSON.parse(chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8'));
      } catch {
        return badRequest(res, INVALID_JSON_BODY);
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return badRequest(res, NOT_OBJECT_BODY);
      then(res, value as JsonObject);
    });
  }

  function route(req: IncomingMessage, res: ServerResponse): void {
    counts.requests++;
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const method = req.method;
    if (method === 'POST' && path === '/signup') return withJsonBody(req, res, signup);
    if (method === 'POST' && path === '/login') return withJsonBody(req, res, login);
    if (method === 'GET' && path === '/me') return me(req, res);
    if (method === 'GET' && path === '/users/count') return send(res, 200, `{"count":${users.size}}`);
    if (method === 'GET' && path === '/health') return send(res, 200, OK_BODY);
    send(res, 404, NOT_FOUND_BODY);
  }

  const server = createServer(route);
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  const chat = attachChat(server, (token) => tokens.get(token));

  return {
    listen(port = 0, host = '127.0.0.1') {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const { port: bound } = server.address() as AddressInfo;
          resolve(`http://${host.includes(':') ? `[${host}]` : host}:${bound}`);
        });
      });
    },
    close() {
      if (!server.listening) return Promise.resolve();
      return new Promise((resolve) => {
        chat.close();
        server.close(() => resolve());
        // close() alone waits for busy keep-alive sockets; a load test leaves many.
        server.closeAllConnections();
      });
    },
    stats: () => ({ ...counts }),
    chatStats: () => chat.stats(),
    users: () => users,
  };
}

function writeJson(res: ServerResponse, status: number, body: string): void {
  if (res.destroyed) return; // the client left while a delayed answer was pending
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

function fieldError(field: string): string {
  return JSON.stringify({ error: `missing, empty or non-string field: ${field}` });
}
