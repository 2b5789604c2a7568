// Compiles `form:` and `multipart:` bodies into body functions built once: static bytes precomputed, each value
// a compiled template. Form values are percent-encoded (the literal text too); multipart parts are framed by a
// boundary fixed per request.
import { UserError, type Location } from '../errors.ts';
import { hashString, mix32 } from '../generators/rng.ts';
import type { FieldValue } from '../generators/types.ts';
import type { BodySpec } from '../scenario/model.ts';
import { compileTemplate } from '../template/compile.ts';
import { parseTemplate } from '../template/parse.ts';
import type { RenderFn, ResolvePlaceholder, Template } from '../template/types.ts';

export interface CompiledBody {
  /** Text bodies (form). */
  render?: RenderFn;
  /** Byte bodies (multipart). */
  bytes?: (vars: readonly FieldValue[]) => Uint8Array;
  contentType: string;
}

type FormBody = Extract<BodySpec, { kind: 'form' | 'multipart' }>;

export function compileFormBody(body: FormBody, key: string, resolve: ResolvePlaceholder, fallback: Location): CompiledBody {
  return body.kind === 'form' ? compileUrlEncoded(body, resolve, fallback) : compileMultipart(body, key, resolve, fallback);
}

/** `a=1&b=x%20y`: names and literal text encoded once here, placeholder values when rendered. */
function compileUrlEncoded(body: Extract<BodySpec, { kind: 'form' }>, resolve: ResolvePlaceholder, fallback: Location): CompiledBody {
  const parts: Template['parts'] = [];
  body.fields.forEach((f, i) => {
    parts.push({ kind: 'text', text: `${i > 0 ? '&' : ''}${encodeFormComponent(f.name)}=` });
    for (const part of parseTemplate(f.value, f.location ?? fallback).parts) {
      parts.push(part.kind === 'text' ? { kind: 'text', text: encodeFormComponent(part.text) } : part);
    }
  });
  // 'url' mode percent-encodes each substituted value, as encodeFormComponent does the literal text.
  return { render: compileTemplate({ parts }, 'url', resolve), contentType: 'application/x-www-form-urlencoded' };
}

function isPaired(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  if (c <= 0xdbff) return i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
  return i > 0 && (s.charCodeAt(i - 1) & 0xfc00) === 0xd800;
}

/** encodeURIComponent, with a space as %20 (servers decode both %20 and +). A lone surrogate becomes U+FFFD. */
function encodeFormComponent(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    // A lone surrogate: sent as U+FFFD, as the URL spec's encoders do.
    return encodeURIComponent(s.replace(/[\ud800-\udfff]/g, (c, i: number) => (isPaired(s, i) ? c : '\ufffd')));
  }
}

/**
 * RFC 7578 multipart/form-data. The boundary is fixed per request (from its name and file), so `--seed`
 * replays byte-identical bodies; it is long and random-looking enough not to occur in a value by chance.
 */
function compileMultipart(body: Extract<BodySpec, { kind: 'multipart' }>, key: string, resolve: ResolvePlaceholder, fallback: Location): CompiledBody {
  const h = hashString(key);
  const boundary = `----runner${h.toString(16).padStart(8, '0')}${mix32(h ^ 0x5bd1e995).toString(16).padStart(8, '0')}`;
  const CRLF = '\r\n';
  // Static byte runs and rendered values, in order: a value is rendered per request and UTF-8 encoded.
  const pieces: (Buffer | ((vars: readonly FieldValue[]) => string))[] = [];
  let pending = '';
  const flush = () => {
    if (pending !== '') pieces.push(Buffer.from(pending));
    pending = '';
  };
  for (const p of body.parts) {
    pending += `--${boundary}${CRLF}Content-Disposition: form-data; name="${quoteParam(p.name)}"`;
    if (p.kind === 'file') {
      pending += `; filename="${quoteParam(p.filename)}"${CRLF}Content-Type: ${p.contentType}${CRLF}${CRLF}`;
      flush();
      pieces.push(Buffer.from(p.bytes.buffer, p.bytes.byteOffset, p.bytes.byteLength));
      pending += CRLF;
      continue;
    }
    pending += `${CRLF}${CRLF}`;
    const render = compileTemplate(parseTemplate(p.value, p.location ?? fallback), 'text', resolve);
    if (render.constant !== undefined) pending += render.constant;
    else {
      flush();
      pieces.push(render);
    }
    pending += CRLF;
  }
  pending += `--${boundary}--${CRLF}`;
  flush();
  const statics = pieces.every((p) => Buffer.isBuffer(p));
  if (statics) {
    const whole = Buffer.concat(pieces as Buffer[]);
    return { bytes: () => whole, contentType: `multipart/form-data; boundary=${boundary}` };
  }
  const bytes = (vars: readonly FieldValue[]): Uint8Array => Buffer.concat(pieces.map((p) => (Buffer.isBuffer(p) ? p : Buffer.from(p(vars)))));
  return { bytes, contentType: `multipart/form-data; boundary=${boundary}` };
}

/** A name or filename inside a quoted header parameter: `"` and line breaks percent-encoded, as browsers do. */
function quoteParam(s: string): string {
  return s.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A `content-type` header given with `multipart:` would lose the boundary. */
export function multipartContentTypeError(at: Location): UserError {
  return new UserError({ message: "a 'multipart' body sets its own content-type (with the boundary)", location: at, hint: 'remove the Content-Type header from this request (or from the file-wide headers)' });
}
