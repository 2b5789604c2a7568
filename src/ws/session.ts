// One WebSocket connection of a VU (the `ws` package's client): open with a deadline and a classified failure,
// send (tracked or not), wait for a matching message, hold, drain deliveries, close. Every wait ends at its
// timeout, at the connection's close, or when the run stops: nothing here can hang an iteration.
import { createRequire } from 'node:module';
import type WebSocket from 'ws';

// Loaded on the first connection, not with the module: a run without WebSocket steps never pays for it (start-up).
let wsClass: typeof WebSocket | undefined;
function webSocketClass(): typeof WebSocket {
  return (wsClass ??= createRequire(import.meta.url)('ws') as typeof WebSocket);
}
/** OPEN, without loading the package. */
const OPEN = 1;
import type { ClientRequest, IncomingMessage } from 'node:http';
import { classifyError } from '../http/classify.ts';
import type { TrackedPeer } from './delivery.ts';
import type { WsHub } from './hub.ts';
import { findId, matches, WsMessage, type IdLocator, type MessageMatch } from './message.ts';

/** Messages kept for a later wait; older ones are dropped (a connection that never waits keeps only these). */
const INBOX_MAX = 64;

export interface WsTrackOptions {
  id: IdLocator;
  /** Rendered room key: connections with the same key form a broadcast room. */
  room?: string;
  graceMs: number;
}

export interface WsOpenOptions {
  url: string;
  headers: Record<string, string>;
  connectTimeoutMs: number;
  track?: WsTrackOptions;
}

interface Waiter {
  match: MessageMatch;
  resolve: (m: WsMessage | undefined) => void;
  timer: NodeJS.Timeout | undefined;
}

export type WsListener = (m: WsMessage) => void;
export type WsCloseListener = (code: number, byServer: boolean) => void;

export class WsSession implements TrackedPeer {
  readonly peerId: number;
  readonly room: string | undefined;
  joinSeq = 0;
  /** Set once the connection is closed (or never opened): the close code, 1006 when the socket just dropped. */
  closeCode: number | undefined;
  closedByServer = false;
  /** Why the open failed (`refused`, `handshake_401`, …); undefined when it opened. */
  failure: string | undefined;
  private socket: WebSocket | null = null;
  private waiters: Waiter[] = [];
  /** Messages no wait took yet, oldest first (at most INBOX_MAX). */
  private readonly inbox: WsMessage[] = [];
  private readonly listeners: WsListener[] = [];
  private readonly closeListeners: WsCloseListener[] = [];
  private closeWaiters: (() => void)[] = [];
  private closingByClient = false;
  private holdEnd: (() => void) | null = null;
  private sendingSteps = 0;
  /** Set by the run's stop: every wait returns at once. */
  interrupted = false;

  constructor(
    private readonly hub: WsHub,
    private readonly opts: WsOpenOptions,
    /** Called with what a message or close listener threw (a code scenario's hook): the iteration it belongs to fails. */
    private readonly onListenerError: (err: unknown) => void = () => {},
  ) {
    this.peerId = hub.peerId();
    this.room = opts.track?.room;
  }

  get isOpen(): boolean {
    return this.socket !== null && this.closeCode === undefined;
  }

