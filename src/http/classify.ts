// Maps a failed request's error to an ErrorKind: by `code`, then `name`; never by message text.
import type { ErrorKind } from '../errors.ts';

/** runner's own error codes, for deadlines and aborts it enforces itself. */
export const RUNNER_TIMEOUT = 'RUNNER_TIMEOUT';
export const RUNNER_CONNECT_TIMEOUT = 'RUNNER_CONNECT_TIMEOUT';
export const RUNNER_ABORTED = 'RUNNER_ABORTED';
/** A request undici would refuse to send (bad header value, path, method): failed before it reached the pool. */
export const RUNNER_INVALID_REQUEST = 'RUNNER_INVALID_REQUEST';
/** A pipelined request whose socket closed before its response, which undici would silently write again. */
export const RUNNER_RESENT = 'RUNNER_RESENT';
/** A redirect that cannot be followed: back to a URL already visited, or to another origin. */
export const RUNNER_BAD_REDIRECT = 'RUNNER_BAD_REDIRECT';

const byCode: Record<string, ErrorKind> = {
  ECONNREFUSED: 'refused',
  UND_ERR_CONNECT_TIMEOUT: 'connect_timeout',
  [RUNNER_CONNECT_TIMEOUT]: 'connect_timeout',
  // The kernel gave up on the connect (SYN unanswered); on an established socket see classifyError.
  ETIMEDOUT: 'connect_timeout',
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
  UND_ERR_BODY_TIMEOUT: 'timeout',
  [RUNNER_TIMEOUT]: 'timeout',
  ECONNRESET: 'reset',
  // Writing to a socket the peer closed; ECONNABORTED: the connection was aborted locally (a TCP error).
  EPIPE: 'reset',
  ECONNABORTED: 'reset',
  // No route: ICMP host/network unreachable, or a network that is down.
  EHOSTUNREACH: 'unreachable',
  ENETUNREACH: 'unreachable',
  EHOSTDOWN: 'unreachable',
  ENETDOWN: 'unreachable',
  // connect() found no free local (ephemeral) port; EADDRINUSE is the same when a local address is bound first.
  EADDRNOTAVAIL: 'ports_exhausted',
  EADDRINUSE: 'ports_exhausted',
  UND_ERR_SOCKET: 'closed',
  [RUNNER_RESENT]: 'closed',
  // The pool was closed or destroyed by runner (the run ending) while the request waited or was sent:
  // runner's doing, as an abort is; 'closed' is the server closing the socket.
  UND_ERR_CLOSED: 'aborted',
  UND_ERR_DESTROYED: 'aborted',
  UND_ERR_ABORT: 'aborted',
  ENOTFOUND: 'dns',
  EAI_AGAIN: 'dns',
  EAI_NONAME: 'dns',
  EAI_FAIL: 'dns',
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: 'protocol',
  UND_ERR_REQ_CONTENT_LENGTH_MISMATCH: 'protocol',
  UND_ERR_HEADERS_OVERFLOW: 'protocol',
  UND_ERR_RES_EXCEEDED_MAX_SIZE: 'protocol',
  UND_ERR_INFO: 'protocol',
  HPE_INVALID_CONSTANT: 'protocol',
  // undici asserts on response shapes its parser lets through but it cannot handle, e.g. a 101 without an
  // Upgrade header (client-h1.js onUpgrade): a protocol fault of the server, not a runner bug.
  ERR_ASSERTION: 'protocol',
  // Out of file descriptors (per process, per system): runner's limit, not the target's fault.
  EMFILE: 'fd_limit',
  ENFILE: 'fd_limit',
  UND_ERR_ABORTED: 'aborted',
  ABORT_ERR: 'aborted',
  [RUNNER_ABORTED]: 'aborted',
  // Too many redirects is the server's doing, seen as a protocol fault.
  UND_ERR_REDIRECT: 'protocol',
  [RUNNER_BAD_REDIRECT]: 'protocol',
  // A Location header that is not a URL ('//x y'): runner parses no URL per request, only the redirect
  // interceptor does, so this is the server's doing.
  ERR_INVALID_URL: 'protocol',
  [RUNNER_INVALID_REQUEST]: 'invalid_request',
  // undici's own argument checks (a header or option it refuses) and what it does not support: not sent.
  UND_ERR_INVALID_ARG: 'invalid_request',
  UND_ERR_NOT_SUPPORTED: 'invalid_request',
  UND_ERR_PRX_TLS: 'tls',
  // HTTP/2 (http.version: 2): the server reset the stream or ended the session under the request (RST_STREAM,
  // GOAWAY) — its doing, as a TCP reset is. Other ERR_HTTP2_ codes are protocol faults (see classifyError).
  ERR_HTTP2_STREAM_ERROR: 'reset',
  ERR_HTTP2_SESSION_ERROR: 'reset',
  ERR_HTTP2_GOAWAY_SESSION: 'reset',
  ERR_HTTP2_STREAM_CANCEL: 'reset',
};

const tlsCodes = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_TLS_HANDSHAKE_TIMEOUT',
]);

/**
 * undici reports a response it cannot take as UND_ERR_SOCKET, the code of a socket closed under a request, and
 * tells them apart only by message (client-h1.js onHeadersComplete): an unsolicited 101 Switching Protocols
 * ('bad upgrade') and a 100 Continue to a request that sent no Expect ('bad response'). The server broke the
 * protocol there; nothing closed. These exact messages are the one place runner reads message text.
 */
const socketMessages: Readonly<Record<string, ErrorKind>> = {
  'bad upgrade': 'protocol',
  'bad response': 'protocol',
};

export function classifyError(err: unknown): ErrorKind {
  const e = err as { code?: unknown; name?: unknown; cause?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : undefined;
  if (code === 'UND_ERR_SOCKET' && typeof e?.message === 'string') {
    const kind = socketMessages[e.message];
    if (kind) return kind;
  }
  // ETIMEDOUT on an established socket (`read ETIMEDOUT`: TCP retransmissions or keep-alive probes gave up)
  // is the request timing out, not the connect.
  if (code === 'ETIMEDOUT' && typeof (e as { syscall?: unknown }).syscall === 'string' && (e as { syscall: string }).syscall !== 'connect') return 'timeout';
  if (code !== undefined) {
    const kind = byCode[code];
    if (kind) return kind;
    if (tlsCodes.has(code) || code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_') || code.startsWith('CERT_')) return 'tls';
    if (code.startsWith('HPE_')) return 'protocol';
    if (code.startsWith('ERR_HTTP2_')) return 'protocol';
  }
  const name = typeof e?.name === 'string' ? e.name : '';
  if (name === 'HTTPParserError') return 'protocol';
  if (name === 'AbortError') return 'aborted';
  if (e?.cause && e.cause !== err) return classifyError(e.cause);
  // net.connect with autoSelectFamily (happy eyeballs) fails with an AggregateError of one error per address.
  const errors = (e as { errors?: unknown } | null)?.errors;
  if (Array.isArray(errors) && errors.length > 0) return classifyError(errors[0]);
  return 'other';
}

/** An error carrying one of runner's own codes. */
export class RunnerRequestError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'RunnerRequestError';
  }
}
