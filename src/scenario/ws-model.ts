// The model of a WebSocket step in a request list (`- ws: {…}`): connect, then its own steps in order.
import type { Location } from '../errors.ts';
import type { HeaderSpec } from './model.ts';

export interface WsStepSpec {
  /** Prefix of its check names (`chat: connected`); default `WS <path>`. */
  name: string;
  /** Path (against `target`, http→ws, https→wss) or a `ws://`/`wss://` URL; placeholders in path and query. */
  url: string;
  headers: HeaderSpec[];
  /** Deadline of the opening handshake; default `http.timeout`. */
  connectTimeoutMs?: number;
  track?: WsTrackSpec;
  actions: WsActionSpec[];
  /** `hold: iteration` as the last step: the connection stays open (receiving) until the iteration ends. */
  keepOpen: boolean;
  location?: Location;
  urlLocation?: Location;
}

export interface WsTrackSpec {
  /** Where a received message carries its id: a JSON path, or a regular expression (first group, else the match). */
  id: { json: string } | { pattern: string };
  /** Template of the room key: connections with the same key form a broadcast room. */
  room?: string;
  /** How long an id waits for its receipts before the missing ones count as lost. */
  graceMs: number;
}

export type WsActionSpec =
  | {
      kind: 'send';
      body: { format: 'json' | 'text'; text: string; location?: Location };
      /** Messages to send; with `durationMs` instead, as many as fit. */
      count: number;
      /** Pause between two sends (0: all at once). */
      everyMs: number;
      durationMs?: number;
      location?: Location;
    }
  | {
      kind: 'wait';
      /** JSON path (with `equals`: that value) or text the message contains; neither: any message. */
      json?: string;
      equals?: string | number | boolean | null;
      contains?: string;
      timeoutMs: number;
      captures: { name: string; path: string }[];
      /** The check's name. */
      check: string;
      location?: Location;
    }
  | { kind: 'hold'; ms: number; location?: Location }
  | { kind: 'drain'; timeoutMs: number; check: string; location?: Location }
  | { kind: 'close'; code: number; reason: string; location?: Location };

/** A ws step inside a request list: it runs before request number `before` (0-based; = the request count: after the last). */
export interface WsPlacement {
  before: number;
  step: WsStepSpec;
}
