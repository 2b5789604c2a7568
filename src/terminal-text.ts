// Makes text that came from a scenario, a result file or the network safe to print on a terminal: control
// characters (C0, DEL, C1: ESC, CSI, CR, BEL, …) and bidi/line-separator code points become visible escapes, so
// a request name or a server's message cannot recolour, move the cursor, retitle the window, hide text behind a
// carriage return or reorder what the reader sees.

// C0 (incl. \t \n \r), DEL, C1, ALM, LRM/RLM, LRE..RLO, LSEP/PSEP, LRI..PDI.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = { '\t': '\\t', '\n': '\\n', '\r': '\\r', '\x1b': '\\e' };

function escapeOne(c: string): string {
  const named = NAMED[c];
  if (named !== undefined) return named;
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** `text` on one line with every unsafe character escaped (`\e`, `\r`, `\x07`, `\u202e`); safe text is returned as is. */
export function escapeTerminalText(text: string): string {
  return text.replace(UNSAFE, escapeOne);
}
