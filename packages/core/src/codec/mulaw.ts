/**
 * ITU-T G.711 mu-law, table driven. Decoding is one lookup per sample in a 256-entry table;
 * encoding is one lookup in a 16 K-entry table indexed by the top 14 bits of the sample.
 *
 * The encoder reproduces the ITU-T G.191 reference `ulaw_compress` bit for bit: that routine
 * only looks at `x >> 2` (the sign included, since `~x >> 2 === ~(x >> 2)`), so a table over
 * every 14-bit value is exact. Silence is `0xFF`; `0x7F` ("negative zero") also decodes to 0.
 */

import { checkLength } from './check-length.js';

/** Decoded value of every mu-law byte, on the 16-bit scale (-32124 … 32124). Read only. */
export const MULAW_TO_PCM = new Int16Array(256);
const DECODE = MULAW_TO_PCM;
/** mu-law byte of every 14-bit value `(x >> 2) & 0x3fff`. */
const ENCODE = new Uint8Array(1 << 14);

for (let code = 0; code < 256; code++) {
  // G.711: bits are inverted on the wire; sign(1) exponent(3) mantissa(4), bias 33 << 2 = 0x84.
  const u = ~code & 0xff;
  const magnitude = (((u & 0x0f) << 3) + 0x84) << ((u >> 4) & 0x07);
  DECODE[code] = u & 0x80 ? 0x84 - magnitude : magnitude - 0x84;
}

for (let i = 0; i < 1 << 14; i++) {
  const x14 = (i << 18) >> 18; // the signed 14-bit value this index stands for
  // ITU-T G.191 ulaw_compress, on x14 = x >> 2 (one's complement magnitude for negatives).
  let absno = (x14 < 0 ? ~x14 : x14) + 33;
  if (absno > 0x1fff) absno = 0x1fff;
  let segno = 1;
  for (let s = absno >> 6; s !== 0; s >>= 1) segno++;
  const highNibble = 8 - segno;
  const lowNibble = 0x0f - ((absno >> segno) & 0x0f);
  ENCODE[i] = (highNibble << 4) | lowNibble | (x14 >= 0 ? 0x80 : 0);
}

/**
 * Decodes `length` mu-law bytes (default: all of `bytes`) into `out[0 … length)`, with no
 * allocation: the per-frame variant of {@link decodeMulaw}.
 *
 * @throws RangeError when `length` exceeds `bytes` or `out`.
 * @example
 * const pcm = new Int16Array(160);
 * decodeMulawInto(payloadBytes, pcm);
 */
export function decodeMulawInto(bytes: Uint8Array, out: Int16Array, length = bytes.length): void {
  checkLength(length, bytes.length, out.length);
  for (let i = 0; i < length; i++) out[i] = DECODE[bytes[i]!]!;
}

/**
 * Encodes `length` samples (default: all of `pcm`) into `out[0 … length)` as mu-law, with no
 * allocation: the per-frame variant of {@link encodeMulaw}.
 *
 * @throws RangeError when `length` exceeds `pcm` or `out`.
 * @example
 * const wire = new Uint8Array(160);
 * encodeMulawInto(pcm, wire);
 */
export function encodeMulawInto(pcm: Int16Array, out: Uint8Array, length = pcm.length): void {
  checkLength(length, pcm.length, out.length);
  for (let i = 0; i < length; i++) out[i] = ENCODE[(pcm[i]! >> 2) & 0x3fff]!;
}

/**
 * Decodes G.711 mu-law bytes to 16-bit PCM (one sample per byte).
 *
 * @example
 * decodeMulaw(Uint8Array.of(0x00, 0x7f, 0x80, 0xff)); // Int16Array [-32124, 0, 32124, 0]
 */
export function decodeMulaw(bytes: Uint8Array): Int16Array {
  const out = new Int16Array(bytes.length);
  decodeMulawInto(bytes, out);
  return out;
}

/**
 * Encodes 16-bit PCM to G.711 mu-law bytes, exactly as the ITU-T G.191 reference encoder does.
 *
 * @example
 * encodeMulaw(Int16Array.of(0, 32767, -32768)); // Uint8Array [0xff, 0x80, 0x00]
 */
export function encodeMulaw(pcm: Int16Array): Uint8Array {
  const out = new Uint8Array(pcm.length);
  encodeMulawInto(pcm, out);
  return out;
}
