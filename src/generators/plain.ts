// Which drawn strings JSON takes as they are: a generator whose every value is such a string says so
// (`Generator.plainString`), and a JSON template then writes its values without scanning them for escapes.

/** No character JSON must escape: quote, backslash, C0 control, or any surrogate (a lone one needs \udXXX). */
export function isJsonPlain(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || (c >= 0xd800 && c <= 0xdfff)) return false;
  }
  return true;
}
