/**
 * Strict standard base64 (RFC 4648 §4, padded, canonical) on top of Node's fast but lenient
 * decoder. Node skips characters outside the alphabet, stops at a stray `=`, accepts the URL-safe
 * `-` and `_`, and reads a character above U+00FF as its low byte (`'Ł'` decodes as `'A'`). The
 * checks here are cheap and exact: the length and padding give the only valid byte count, any
 * skipped character makes Node write fewer bytes than that, and the rest (URL-safe characters,
 * non-ASCII text, non-zero bits after the last byte) are tested directly.
 */

import type { ByteScratch } from './byte-scratch.js';
import { ensureCapacity } from './byte-scratch.js';

/** Sextet value of each byte (or code below 256) in the standard alphabet, -1 elsewhere. */
export const SEXTET = new Int8Array(256).fill(-1);
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
for (let i = 0; i < 64; i++) SEXTET[ALPHABET.charCodeAt(i)] = i;

export const EQUALS = 0x3d;

/**
 * The byte count of strict base64 of `length` characters (a multiple of 4, not 0) that ends in
 * `padding` `=` after a last data character of sextet `last` (-1 outside the alphabet), or -1
 * when that character is outside the alphabet or carries set bits past the final byte (4 of
 * them before two `=`, 2 before one).
 */
export function paddedByteLength(length: number, padding: number, last: number): number {
  if (
    last < 0 ||
    (padding === 2 && (last & 0x0f) !== 0) ||
    (padding === 1 && (last & 0x03) !== 0)
  ) {
    return -1;
  }
  return (length >> 2) * 3 - padding;
}

/**
 * The number of bytes `text` decodes to, or -1 when its shape is not strict base64: a length
 * that is not a multiple of 4, more than two `=`, URL-safe or non-ASCII characters, or a last
 * character whose unused low bits are not zero. Characters in the middle are checked by
 * {@link writeBase64}, which must be called next.
 */
export function base64DecodedLength(text: string): number {
  const length = text.length;
  if (length % 4 !== 0) return -1;
  if (length === 0) return 0;
  let padding = 0;
  if (text.charCodeAt(length - 1) === EQUALS)
    padding = text.charCodeAt(length - 2) === EQUALS ? 2 : 1;
  const byteLength = paddedByteLength(
    length,
    padding,
    SEXTET[text.charCodeAt(length - 1 - padding)] ?? -1,
  );
  if (byteLength < 0) return -1;
  // Node decodes these without changing the byte count, so the count check cannot see them.
  if (text.indexOf('-') !== -1 || text.indexOf('_') !== -1) return -1;
  if (Buffer.byteLength(text, 'utf8') !== length) return -1;
  return byteLength;
}

/**
 * Decodes `text`, whose strict length `byteLength` came from {@link base64DecodedLength}, into
 * `target` at `offset`. Returns false when a character is not in the alphabet (or a `=` sits
 * in the middle): Node then writes fewer than `byteLength` bytes.
 *
 * @throws RangeError when `target` has fewer than `offset + byteLength` bytes.
 */
export function writeBase64(
  text: string,
  byteLength: number,
  target: Buffer,
  offset: number,
): boolean {
  if (offset + byteLength > target.length) {
    throw new RangeError(
      `base64 needs ${offset + byteLength} bytes, the target has ${target.length}`,
    );
  }
  return byteLength === 0 || target.write(text, offset, byteLength, 'base64') === byteLength;
}

/**
 * Decodes strict standard base64 into `scratch.buffer[0 … n)` and returns `n`, or -1 when
 * `text` is not strict base64 (padded, canonical, standard alphabet, no whitespace). The empty
 * string is valid and decodes to 0 bytes. The scratch buffer grows when needed; once it is big
 * enough, a call allocates nothing.
 *
 * @example
 * const scratch = createByteScratch();
 * const n = decodeBase64Into(message.payload, scratch);
 * if (n < 0) throw new CallstreamError('ERR_INVALID_BASE64');
 * const bytes = scratch.buffer.subarray(0, n);
 */
export function decodeBase64Into(text: string, scratch: ByteScratch): number {
  const byteLength = base64DecodedLength(text);
  if (byteLength < 0) return -1;
  ensureCapacity(scratch, byteLength);
  return writeBase64(text, byteLength, scratch.buffer, 0) ? byteLength : -1;
}
