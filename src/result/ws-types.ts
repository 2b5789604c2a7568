// The `ws` section of the result file: connections, messages and delivery accounting of WebSocket steps.
import type { LatencySummary } from './types.ts';

/** Present in a result only when the run opened (or tried to open) a WebSocket. */
export interface WsResult {
  connections: {
    /** Handshakes that completed (k6's `ws_sessions`). */
    opened: number;
    /** Connection attempts that never opened. */
    failed: number;
    /** Failed attempts by class: `refused`, `timeout`, `tls`, `dns`, `reset`, `handshake_401` (the HTTP status the server answered), … */
    failures: Record<string, number>;
    /** Open connections that ended, by who closed them and the close code (`1006`: the socket dropped without a close frame). */
    closes: { byServer: Record<string, number>; byClient: Record<string, number> };
    /** Most connections open at once. */
    peakOpen: number;
    /** From the start of the connect to the open handshake (k6's `ws_connecting`). */
    connecting: LatencySummary;
  };
  messages: {
    /** Every message sent (k6's `ws_msgs_sent`) and received (`ws_msgs_received`). */
    sent: number;
    received: number;
    /** Messages sent and received in each second of the run, from its start. */
    perSecond: { sent: number[]; received: number[] };
  };
  delivery: {
    /** Messages sent with a `{{$msgId}}` (tracked). */
    tracked: number;
    /** Receipts expected: for each tracked message, the other members of its room when it was sent. */
    expected: number;
    /** Expected receipts that arrived (first copy). */
    delivered: number;
    /** Expected receipts that had not arrived when their grace period ended (or the run did). */
    lost: number;
    /** A second copy of a tracked message on the same connection. */
    duplicated: number;
    /** Tracked-looking messages nobody expected: unknown or retired ids, the sender's own echo, another room's message. */
    unexpected: number;
    /** From the send to each expected receipt; `count` = delivered (for messages whose room is known). */
    latency: LatencySummary;
  };
}
