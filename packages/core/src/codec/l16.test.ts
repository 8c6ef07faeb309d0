import { describe, expect, it } from 'vitest';
import { isCallstreamError } from '../errors.js';
import { decodeL16, decodeL16Into, encodeL16, encodeL16Into } from './l16.js';

// PROTOCOL.md §4: L16 is signed 16-bit little-endian.
const VECTOR_SAMPLES = [0, 1, -1, 256, -256, 32767, -32768];
const VECTOR_BASE64 = 'AAABAP//AAEA//9/AIA=';

/** The vector's bytes in a Uint8Array that starts at an odd byte offset of its buffer. */
function oddOffsetVectorBytes(): Uint8Array {
  const bytes = Buffer.from(VECTOR_BASE64, 'base64');
  const view = new Uint8Array(new ArrayBuffer(bytes.length + 3), 1, bytes.length);
  view.set(bytes);
  return view;
}

function expectOddLength(fn: () => unknown): void {
  let thrown: unknown;
  try {
    fn();
  } catch (err) {
    thrown = err;
  }
  expect(isCallstreamError(thrown, 'ERR_ODD_LENGTH')).toBe(true);
}

describe('L16', () => {
  it('decodes the protocol test vector as little-endian', () => {
    expect(Array.from(decodeL16(Buffer.from(VECTOR_BASE64, 'base64')))).toEqual(VECTOR_SAMPLES);
    expect(Array.from(decodeL16(Uint8Array.of(0x01, 0x00, 0x00, 0x01)))).toEqual([1, 256]);
  });

  it('encodes the protocol test vector', () => {
    const bytes = encodeL16(Int16Array.from(VECTOR_SAMPLES));
    expect(Buffer.from(bytes).toString('base64')).toBe(VECTOR_BASE64);
  });

  it('decodes bytes that start at an odd byte offset', () => {
    const bytes = oddOffsetVectorBytes();
    expect(bytes.byteOffset).toBe(1);
    expect(Array.from(decodeL16(bytes))).toEqual(VECTOR_SAMPLES);
    const out = new Int16Array(7);
    decodeL16Into(bytes, out);
    expect(Array.from(out)).toEqual(VECTOR_SAMPLES);
  });

  it('encodes into an output that starts at an odd byte offset', () => {
    const out = new Uint8Array(new ArrayBuffer(16), 1, 14);
    encodeL16Into(Int16Array.from(VECTOR_SAMPLES), out);
    expect(Buffer.from(out).toString('base64')).toBe(VECTOR_BASE64);
  });

  it('round-trips every int16 value, aligned and unaligned', () => {
    const all = Int16Array.from({ length: 65536 }, (_, i) => i - 32768);
    const same = (pcm: Int16Array): boolean =>
      Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength).equals(Buffer.from(all.buffer));
    expect(same(decodeL16(encodeL16(all)))).toBe(true);
    const unaligned = new Uint8Array(new ArrayBuffer(all.length * 2 + 1), 1, all.length * 2);
    encodeL16Into(all, unaligned);
    expect(unaligned[2 * 32768 + 1]).toBe(0); // sample 0 → bytes 00 00
    expect(unaligned[1]).toBe(0x80); // -32768 → bytes 00 80
    expect(same(decodeL16(unaligned))).toBe(true);
  });

  it('returns arrays that do not share memory with the input', () => {
    const bytes = Uint8Array.of(1, 0, 2, 0);
    const pcm = decodeL16(bytes);
    bytes[0] = 9;
    expect(Array.from(pcm)).toEqual([1, 2]);
    const encoded = encodeL16(pcm);
    pcm[0] = 5;
    expect(Array.from(encoded)).toEqual([1, 0, 2, 0]);
  });

  it('rejects an odd number of bytes with ERR_ODD_LENGTH', () => {
    expectOddLength(() => decodeL16(new Uint8Array(641)));
    expectOddLength(() => decodeL16Into(new Uint8Array(3), new Int16Array(2)));
    expectOddLength(() => decodeL16Into(new Uint8Array(8), new Int16Array(4), 5));
  });

  it('decodes and encodes a prefix in place when given a length', () => {
    const out = new Int16Array(3).fill(9);
    decodeL16Into(Buffer.from(VECTOR_BASE64, 'base64'), out, 4);
    expect(Array.from(out)).toEqual([0, 1, 9]);
    const wire = new Uint8Array(6).fill(9);
    encodeL16Into(Int16Array.of(-1, 256, 7), wire, 2);
    expect(Array.from(wire)).toEqual([0xff, 0xff, 0x00, 0x01, 9, 9]);
    expect(() => decodeL16Into(new Uint8Array(8), new Int16Array(3))).toThrow(RangeError);
    expect(() => encodeL16Into(new Int16Array(4), new Uint8Array(7))).toThrow(RangeError);
  });
});
