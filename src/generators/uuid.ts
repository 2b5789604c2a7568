// Generator `uuid`: RFC 9562 version-4 UUIDs drawn from the seeded rng (reproducible, unlike crypto.randomUUID).
import { checkKeys } from './args.ts';
import type { FieldValue, Generator, GeneratorFactory, Rng } from './types.ts';

/** Byte → two lowercase hex digits, so a draw is 16 lookups and no number formatting. */
const HEX: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function hex32(x: number): string {
  return HEX[x >>> 24] + HEX[(x >>> 16) & 0xff] + HEX[(x >>> 8) & 0xff] + HEX[x & 0xff];
}

/** No size/at: 2^122 values cannot be enumerated by a safe integer (and a v4 collision is not a concern). */
class UuidGenerator implements Generator {
  /** Hex digits and dashes. */
  readonly plainString = true;

  draw(rng: Rng): FieldValue {
    const a = rng.nextU32();
    const b = rng.nextU32();
    const c = rng.nextU32();
    const d = rng.nextU32();
    // Version nibble 4 at the top of byte 6; variant bits 10 at the top of byte 8.
    const version = ((b >>> 16) & 0x0fff) | 0x4000;
    const variant = ((c >>> 16) & 0x3fff) | 0x8000;
    return (
      hex32(a) + '-' +
      HEX[(b >>> 8) & 0xff] + HEX[b & 0xff] + '-' +
      HEX[version >>> 8] + HEX[version & 0xff] + '-' +
      HEX[variant >>> 8] + HEX[variant & 0xff] + '-' +
      HEX[(c >>> 8) & 0xff] + HEX[c & 0xff] + hex32(d)
    );
  }
}

export const uuid: GeneratorFactory = (args) => {
  checkKeys(args, []);
  return new UuidGenerator();
};
