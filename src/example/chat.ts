// The example API's WebSocket chat: `GET /chat?room=NAME` upgrades when a token from POST /login comes with it
// (`Authorization: Bearer …` or `?token=…`); every text a member sends is relayed unchanged to the room's
// other members, and each join is announced to the room as `{"type":"presence","room":…,"members":N}`.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';

/** Counts since the API started. */
export interface ChatStats {
  /** Upgrades accepted. */
  connections: number;
  /** Members connected now. */
  open: number;
  /** Upgrades refused: 401 (no valid token), 400 (no room). */
  rejected: number;
  /** Messages received from members. */
  messagesReceived: number;
  /** Copies relayed to other members (a message in a room of 10 makes 9). */
  messagesDelivered: number;
  /** Presence announcements sent. */
  presenceSent: number;
}

export interface Chat {
  stats(): ChatStats;
  /** Closes every member's socket (1001). */
  close(): void;
}

const MAX_MESSAGE_BYTES = 64 * 1024;

/** Serves the chat on `server`'s upgrade requests; `userOf` maps a token to its user id. */
export function attachChat(server: Server, userOf: (token: string) => string | undefined): Chat {
  const stats: ChatStats = { connections: 0, open: 0, rejected: 0, messagesReceived: 0, messagesDelivered: 0, presenceSent: 0 };
  const rooms = new Map<string, Set<WebSocket>>();
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: MAX_MESSAGE_BYTES });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://chat');
    if (url.pathname !== '/chat') return refuse(socket, 404, 'not found');
    const auth = req.headers.authorization;
    const token = auth?.startsWith('Bearer ') ? auth.slice(7) : (url.searchParams.get('token') ?? '');
    const user = userOf(token);
    if (user === undefined) return refuse(socket, 401, 'unauthorized');
    const room = url.searchParams.get('room');
    if (!room) return refuse(socket, 400, 'missing room');
    wss.handleUpgrade(req, socket, head, (ws) => join(ws, room));
  });

  function refuse(socket: Duplex, status: number, text: string): void {
    stats.rejected++;
    const body = JSON.stringify({ error: text });
    socket.end(`HTTP/1.1 ${status} ${text}\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`);
  }

  function join(ws: WebSocket, room: string): void {
    stats.connections++;
    stats.open++;
    let members = rooms.get(room);
    if (!members) rooms.set(room, (members = new Set()));
    members.add(ws);
    const presence = JSON.stringify({ type: 'presence', room, members: members.size });
    for (const m of members) {
      m.send(presence);
      stats.presenceSent++;
    }
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      stats.messagesReceived++;
      for (const m of members) {
        if (m === ws || m.readyState !== m.OPEN) continue;
        m.send(data, { binary: isBinary });
        stats.messagesDelivered++;
      }
    });
    ws.on('error', () => undefined); // a member's broken socket ends as a close; the chat goes on
    ws.on('close', () => {
      stats.open--;
      members.delete(ws);
      if (members.size === 0) rooms.delete(room);
    });
  }

  return {
    stats: () => ({ ...stats }),
    close() {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    },
  };
}
