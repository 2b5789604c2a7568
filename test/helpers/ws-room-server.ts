// A WebSocket room server for tests, with faults on request: `/?room=NAME` joins a room (no token), a join is
// announced as {"type":"presence","members":N}, and every message is relayed to the room's other members —
// except every `dropEvery`-th relayed copy (counted, not sent); `closeAfterMs` closes each socket with
// `closeCode` that long after it joined.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface WsRoomServerOptions {
  dropEvery?: number;
  closeAfterMs?: number;
  closeCode?: number;
}

export interface WsRoomServer {
  /** `ws://127.0.0.1:PORT` */
  url: string;
  /** `http://127.0.0.1:PORT` */
  httpUrl: string;
  stats: { connections: number; open: number; received: number; relayed: number; dropped: number; presence: number; closedByServer: number; clientCloseCodes: number[] };
  close(): Promise<void>;
}

export async function startWsRoomServer(opts: WsRoomServerOptions = {}): Promise<WsRoomServer> {
  const stats: WsRoomServer['stats'] = { connections: 0, open: 0, received: 0, relayed: 0, dropped: 0, presence: 0, closedByServer: 0, clientCloseCodes: [] };
  const rooms = new Map<string, Set<WebSocket>>();
  const server: Server = createServer((_req, res) => res.writeHead(404).end());
  const wss = new WebSocketServer({ server, perMessageDeflate: false });
  let copies = 0;
  wss.on('connection', (ws, req) => {
    stats.connections++;
    stats.open++;
    const room = new URL(req.url ?? '/', 'http://x').searchParams.get('room') ?? '';
    let members = rooms.get(room);
    if (!members) rooms.set(room, (members = new Set()));
    members.add(ws);
    const presence = JSON.stringify({ type: 'presence', members: members.size });
    for (const m of members) {
      m.send(presence);
      stats.presence++;
    }
    let closing = false;
    ws.on('message', (data: Buffer) => {
      stats.received++;
      for (const m of members) {
        if (m === ws || m.readyState !== m.OPEN) continue;
        copies++;
        if (opts.dropEvery !== undefined && copies % opts.dropEvery === 0) {
          stats.dropped++;
          continue;
        }
        m.send(data.toString());
        stats.relayed++;
      }
    });
    ws.on('close', (code) => {
      stats.open--;
      if (!closing) stats.clientCloseCodes.push(code);
      members.delete(ws);
    });
    ws.on('error', () => undefined);
    if (opts.closeAfterMs !== undefined) {
      setTimeout(() => {
        if (ws.readyState !== ws.OPEN) return;
        closing = true;
        stats.closedByServer++;
        ws.close(opts.closeCode ?? 1001, 'server closing');
      }, opts.closeAfterMs).unref();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `ws://127.0.0.1:${port}`,
    httpUrl: `http://127.0.0.1:${port}`,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate();
        wss.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
