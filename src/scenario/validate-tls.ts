// Reads and checks the TLS files a scenario names (`http.ca`, `http.cert`, `http.key`) at load time: a file that
// is missing, not PEM, an encrypted key or a key that does not match its certificate is the user's error here,
// with its position, not a `tls` error on every request of the run.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { resolve } from 'node:path';
import { createSecureContext } from 'node:tls';
import type { Checker, Path } from './checker.ts';
import type { PemFile, TlsFiles } from './model.ts';
import { FileRefusal, readUserFile } from './read-file.ts';

/** Keys of `http:` handled here. */
export const tlsKeys = ['ca', 'cert', 'key'] as const;

/** The files under `http:` (keys ca, cert, key), or undefined when none is given or one is unusable (reported). */
export function checkTlsFiles(c: Checker, http: Record<string, unknown>, baseDir: string): TlsFiles | undefined | null {
  if (tlsKeys.every((k) => http[k] === undefined)) return undefined;
  const at = (k: string): Path => ['http', k];
  const read = (key: (typeof tlsKeys)[number], what: string, parse: (pem: Buffer) => void): PemFile | undefined => {
    if (http[key] === undefined) return undefined;
    const rel = c.string(http[key], at(key), `a path to a PEM file, relative to the scenario file, e.g. '${key}: certs/${key}.pem'`);
    if (rel === undefined) return undefined;
    const file = resolve(baseDir, rel);
    const bytes = readUserFile(file);
    if (bytes instanceof FileRefusal) {
      return c.fail(at(key), `cannot read ${what} '${rel}' (${bytes.reason})`, bytes.hint ?? `paths are relative to the scenario file's folder: looked for ${file}`);
    }
    try {
      parse(bytes);
    } catch (err) {
      return c.fail(at(key), `'${rel}' is not a usable ${what}: ${(err as Error).message}`, hintFor(key, err));
    }
    return { file, pem: bytes };
  };
  const ca = read('ca', 'CA certificate', (pem) => new X509Certificate(pem));
  const cert = read('cert', 'client certificate', (pem) => new X509Certificate(pem));
  const key = read('key', 'private key', (pem) => createPrivateKey(pem));
  const problems = c.diagnostics.length;
  if (http.cert !== undefined && http.key === undefined) c.fail(at('cert'), "'cert' needs 'key': the client certificate's private key", "add 'key: path/to/client-key.pem' under 'http:'", true);
  if (http.key !== undefined && http.cert === undefined) c.fail(at('key'), "'key' needs 'cert': the client certificate it belongs to", "add 'cert: path/to/client.pem' under 'http:'", true);
  if (cert && key) {
    try {
      createSecureContext({ cert: cert.pem, key: key.pem });
    } catch (err) {
      c.fail(at('key'), `the key does not belong to the client certificate: ${(err as Error).message}`, "'cert' and 'key' must be one pair (openssl x509 -noout -pubkey -in cert.pem and openssl pkey -pubout -in key.pem print the same key)");
    }
  }
  if (c.diagnostics.length > problems || (http.ca !== undefined && !ca) || (http.cert !== undefined && !cert) || (http.key !== undefined && !key)) return null;
  return { ca, cert, key };
}

function hintFor(key: string, err: unknown): string {
  const message = String((err as Error)?.message ?? '');
  if (key === 'key' && /passphrase/i.test(message)) return 'the key is encrypted: runner reads unencrypted PEM keys (openssl pkey -in key.pem -out plain.pem)';
  return key === 'key' ? "a PEM private key ('-----BEGIN PRIVATE KEY-----')" : "a PEM certificate ('-----BEGIN CERTIFICATE-----')";
}
