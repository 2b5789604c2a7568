// HTTPS targets for tests: a self-signed certificate made by `openssl` at test time, an HTTPS server that
// answers 200, and a TCP server that accepts and never speaks (a TLS handshake that never completes).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SelfSignedCert {
  key: Buffer;
  cert: Buffer;
}

/** Why TLS tests cannot run here, or undefined when `openssl` is on the PATH. */
export function tlsSkipReason(): string | undefined {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'openssl is not installed (Debian package `openssl`; .ci/run installs it): cannot make a test certificate';
  }
}

/** A fresh self-signed certificate for CN=localhost and IP 127.0.0.1, valid for one day. */
export function makeSelfSignedCert(): SelfSignedCert {
  const dir = mkdtempSync(join(tmpdir(), 'runner-tls-'));
  try {
    const key = join(dir, 'k.pem');
    const cert = join(dir, 'c.pem');
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1'],
      { stdio: 'ignore' },
    );
    return { key: readFileSync(key), cert: readFileSync(cert) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface SmallServer {
  url: string;
  /** Requests answered. */
  readonly count: number;
  close(): Promise<void>;
}

/** An HTTPS server on 127.0.0.1 answering every request 200 `{"ok":true}`. */
export async function startHttpsServer(cert: SelfSignedCert): Promise<SmallServer> {
  let count = 0;
  const sockets = new Set<Socket>();
  const server = createHttpsServer({ key: cert.key, cert: cert.cert }, (req, res) => {
    req.resume();
    req.once('end', () => {
      count++;
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': 11 });
      res.end('{"ok":true}');
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    get count() {
      return count;
    },
    close: () => closeAll(server, sockets),
  };
}

/** A TCP server that accepts connections and never sends a byte: a TLS handshake that never ends. */
export async function startSilentServer(): Promise<SmallServer & { readonly connections: number }> {
  let connections = 0;
  const sockets = new Set<Socket>();
  const server = createNetServer((s) => {
    connections++;
    sockets.add(s);
    s.on('error', () => undefined);
    s.once('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    count: 0,
    get connections() {
      return connections;
    },
    close: () => closeAll(server, sockets),
  };
}

function closeAll(server: { close(cb: () => void): unknown; listening: boolean }, sockets: Set<Socket>): Promise<void> {
  const closed = server.listening ? new Promise<void>((r) => server.close(() => r())) : Promise.resolve();
  for (const s of sockets) s.destroy();
  return closed;
}
