// Request bodies as k6 sends them: a string as is, bytes as is, an object as a form — urlencoded, or
// multipart/form-data when one of its values is an http.file().
import { randomBytes } from 'node:crypto';

/** What http.file() returns. */
export interface K6File {
  __k6file: true;
  data: string | ArrayBuffer | Uint8Array;
  filename: string;
  content_type: string;
}

export function createFile(data: string | ArrayBuffer | Uint8Array, filename?: string, contentType?: string): K6File {
  return { __k6file: true, data, filename: filename ?? `file-${Date.now()}`, content_type: contentType ?? 'application/octet-stream' };
}

function isFile(v: unknown): v is K6File {
  return typeof v === 'object' && v !== null && (v as K6File).__k6file === true;
}

function bytesOf(data: string | ArrayBuffer | Uint8Array): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data);
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

export interface EncodedBody {
  body: string | Uint8Array | undefined;
  /** The content type the body needs, when the request's headers do not set one. */
  contentType?: string;
  /** The body as text for `res.request.body`. */
  text: string;
}

/** k6 (Go's url.Values.Encode) writes form keys sorted, a list as the key repeated. */
function formEncode(obj: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const key of Object.keys(obj).sort()) {
    const v = obj[key];
    const list = Array.isArray(v) ? v : [v];
    for (const item of list) parts.push(`${formEscape(key)}=${formEscape(item === null || item === undefined ? '' : String(item))}`);
  }
  return parts.join('&');
}

/** Go's url.QueryEscape: space as '+', everything but unreserved characters percent-encoded. */
function formEscape(s: string): string {
  return encodeURIComponent(s).replace(/%20/g, '+').replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

export function encodeBody(body: unknown): EncodedBody {
  if (body === undefined || body === null) return { body: undefined, text: '' };
  if (typeof body === 'string') return { body, text: body };
  if (body instanceof ArrayBuffer || ArrayBuffer.isView(body)) {
    const bytes = body instanceof ArrayBuffer ? new Uint8Array(body) : new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
    return { body: bytes, text: Buffer.from(bytes).toString('utf8') };
  }
  if (typeof body === 'object') {
    const obj = body as Record<string, unknown>;
    if (Object.values(obj).some(isFile)) return multipart(obj);
    const text = formEncode(obj);
    return { body: text, contentType: 'application/x-www-form-urlencoded', text };
  }
  const text = String(body);
  return { body: text, text };
}

function multipart(obj: Record<string, unknown>): EncodedBody {
  const boundary = randomBytes(30).toString('hex');
  const chunks: Buffer[] = [];
  for (const key of Object.keys(obj).sort()) {
    const v = obj[key];
    if (isFile(v)) {
      chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${escapeQuotes(key)}"; filename="${escapeQuotes(v.filename)}"\r\nContent-Type: ${v.content_type}\r\n\r\n`));
      chunks.push(bytesOf(v.data), Buffer.from('\r\n'));
    } else {
      for (const item of Array.isArray(v) ? v : [v]) {
        chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${escapeQuotes(key)}"\r\n\r\n${item === null || item === undefined ? '' : String(item)}\r\n`));
      }
    }
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  const bytes = Buffer.concat(chunks);
  return { body: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), contentType: `multipart/form-data; boundary=${boundary}`, text: bytes.toString('utf8') };
}

function escapeQuotes(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}
