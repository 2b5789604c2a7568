// Compiles a parsed template once into a render function: static text precomputed, one escape kind per slot.
import type { FieldValue } from '../generators/types.ts';
import type { EscapeMode, RenderFn, ResolvePlaceholder, Template, TemplatePart } from './types.ts';

type Placeholder = Extract<TemplatePart, { kind: 'placeholder' }>;

// Escape kinds as small integers: the render loop switches on them instead of calling through a
// per-slot function, which keeps its call site monomorphic.
const TEXT = 0;
const URL = 1;
const HEADER = 2;
/** json mode, placeholder inside a JSON string literal: the value's characters, escaped, no quotes. */
const JSON_IN_STRING = 3;
/** json mode, placeholder where a JSON value goes: a quoted string or a bare finite number. */
const JSON_VALUE = 4;

/**
 * Builds the render function for `t`. Placeholders that resolve to constants (env vars) are escaped and
 * folded into the static text here; a template with no slots left renders a precomputed string.
 */
export function compileTemplate(t: Template, mode: EscapeMode, resolve: ResolvePlaceholder): RenderFn {
  const inString = mode === 'json' ? jsonStringContexts(t) : undefined;
  const statics: string[] = [''];
  const slots: number[] = [];
  const kinds: number[] = [];
  let p = 0;
  for (const part of t.parts) {
    if (part.kind === 'text') {
      statics[statics.length - 1] += part.text;
      continue;
    }
    const kind = mode === 'json' ? (inString![p] ? JSON_IN_STRING : JSON_VALUE) : mode === 'url' ? URL : mode === 'header' ? HEADER : TEXT;
    p++;
    const ref = resolve(part);
    if ('constant' in ref) {
      statics[statics.length - 1] += escapeValue(kind, ref.constant);
    } else if (ref.plainString === true && (kind === JSON_VALUE || kind === JSON_IN_STRING)) {
      // Written as it is: a JSON value's quotes join the literal text around it, and nothing is scanned.
      const quote = kind === JSON_VALUE ? '"' : '';
      statics[statics.length - 1] += quote;
      slots.push(ref.slot);
      kinds.push(TEXT);
      statics.push(quote);
    } else {
      slots.push(ref.slot);
      kinds.push(kind);
      statics.push('');
    }
  }
  const first = statics[0];
  if (slots.length === 0) return constantRender(first);
  const n = slots.length;
  const slotOf = Int32Array.from(slots);
  const kindOf = Uint8Array.from(kinds);
  return (vars: readonly FieldValue[]): string => {
    let out = first;
    for (let i = 0; i < n; i++) {
      out += escapeValue(kindOf[i], vars[slotOf[i]]);
      out += statics[i + 1];
    }
    return out;
  };
}

/** A render function that always returns `text`, marked as constant. */
export function constantRender(text: string): RenderFn {
  return Object.assign(() => text, { constant: text });
}

/** The placeholders of `t`, in order (repeats included), e.g. to check names before compiling. */
export function placeholdersOf(t: Template): Placeholder[] {
  return t.parts.filter((part): part is Placeholder => part.kind === 'placeholder');
}

/**
 * For each placeholder, whether it sits inside a JSON string literal of the template text: scans the
 * literal text tracking quotes and backslash escapes. A placeholder never opens or closes a string.
 */
function jsonStringContexts(t: Template): boolean[] {
  const out: boolean[] = [];
  let inString = false;
  let escaped = false;
  for (const part of t.parts) {
    if (part.kind === 'placeholder') {
      out.push(inString);
      escaped = false; // the value's first character took the pending backslash, if any
      continue;
    }
    const s = part.text;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (escaped) escaped = false;
      else if (c === 0x5c) escaped = inString;
      else if (c === 0x22) inString = !inString;
    }
  }
  return out;
}

function escapeValue(kind: number, v: FieldValue): string {
  switch (kind) {
    case JSON_IN_STRING:
      return typeof v === 'string' ? jsonChars(v) : String(v);
    case JSON_VALUE:
      if (typeof v === 'string') return needsJsonEscape(v) ? JSON.stringify(v) : '"' + v + '"';
      if (typeof v === 'boolean') return v ? 'true' : 'false';
      // JSON has no NaN/Infinity; generators never make them, so 'null' only guards odd captures.
      return typeof v === 'number' && Number.isFinite(v) ? String(v) : 'null';
    case URL:
      return encodeUrl(typeof v === 'string' ? v : String(v));
    case HEADER:
      return headerSafe(typeof v === 'string' ? v : String(v));
    default:
      return typeof v === 'string' ? v : String(v);
  }
}

/** Quotes, backslashes, C0 controls and any surrogate (lone ones must become \udXXX) need JSON.stringify. */
function needsJsonEscape(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return true;
  }
  return false;
}

/** The inside of a JSON string for `s`; most generated values need no escaping and are returned as is. */
function jsonChars(s: string): string {
  return needsJsonEscape(s) ? JSON.stringify(s).slice(1, -1) : s;
}

function encodeUrl(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    // encodeURIComponent throws on lone surrogates; send U+FFFD as the URL spec's encoders do.
    return encodeURIComponent(wellFormed(s));
  }
}

function wellFormed(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        out += s[i] + s[i + 1];
        i++;
        continue;
      }
    }
    out += c >= 0xd800 && c <= 0xdfff ? '\ufffd' : s[i];
  }
  return out;
}

/** CR and LF become spaces, so a value cannot end the header line and inject another. */
function headerSafe(s: string): string {
  let out = '';
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x0d || c === 0x0a) {
      out += s.slice(from, i) + ' ';
      from = i + 1;
    }
  }
  return from === 0 ? s : out + s.slice(from);
}
