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

/** Headers undici refuses whatever their value, with why; runner also refuses content-length (it sets that itself). */
const refusedHeaders: Readonly<Record<string, string>> = {
  'transfer-encoding': 'undici frames the body itself and refuses a transfer-encoding header',
  'keep-alive': 'undici manages keep-alive itself and refuses a keep-alive header',
  upgrade: 'undici refuses an upgrade header on an ordinary request',
  expect: "undici does not support 'expect' (100-continue)",
  'content-length': 'runner sets content-length from the body; a given one would not match a rendered body',
};

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
  if (name.toLowerCase() === 'connection') {
    for (const token of value.split(',')) {
      if (!TOKEN.test(token.trim())) return `invalid connection header: '${token.trim()}' is not a token`;
    }
  }
  return undefined;
}

/** The first reason undici would refuse this request, or undefined. `headers` flat: [name, value, …]. */
export function requestProblem(method: string, path: string, headers: readonly string[]): string | undefined {
  const m = methodProblem(method);
  if (m) return m;
  const p = pathProblem(path);
  if (p) return p;
  let hosts = 0;
  for (let i = 0; i < headers.length; i += 2) {
    const name = headers[i];
    const problem = headerNameProblem(name) ?? headerValueProblem(name, headers[i + 1]);
    if (problem) return problem;
    if (name.length === 4 && name.toLowerCase() === 'host' && ++hosts > 1) return 'duplicate host header';
  }
  return undefined;
}
