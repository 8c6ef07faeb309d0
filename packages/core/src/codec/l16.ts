/**
 * L16 as the Plivo protocol sends it: signed 16-bit **little-endian** mono PCM (not the RFC 2586
 * network order). Input bytes may sit at any byte offset (a `Buffer` slice often does), so a
 * plain `Int16Array` view is only taken when the host is little-endian and the offset is even;
 * otherwise the bytes are assembled one by one.
 */

import { CallstreamError } from '../errors.js';
import { checkLength } from './check-length.js';

/** True on little-endian hosts, where L16 bytes are already the in-memory Int16 layout. */
export const HOST_IS_LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

function checkEven(byteLength: number): void {
  if (byteLength % 2 !== 0) {
    throw new CallstreamError(
      'ERR_ODD_LENGTH',
      `L16 audio must have an even number of bytes, got ${byteLength}`,
    );
  }
}

/**
 * Decodes the first `byteLength` bytes of `bytes` (default: all) into `out[0 … byteLength / 2)`
 * with no copy of the input: the per-frame variant of {@link decodeL16}.
 *
 * @throws CallstreamError `ERR_ODD_LENGTH` when `byteLength` is odd; RangeError when it exceeds
 * `bytes` or `out`.
 * @example
 * const pcm = new Int16Array(320);
 * decodeL16Into(payloadBytes, pcm); // 640 bytes of L16 16 kHz
 */
export function decodeL16Into(bytes: Uint8Array, out: Int16Array, byteLength = bytes.length): void {
  checkEven(byteLength);
  const samples = byteLength >> 1;
  checkLength(samples, bytes.length >> 1, out.length);
  if (HOST_IS_LITTLE_ENDIAN && (bytes.byteOffset & 1) === 0) {
    // A memcpy through a view beats the byte loop from about 16 samples on.
    out.set(new Int16Array(bytes.buffer, bytes.byteOffset, samples));
    return;
  }
  // Storing into an Int16Array wraps modulo 2^16, which is exactly the sign extension needed.
  for (let i = 0, j = 0; i < samples; i++, j += 2) out[i] = bytes[j]! | (bytes[j + 1]! << 8);
}

/**
 * Encodes `length` samples (default: all of `pcm`) into `out[0 … 2 * length)` as L16
 * little-endian, with no allocation: the per-frame variant of {@link encodeL16}.
 *
 * @throws RangeError when `length` exceeds `pcm` or half of `out`.
 * @example
 * const wire = new Uint8Array(640);
 * encodeL16Into(pcm, wire); // 320 samples of 16 kHz PCM
 */
export function encodeL16Into(pcm: Int16Array, out: Uint8Array, length = pcm.length): void {
  checkLength(length, pcm.length, out.length >> 1);
  if (HOST_IS_LITTLE_ENDIAN && (out.byteOffset & 1) === 0) {
    const source = length === pcm.length ? pcm : pcm.subarray(0, length);
    new Int16Array(out.buffer, out.byteOffset, length).set(source);
    return;
  }
  for (let i = 0, j = 0; i < length; i++, j += 2) {
    const v = pcm[i]!;
    out[j] = v; // Uint8Array stores keep the low 8 bits
    out[j + 1] = v >> 8;
  }
}

/**
 * Decodes L16 (signed 16-bit little-endian) bytes to PCM. Works on views at any byte offset.
 *
 * @throws CallstreamError `ERR_ODD_LENGTH` when the byte count is odd.
 * @example
 * decodeL16(Buffer.from('AAABAP//AAEA//9/AIA=', 'base64'));
 * // Int16Array [0, 1, -1, 256, -256, 32767, -32768]
 */
export function decodeL16(bytes: Uint8Array): Int16Array {
  checkEven(bytes.length);
  if (HOST_IS_LITTLE_ENDIAN) {
    // ArrayBuffer#slice copies in one step and has no alignment requirement on its start.
    return new Int16Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  }
  const out = new Int16Array(bytes.length >> 1);
  decodeL16Into(bytes, out);
  return out;
}

/**
 * Encodes PCM to L16 (signed 16-bit little-endian) bytes.
 *
 * @example
 * Buffer.from(encodeL16(Int16Array.of(0, 1, -1, 256, -256, 32767, -32768))).toString('base64');
 * // 'AAABAP//AAEA//9/AIA='
 */
export function encodeL16(pcm: Int16Array): Uint8Array {
  if (HOST_IS_LITTLE_ENDIAN) {
    return new Uint8Array(pcm.buffer.slice(pcm.byteOffset, pcm.byteOffset + pcm.byteLength));
  }
  const out = new Uint8Array(pcm.length * 2);
  encodeL16Into(pcm, out);
  return out;
}
