/**
 * ITU-T G.711 A-law, table driven like `mulaw.ts`. The ITU-T G.191 reference
 * `alaw_compress` only looks at `x >> 4` (sign included, as `~x >> 4 === ~(x >> 4)`), so the
 * encoder is a 4 K-entry table over every 12-bit value and matches the reference bit for bit.
 * A-law has no code for 0: the smallest levels are ±8 (`0xD5` / `0x55`); silence is `0xD5`.
 */

import { checkLength } from './check-length.js';

/** Decoded value of every A-law byte, on the 16-bit scale (-32256 … 32256). */
const DECODE = new Int16Array(256);
/** A-law byte of every 12-bit value `(x >> 4) & 0xfff`. */
const ENCODE = new Uint8Array(1 << 12);

for (let code = 0; code < 256; code++) {
  // G.711: even bits are inverted on the wire (xor 0x55); sign(1) exponent(3) mantissa(4).
  const ix = (code ^ 0x55) & 0x7f;
  const exponent = ix >> 4;
  let mantissa = ix & 0x0f;
  if (exponent > 0) mantissa += 16; // the implicit leading 1 of segments 1-7
  mantissa = (mantissa << 4) + 8; // the middle of the quantization step
  if (exponent > 1) mantissa <<= exponent - 1;
  DECODE[code] = code & 0x80 ? mantissa : -mantissa;
}

for (let i = 0; i < 1 << 12; i++) {
  const x12 = (i << 20) >> 20; // the signed 12-bit value this index stands for
  // ITU-T G.191 alaw_compress, on x12 = x >> 4 (one's complement magnitude for negatives).
  let ix = x12 < 0 ? ~x12 : x12;
  if (ix > 15) {
    let exponent = 1;
    while (ix > 16 + 15) {
      ix >>= 1;
      exponent++;
    }
    ix = ix - 16 + (exponent << 4);
  }
  if (x12 >= 0) ix |= 0x80;
  ENCODE[i] = ix ^ 0x55;
}

/**
 * Decodes `length` A-law bytes (default: all of `bytes`) into `out[0 … length)`, with no
 * allocation: the per-frame variant of {@link decodeAlaw}.
 *
 * @throws RangeError when `length` exceeds `bytes` or `out`.
 * @example
 * const pcm = new Int16Array(160);
 * decodeAlawInto(payloadBytes, pcm);
 */
export function decodeAlawInto(bytes: Uint8Array, out: Int16Array, length = bytes.length): void {
  checkLength(length, bytes.length, out.length);
  for (let i = 0; i < length; i++) out[i] = DECODE[bytes[i]!]!;
}

/**
 * Encodes `length` samples (default: all of `pcm`) into `out[0 … length)` as A-law, with no
 * allocation: the per-frame variant of {@link encodeAlaw}.
 *
 * @throws RangeError when `length` exceeds `pcm` or `out`.
 * @example
 * const wire = new Uint8Array(160);
 * encodeAlawInto(pcm, wire);
 */
export function encodeAlawInto(pcm: Int16Array, out: Uint8Array, length = pcm.length): void {
  checkLength(length, pcm.length, out.length);
  for (let i = 0; i < length; i++) out[i] = ENCODE[(pcm[i]! >> 4) & 0xfff]!;
}

/**
 * Decodes G.711 A-law bytes to 16-bit PCM (one sample per byte).
 *
 * @example
 * decodeAlaw(Uint8Array.of(0x55, 0xd5, 0x2a, 0xaa)); // Int16Array [-8, 8, -32256, 32256]
 */
export function decodeAlaw(bytes: Uint8Array): Int16Array {
  const out = new Int16Array(bytes.length);
  decodeAlawInto(bytes, out);
  return out;
}

/**
 * Encodes 16-bit PCM to G.711 A-law bytes, exactly as the ITU-T G.191 reference encoder does.
 *
 * @example
 * encodeAlaw(Int16Array.of(0, 32767, -32768)); // Uint8Array [0xd5, 0xaa, 0x2a]
 */
export function encodeAlaw(pcm: Int16Array): Uint8Array {
  const out = new Uint8Array(pcm.length);
  encodeAlawInto(pcm, out);
  return out;
}
