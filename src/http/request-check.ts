// The request checks undici makes when a request is dispatched (lib/core/request.js, undici 7), made before
// dispatch instead. undici reports a refused request to its handler but also tells its Pool "busy": the Pool
// then waits for a drain that never comes, and once every connection slot was handed a refused request every
// later request waits forever, to a healthy server (reproduced with undici alone). So runner never dispatches
// a request that undici would refuse: `validate` refuses static values at their position, and at run time the
// request fails as `invalid_request` without reaching the pool.

/** An HTTP token (RFC 9110 §5.6.2): method and header names. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** A character not allowed in a header value: controls other than tab, DEL, and anything past Latin-1. */
const BAD_VALUE_CHAR = /[^\t\x20-\x7e\x80-\xff]/;
/** A character undici refuses in a path: controls, space, and anything past Latin-1 (percent-encode them). */
const BAD_PATH_CHAR = /[^\u0021-\u00ff]/;

/** Headers undici refuses whatever their value, with why. */
const refusedHeaders: Readonly<Record<string, string>> = {
  'transfer-encoding': 'undici frames the body itself and refuses a transfer-encoding header',
  'keep-alive': 'undici manages keep-alive itself and refuses a keep-alive header',
  upgrade: 'undici refuses an upgrade header on an ordinary request',
  expect: "undici does not support 'expect' (100-continue)",
};

/**
 * Why a scenario file may not set this header, or undefined: what undici refuses, and content-length, which
 * runner sets from the body (a fixed one would not match a body rendered with fields).
 */
export function staticHeaderNameProblem(name: string): string | undefined {
  if (name.toLowerCase() === 'content-length') return "header 'content-length' is refused: runner sets it from the body, and a fixed one would not match a rendered body";
  return headerNameProblem(name);
}

/** Describes a character for a message: `'\r' (U+000D)`. */
function describeChar(text: string, index: number): string {
  const code = text.codePointAt(index) ?? 0;
  const char = String.fromCodePoint(code);
  // Only letters, digits and ASCII punctuation are shown as themselves: never a control or bidi character.
  if (code === 0x20) return 'a space';
  const shown = code === 13 ? '\\r' : code === 10 ? '\\n' : (code > 0x20 && code < 0x7f) || /^[\p{L}\p{N}]$/u.test(char) ? char : '';
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  return shown === '' ? hex : `'${shown}' (${hex})`;
}

/** Why a method would be refused, or undefined. */
export function methodProblem(method: string): string | undefined {
  return TOKEN.test(method) ? undefined : `invalid method '${method}': a method is letters, digits and !#$%&'*+-.^_\`|~`;
}

/** Why a path (or absolute URL) would be refused, or undefined. Does not print the path: it may hold a secret. */
export function pathProblem(path: string): string | undefined {
  if (path[0] !== '/' && !path.startsWith('http://') && !path.startsWith('https://')) return 'invalid path: it must start with / or be an http(s) URL';
  const m = BAD_PATH_CHAR.exec(path);
  if (m) return `invalid path: ${describeChar(path, m.index)} at character ${m.index + 1}; percent-encode it`;
  return undefined;
}

/** Why a header name would be refused whatever its value, or undefined. `name` in any case. */
export function headerNameProblem(name: string): string | undefined {
  const lower = name.toLowerCase();
  if (!TOKEN.test(lower)) return `invalid header name '${name}'`;
  const why = refusedHeaders[lower];
  return why === undefined ? undefined : `header '${lower}' is refused: ${why}`;
}

/** Why a header value would be refused, or undefined. Names the header and the character, never the value (a secret). */
export function headerValueProblem(name: string, value: string): string | undefined {
  const m = BAD_VALUE_CHAR.exec(value);
  if (m) {
    const code = value.codePointAt(m.index) ?? 0;
    const what = code > 0xff ? 'a character outside Latin-1' : 'a control character';
    return `invalid ${name} header: ${what}, ${describeChar(value, m.index)}, at character ${m.index + 1} of its value`;
  }
  if (name.length === 10 && name.toLowerCase() === 'connection') {
    for (const token of value.split(',')) {
      if (!TOKEN.test(token.trim())) return `invalid connection header: '${token.trim()}' is not a token`;
    }
  }
  return undefined;
}

/** Lengths of the header names that need a closer look: host, expect, upgrade, keep-alive/connection, transfer-encoding. */
const SPECIAL_NAME_LENGTHS = new Set([4, 6, 7, 10, 17]);

/**
 * The first reason undici would refuse this request, or undefined. `headers` flat: [name, value, …].
 * Runs per request: a regex test per value and name, a closer look only at names of a special length.
 */
export function requestProblem(method: string, path: string, headers: readonly string[]): string | undefined {
  if (!TOKEN.test(method)) return methodProblem(method);
  if (BAD_PATH_CHAR.test(path) || (path[0] !== '/' && !path.startsWith('http://') && !path.startsWith('https://'))) return pathProblem(path);
  let hosts = 0;
  for (let i = 0; i < headers.length; i += 2) {
    const name = headers[i];
    const value = headers[i + 1];
    if (!TOKEN.test(name) || BAD_VALUE_CHAR.test(value)) return headerNameProblem(name) ?? headerValueProblem(name, value);
    if (!SPECIAL_NAME_LENGTHS.has(name.length)) continue;
    const lower = name.toLowerCase();
    if (lower === 'host' && ++hosts > 1) return 'duplicate host header';
    const problem = headerNameProblem(lower) ?? (lower === 'connection' ? headerValueProblem(lower, value) : undefined);
    if (problem) return problem;
  }
  return undefined;
}
