// A raw `net` server on 127.0.0.1 for what node:http hides: requests counted per socket as they arrive
// (pipelining), and answers that are not plain HTTP/1.1 responses (1xx, 101, closes mid-pipeline).
import net, { type AddressInfo } from 'node:net';

export interface RawSocketState {
  /** 1-based number of this connection. */
  id: number;
  /** Complete request heads (bodyless requests only) read on this socket so far. */
  received: number;
  /** Responses written so far. */
  answered: number;
  socket: net.Socket;
}

export interface RawServer {
  url: string;
  /** Requests read, over all sockets. */
  readonly count: number;
  /** Connections accepted. */
  readonly connections: number;
  /** The most requests that were read on one socket before the first response on it was written. */
  readonly maxQueuedBeforeAnswer: number;
  close(): Promise<void>;
}

/** `onRequests` is called after each complete request head with the socket's state; it writes what it wants. */
export async function startRawServer(onRequests: (s: RawSocketState) => void): Promise<RawServer> {
  let count = 0;
  let connections = 0;
  let maxQueued = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    const state: RawSocketState = { id: ++connections, received: 0, answered: 0, socket };
    let buffered = '';
    socket.on('data', (chunk) => {
      buffered += chunk.toString('latin1');
      let end: number;
      while ((end = buffered.indexOf('\r\n\r\n')) !== -1) {
        buffered = buffered.slice(end + 4);
        state.received++;
        count++;
        if (state.answered === 0) maxQueued = Math.max(maxQueued, state.received);
        onRequests(state);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    get count() {
      return count;
    },
    get connections() {
      return connections;
    },
    get maxQueuedBeforeAnswer() {
      return maxQueued;
    },
    close() {
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A complete 200 response with a small body. */
export const OK_RESPONSE = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: text/plain\r\n\r\nok';
