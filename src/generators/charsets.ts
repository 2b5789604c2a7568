// The named character sets `string` and `email` draw from.

const lower = 'abcdefghijklmnopqrstuvwxyz';
const upper = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const digits = '0123456789';

/** Name → characters, in the order `at` enumerates them. `alpha` is the seed program's `letterBytes_id`. */
export const charsets = {
  alpha: lower + upper,
  alnum: lower + upper + digits,
  lower,
  upper,
  digits,
  hex: '0123456789abcdef',
} as const satisfies Record<string, string>;

export type CharsetName = keyof typeof charsets;

export const charsetNames = Object.keys(charsets) as CharsetName[];

export function isCharsetName(name: string): name is CharsetName {
  return Object.hasOwn(charsets, name);
}