  /** Opens the connection; resolves to true when open, false when it failed (counted and classified). */
  open(): Promise<boolean> {
    const { metrics } = this.hub;
    if (this.hub.stopped) {
      this.closeCode = 1001;
      return Promise.resolve(false);
    }
    const started = this.hub.now();
    return new Promise<boolean>((resolve) => {
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      const fail = (kind: string, socket: WebSocket | null) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.failure = kind;
        this.closeCode = 1006;
        metrics.connectFailed(kind);
        if (this.opts.track) this.hub.tracker.leave(this, true);
        this.hub.remove(this);
        socket?.terminate();
        resolve(false);
      };
      if (this.opts.track) this.hub.tracker.join(this);
      let ws: WebSocket;
      try {
        ws = new (webSocketClass())(this.opts.url, {
          headers: this.opts.headers,
          perMessageDeflate: false,
          rejectUnauthorized: !this.hub.tls.insecure,
          ca: this.hub.tls.ca,
          cert: this.hub.tls.cert,
          key: this.hub.tls.key,
          followRedirects: false,
        });
      } catch (err) {
        // A URL the client refuses (bad scheme, bad header value): this connection fails, the run goes on.
        fail('invalid_request', null);
        void err;
        return;
      }
      this.socket = ws;
      this.hub.add(this);
      timer = setTimeout(() => fail('timeout', ws), this.opts.connectTimeoutMs);
      ws.on('unexpected-response', (req: ClientRequest, res: IncomingMessage) => {
        res.resume();
        req.destroy();
        fail(`handshake_${res.statusCode ?? 0}`, ws);
      });
      ws.on('error', (err) => {
        if (!settled) fail(classifyError(err), ws);
      });
      ws.on('open', () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        metrics.connected((this.hub.now() - started) * 1000);
        if (this.hub.stopped) this.interrupt();
        resolve(true);
      });
      ws.on('message', (data: Buffer, isBinary: boolean) => this.onMessage(isBinary ? data.toString('utf8') : data.toString()));
      ws.on('close', (code: number) => this.onClose(code));
    });
  }

  /** Sends text now; with `msgId` (from `hub.tracker.nextId()`) the message is tracked. False when not open. */
  send(text: string, msgId?: string): boolean {
    if (!this.isOpen || this.socket!.readyState !== OPEN) return false;
    this.socket!.send(text);
    this.hub.metrics.messageSent();
    if (msgId !== undefined && this.opts.track) this.hub.tracker.sent(msgId, this, this.opts.track.graceMs);
    return true;
  }

  /** A fresh tracked id; undefined when the connection tracks nothing. */
  nextMsgId(): string | undefined {
    return this.opts.track ? this.hub.tracker.nextId() : undefined;
  }

  /** Marks a send step of this connection as running (+1) or done (-1): its room is not drained meanwhile. */
  sending(delta: 1 | -1): void {
    // After a close the room already stopped counting this connection as sending.
    if (delta < 0 && this.sendingSteps === 0) return;
    if (delta > 0 && !this.isOpen) return;
    this.sendingSteps += delta;
    if (this.opts.track) this.hub.tracker.sending(this, delta);
  }

  /** The next message that matches, or undefined at the timeout, the close, or a stop. */
  next(match: MessageMatch, timeoutMs: number): Promise<WsMessage | undefined> {
    // Messages that came before this wait are read first, in order; those before the match are passed over.
    for (let i = 0; i < this.inbox.length; i++) {
      if (matches(this.inbox[i], match)) {
        const m = this.inbox[i];
        this.inbox.splice(0, i + 1);
        return Promise.resolve(m);
      }
    }
    this.inbox.length = 0;
    if (!this.isOpen || this.interrupted) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const w: Waiter = { match, resolve, timer: undefined };
      w.timer = setTimeout(() => this.endWait(w, undefined), timeoutMs);
      this.waiters.push(w);
    });
  }

  /** Keeps the connection open for `ms` (receiving); ends early at its close or a stop. */
  hold(ms: number): Promise<void> {
    if (!this.isOpen || this.interrupted) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done() {
        clearTimeout(timer);
        self.holdEnd = null;
        resolve();
      }
      this.holdEnd = done;
    });
  }

  /**
   * Waits until nobody in this connection's room is sending and every tracked message sent in the room has
   * reached every member it was expected by (or was retired as lost after its grace period). Resolves true when
   * drained with nothing lost in the room, false on a loss, at the timeout, the close or a stop.
   */
  async drain(timeoutMs: number): Promise<boolean> {
    if (this.interrupted) return false;
    const wait = this.hub.tracker.drained(this);
    if (wait === undefined) return this.hub.tracker.roomLost(this) === 0;
    let timer: NodeJS.Timeout | undefined;
    let resolveEarly: (v: boolean) => void = () => {};
    const early = new Promise<boolean>((resolve) => {
      resolveEarly = resolve;
      timer = setTimeout(() => resolve(false), timeoutMs);
      this.closeWaiters.push(() => resolve(false));
    });
    const ok = await Promise.race([wait.then(() => true), early]);
    clearTimeout(timer);
    void resolveEarly;
    // Drained by retiring lost ids is no delivery: the check fails when the room lost any receipt.
    return ok && !this.interrupted && this.hub.tracker.roomLost(this) === 0;
  }

  /** Closes with `code` (default 1000) and resolves once closed; at once when never opened or already closed. */
  close(code = 1000, reason = ''): Promise<void> {
    if (this.socket === null || this.closeCode !== undefined) return Promise.resolve();
    return new Promise((resolve) => {
      this.closeWaiters.push(resolve);
      if (this.closingByClient) return;
      this.closingByClient = true;
      const ws = this.socket!;
      if (ws.readyState === OPEN) {
        ws.close(code, reason);
        // A server that never answers the close frame: drop the socket (ws's own 30 s backstop is too long).
        setTimeout(() => ws.terminate(), 2_000).unref();
      } else {
        ws.terminate();
      }
    });
  }

  /** The run is stopping: waits and holds end now and the connection closes (1001, going away). */
  interrupt(): void {
    this.interrupted = true;
    for (const w of [...this.waiters]) this.endWait(w, undefined);
    this.holdEnd?.();
    void this.close(1001, 'run stopping');
  }

  onMessageHook(fn: WsListener): void {
    this.listeners.push(fn);
  }

  onCloseHook(fn: WsCloseListener): void {
    this.closeListeners.push(fn);
  }

  private onMessage(text: string): void {
    const m = new WsMessage(text, this.hub.now());
    this.hub.metrics.messageReceived();
    const track = this.opts.track;
    if (track) {
      const id = findId(m, track.id);
      if (id !== undefined) this.hub.tracker.received(id, this);
    }
    let taken = false;
    if (this.waiters.length > 0) {
      for (const w of [...this.waiters]) {
        if (matches(m, w.match)) {
          this.endWait(w, m);
          taken = true;
        }
      }
    }
    // Kept for the next wait: a message can arrive before the step that waits for it has started (the room's
    // presence right behind the handshake answer, in the same read).
    if (!taken) {
      if (this.inbox.length >= INBOX_MAX) this.inbox.shift();
      this.inbox.push(m);
    }
    for (const fn of this.listeners) {
      try {
        fn(m);
      } catch (err) {
        this.onListenerError(err);
      }
    }
  }

  private onClose(code: number): void {
    if (this.closeCode !== undefined) return;
    this.closeCode = code;
    this.closedByServer = !this.closingByClient;
    if (this.failure === undefined) {
      this.hub.metrics.closed(this.closedByServer, code);
      if (this.opts.track) this.hub.tracker.leave(this);
      for (; this.sendingSteps > 0; this.sendingSteps--) if (this.opts.track) this.hub.tracker.sending(this, -1);
    }
    this.hub.remove(this);
    for (const w of [...this.waiters]) this.endWait(w, undefined);
    this.holdEnd?.();
    const waiters = this.closeWaiters;
    this.closeWaiters = [];
    for (const fn of waiters) fn();
    for (const fn of this.closeListeners) {
      try {
        fn(code, this.closedByServer);
      } catch (err) {
        this.onListenerError(err);
      }
    }
  }

  private endWait(w: Waiter, m: WsMessage | undefined): void {
    const i = this.waiters.indexOf(w);
    if (i < 0) return;
    this.waiters.splice(i, 1);
    clearTimeout(w.timer);
    w.resolve(m);
  }
}
