// `ctx.ws` of code scenarios: WsSession behind the WsConnection interface. One per VU; connections still open
// when an iteration ends are closed then.
import type { WsConnection, WsConnectOptions, WsMatch, Ws } from '../flow/ws-context.ts';
import { parseDuration } from '../scenario/duration.ts';
import { parseJsonPath } from '../scenario/json-path.ts';
import type { WsHub } from './hub.ts';
import type { IdLocator, MessageMatch, WsMessage } from './message.ts';
import { WsSession, type WsTrackOptions } from './session.ts';

export interface CodeWsEnv {
  hub(): WsHub;
  target?: string;
  timeoutMs: number;
  /** The scenario's default headers for this iteration (content-type is left out: a handshake has no body). */
  headers(): Record<string, string>;
  /** What fails the iteration that opened a connection when one of its listeners throws (looked up at connect). */
  failer(): (err: unknown) => void;
}

export interface CodeWs extends Ws {
  /** Closes the connections this VU still holds (end of iteration); undefined when it holds none (no await needed). */
  closeAll(): Promise<void> | undefined;
}

const DEFAULT_WAIT_MS = 10_000;

function ms(value: number | string | undefined, fallback: number, what: string): number {
  if (value === undefined) return fallback;
  const v = typeof value === 'number' ? value : parseDuration(value);
  if (v === undefined || !(v >= 0)) throw new TypeError(`${what}: ${JSON.stringify(value)} is not a duration like '5s' or a number of ms`);
  return v;
}

export function createCodeWs(env: CodeWsEnv): CodeWs {
  const open = new Set<WsSession>();
  return {
    async connect(url: string, opts: WsConnectOptions = {}): Promise<WsConnection> {
      const hub = env.hub();
      const session = new WsSession(
        hub,
        {
          url: resolveWsUrl(url, env.target),
          headers: { ...env.headers(), ...lowerKeys(opts.headers ?? {}) },
          connectTimeoutMs: ms(opts.timeout, env.timeoutMs, 'ws.connect timeout'),
          track: opts.track && trackOptions(opts.track),
        },
        env.failer(),
      );
      open.add(session);
      await session.open();
      return new Connection(session, hub, () => open.delete(session));
    },
    closeAll() {
      // Called after every code iteration: a scenario that opened no WebSocket pays one size check.
      if (open.size === 0) return undefined;
      const sessions = [...open];
      open.clear();
      return Promise.all(sessions.map((s) => s.close(1000, ''))).then(() => undefined);
    },
  };
}

class Connection implements WsConnection {
  constructor(
    private readonly s: WsSession,
    private readonly hub: WsHub,
    private readonly forget: () => void,
  ) {}
  get open(): boolean {
    return this.s.isOpen;
  }
  get error(): string | undefined {
    return this.s.failure;
  }
  get closeCode(): number | undefined {
    return this.s.closeCode;
  }
  get closedByServer(): boolean {
    return this.s.closedByServer;
  }
  send(data: string | object | ((msgId: string) => string | object)): string | boolean {
    if (typeof data === 'function') {
      const id = this.s.nextMsgId();
      if (id === undefined) throw new TypeError("ws send(fn): a tracked id needs 'track' in ws.connect options");
      const sent = this.s.send(text(data(id)), id);
      return sent ? id : false;
    }
    return this.s.send(text(data));
  }
  async sendMany(data: string | object | ((msgId: string) => string | object), opts: { count: number; every?: number | string; rate?: number }): Promise<number> {
    const count = opts.count;
    if (!Number.isInteger(count) || count < 0) throw new TypeError(`ws sendMany: count must be a whole number ≥ 0, got ${String(count)}`);
    const everyMs = opts.rate !== undefined ? 1000 / opts.rate : ms(opts.every, 0, 'ws sendMany every');
    if (!(everyMs >= 0) || !Number.isFinite(everyMs)) throw new TypeError(`ws sendMany: rate must be a positive number, got ${String(opts.rate)}`);
    const hub = this.hub;
    const startMs = hub.now();
    let sent = 0;
    this.s.sending(1);
    try {
      for (let n = 0; n < count && this.s.isOpen; n++) {
        if (this.send(data) !== false) sent++;
        if (everyMs > 0 && n < count - 1) await this.s.hold(startMs + (n + 1) * everyMs - hub.now());
      }
    } finally {
      this.s.sending(-1);
    }
    return sent;
  }
  next(match?: WsMatch, opts: { timeout?: number | string } = {}): Promise<WsMessage | undefined> {
    return this.s.next(toMatch(match), ms(opts.timeout, DEFAULT_WAIT_MS, 'ws next timeout'));
  }
  hold(duration: number | string): Promise<void> {
    return this.s.hold(ms(duration, 0, 'ws hold'));
  }
  drain(opts: { timeout?: number | string } = {}): Promise<boolean> {
    return this.s.drain(ms(opts.timeout, DEFAULT_WAIT_MS, 'ws drain timeout'));
  }
  close(code = 1000, reason = ''): Promise<void> {
    this.forget();
    return this.s.close(code, reason);
  }
  on(event: 'message' | 'close', fn: ((m: WsMessage) => void) | ((code: number, byServer: boolean) => void)): void {
    if (event === 'message') this.s.onMessageHook(fn as (m: WsMessage) => void);
    else if (event === 'close') this.s.onCloseHook(fn as (code: number, byServer: boolean) => void);
    else throw new TypeError(`ws on(): unknown event '${String(event)}'; use 'message' or 'close'`);
  }
}

function text(data: unknown): string {
  return typeof data === 'string' ? data : JSON.stringify(data);
}

function lowerKeys(h: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) out[k.toLowerCase()] = v;
  return out;
}

function toMatch(match: WsMatch | undefined): MessageMatch {
  if (match === undefined) return { kind: 'any' };
  if (typeof match === 'function') return { kind: 'predicate', test: match };
  if ('contains' in match) return { kind: 'contains', text: match.contains };
  const segments = parseJsonPath(match.json);
  if (!segments) throw new TypeError(`ws next(): '${match.json}' is not a supported JSON path ($.a.b, $.items[0])`);
  return { kind: 'json', segments, equals: match.equals };
}

function trackOptions(t: NonNullable<WsConnectOptions['track']>): WsTrackOptions {
  let id: IdLocator;
  if (t.pattern !== undefined) id = { kind: 'pattern', regex: typeof t.pattern === 'string' ? new RegExp(t.pattern) : t.pattern };
  else {
    const segments = parseJsonPath(t.id ?? '$.id');
    if (!segments) throw new TypeError(`ws track.id: '${t.id}' is not a supported JSON path ($.id, $.msg.id)`);
    id = { kind: 'json', segments };
  }
  return { id, room: t.room, graceMs: ms(t.grace, 5_000, 'ws track.grace') };
}

/** A path against the http(s) target becomes ws(s)://host/path; a ws(s):// URL stays. */
export function resolveWsUrl(url: string, target: string | undefined): string {
  if (/^wss?:\/\//i.test(url)) return url;
  if (/^https?:\/\//i.test(url)) return url.replace(/^http/i, 'ws');
  if (!target) throw new TypeError(`ws.connect('${url}'): a path needs a target (scenario 'target' or --target), or give a ws:// URL`);
  const base = new URL(target);
  return `${base.protocol === 'https:' ? 'wss:' : 'ws:'}//${base.host}${base.pathname.replace(/\/$/, '')}${url}`;
}
