/**
 * Strict standard base64 (RFC 4648 §4, padded, canonical) decoded straight from the bytes of a
 * message, fused with the mu-law table: the stream's per-frame path uses it on the `payload` of a
 * mu-law media message read from the socket's Buffer, so the payload never becomes a string and
 * its bytes are walked once. (An L16 payload, four times longer, goes faster through Node's
 * native decoder, string and all: see `frame-codec.ts`.)
 *
 * The rules are those of `base64.ts` (`decodeBase64Into`): a length that is a multiple of 4, at
 * most two `=` and only at the end, the standard alphabet only (no `-`, `_`, whitespace or byte
 * above 0x7f), and zero bits after the last byte. {@link base64Length} checks the shape, the
 * decoders the characters, so that a caller refuses exactly what `decodeBase64Into` refuses.
 */

import { EQUALS, paddedByteLength, SEXTET } from './base64.js';

/**
 * The number of bytes `data[start … end)` decodes to, or -1 when its shape is not strict base64:
 * a length that is not a multiple of 4, or a last character before the padding that is outside
 * the alphabet or has unused low bits set. The other characters are checked by the decoder,
 * which must be called next.
 */
export function base64Length(data: Uint8Array, start: number, end: number): number {
  const length = end - start;
  if ((length & 3) !== 0) return -1;
  if (length === 0) return 0;
  let padding = 0;
  if (data[end - 1] === EQUALS) padding = data[end - 2] === EQUALS ? 2 : 1;
  return paddedByteLength(length, padding, SEXTET[data[end - 1 - padding]!]!);
}

/**
 * The 24 bits of the group of `chars` characters (4, or 2-3 before the padding, which counts as
 * zero bits) at `data[p]`: negative when one of them is outside the alphabet, since a sextet of
 * -1 sets every bit above its place.
 */
function group(data: Uint8Array, p: number, chars: number): number {
  const v = (SEXTET[data[p]!]! << 18) | (SEXTET[data[p + 1]!]! << 12);
  if (chars === 2) return v;
  const c = SEXTET[data[p + 2]!]! << 6;
  return chars === 3 ? v | c : v | c | SEXTET[data[p + 3]!]!;
}

/**
 * Decodes the strict base64 `data[start …)` of `byteLength` bytes (from {@link base64Length})
 * through `table` (the PCM value of each wire byte) into `out[at …]`, one sample per byte.
 * Returns false when a character is outside the alphabet (a `=` in the middle included); `out`
 * may then hold part of the samples.
 */
export function decodeBase64Table(
  data: Uint8Array,
  start: number,
  byteLength: number,
  table: Int16Array,
  out: Int16Array,
  at: number,
): boolean {
  const whole = Math.floor(byteLength / 3);
  let bad = 0;
  let o = at;
  for (let p = start, end = start + whole * 4; p < end; p += 4, o += 3) {
    const v = group(data, p, 4);
    bad |= v;
    out[o] = table[(v >> 16) & 0xff]!;
    out[o + 1] = table[(v >> 8) & 0xff]!;
    out[o + 2] = table[v & 0xff]!;
  }
  const rest = byteLength - whole * 3; // the padded group's bytes: 0, 1 or 2
  if (rest > 0) {
    const v = group(data, start + whole * 4, rest + 1);
    bad |= v;
    out[o] = table[(v >> 16) & 0xff]!;
    if (rest === 2) out[o + 1] = table[(v >> 8) & 0xff]!;
  }
  return bad >= 0;
}
