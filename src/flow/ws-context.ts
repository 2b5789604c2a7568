// The WebSocket part of a code scenario's context (`ctx.ws`): types only; src/ws/code.ts implements them.

/** A received message. */
export interface WsMessage {
  /** The message as text (a binary message decoded as UTF-8). */
  readonly data: string;
  /** The text parsed as JSON; throws (failing the iteration) when it is not JSON. */
  json<T = any>(): T;
}

/** What `next()` waits for: a JSON path (equal to `equals` when given), text the message contains, or a predicate. */
export type WsMatch = { json: string; equals?: string | number | boolean | null } | { contains: string } | ((m: WsMessage) => boolean);

export interface WsConnectOptions {
  /** Name used in warnings; default `WS <path>`. */
  name?: string;
  /** Handshake headers (e.g. `Authorization`), added to the scenario's `headers`. */
  headers?: Record<string, string>;
  /** Deadline of the opening handshake: ms or a duration like `'5s'`; default `http.timeout`. */
  timeout?: number | string;
  /**
   * Delivery tracking: `id` is the JSON path (or `pattern` a regular expression, first group) where receivers
   * find a message's id; connections with the same `room` form a broadcast room; an id waits `grace` (default
   * 5 s) for its receipts before the missing ones count as lost.
   */
  track?: { id?: string; pattern?: string | RegExp; room?: string; grace?: number | string };
}

/** An open (or failed) WebSocket connection. Nothing here throws for what the network or the server does. */
export interface WsConnection {
  /** Connected and not closed. */
  readonly open: boolean;
  /** Why the connection never opened: `refused`, `timeout`, `tls`, `handshake_401`, …; undefined when it opened. */
  readonly error: string | undefined;
  /** Set once closed: the close code (1006: the socket dropped without a close frame). */
  readonly closeCode: number | undefined;
  /** True when the server closed it (or it dropped), false when this side did. */
  readonly closedByServer: boolean;
  /**
   * Sends a message: a string as is, any other value as JSON. A function gets a fresh tracked id and returns the
   * message that carries it (needs `track`). Returns the id when tracked; false when the connection is not open.
   */
  send(data: string | object | ((msgId: string) => string | object)): string | boolean;
  /**
   * Sends `count` messages (default 1), one every `every` (or `rate` per second), on a schedule kept from the
   * first send; resolves to how many were sent (fewer when the connection closed). While it runs, the room
   * counts this connection as sending, so a `drain()` elsewhere waits for it.
   */
  sendMany(data: string | object | ((msgId: string) => string | object), opts: { count: number; every?: number | string; rate?: number }): Promise<number>;
  /** The next message that matches (any message without `match`), or undefined at the timeout (default 10 s), close or stop. */
  next(match?: WsMatch, opts?: { timeout?: number | string }): Promise<WsMessage | undefined>;
  /** Keeps the connection open (receiving) for a while; ends early at its close or a stop. */
  hold(duration: number | string): Promise<void>;
  /** Waits until nobody in the room sends and every tracked message of the room reached every member; false on loss, timeout (default 10 s) or close. */
  drain(opts?: { timeout?: number | string }): Promise<boolean>;
  /** Closes (default 1000) and resolves once closed. A connection still open when the iteration ends is closed then. */
  close(code?: number, reason?: string): Promise<void>;
  /** Calls `fn` for every message (a throw fails the iteration). */
  on(event: 'message', fn: (m: WsMessage) => void): void;
  /** Calls `fn` when the connection closes. */
  on(event: 'close', fn: (code: number, byServer: boolean) => void): void;
}

/** WebSockets through runner: counted, classified and tracked like YAML ws steps. */
export interface Ws {
  /** `url`: a path (against `target`, http→ws, https→wss) or a `ws://`/`wss://` URL. Never rejects for network faults: check `open`. */
  connect(url: string, opts?: WsConnectOptions): Promise<WsConnection>;
}
