// HTTPS targets for tests: a self-signed certificate made by `openssl` at test time, an HTTPS server that
// answers 200, and a TCP server that accepts and never speaks (a TLS handshake that never completes).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

export interface CertChain {
  /** Directory holding ca.pem, server.pem, server-key.pem, client.pem, client-key.pem, other.pem, other-key.pem. */
  dir: string;
  ca: Buffer;
  server: SelfSignedCert;
  client: SelfSignedCert;
  /** Files written in `dir`, by name. */
  files: Record<'ca' | 'server' | 'serverKey' | 'client' | 'clientKey' | 'otherKey', string>;
  remove(): void;
}

/**
 * A test CA (made by `openssl` now; P-256 keys, ~10× faster to make than RSA) that signed a server certificate for 127.0.0.1 and a client certificate,
 * plus an unrelated key (a key that belongs to no certificate here). Files stay in `dir` until remove().
 */
export function makeCertChain(): CertChain {
  const dir = mkdtempSync(join(tmpdir(), 'runner-ca-'));
  const f = (name: string) => join(dir, name);
  const ssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'ignore', cwd: dir });
  ssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'ca-key.pem', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=runner test CA');
  const leaf = (name: string, subject: string, ext: string) => {
    ssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}-key.pem`, '-out', `${name}.csr`, '-subj', subject);
    writeFileSync(f(`${name}.ext`), ext);
    ssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca-key.pem', '-CAcreateserial', '-out', `${name}.pem`, '-days', '1', '-extfile', `${name}.ext`);
  };
  leaf('server', '/CN=localhost', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  leaf('client', '/CN=runner client', 'extendedKeyUsage=clientAuth\n');
  ssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-out', 'other-key.pem');
  const files = { ca: f('ca.pem'), server: f('server.pem'), serverKey: f('server-key.pem'), client: f('client.pem'), clientKey: f('client-key.pem'), otherKey: f('other-key.pem') };
  return {
    dir,
    ca: readFileSync(files.ca),
    server: { cert: readFileSync(files.server), key: readFileSync(files.serverKey) },
    client: { cert: readFileSync(files.client), key: readFileSync(files.clientKey) },
    files,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
