import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBase64Into } from './base64.js';
import { base64Length, decodeBase64Table } from './base64-bytes.js';
import { createByteScratch } from './byte-scratch.js';
import { decodeMulaw, MULAW_TO_PCM } from './mulaw.js';

/** The fused path on `text` placed inside other bytes: the samples, or -1 where it refuses. */
function fused(text: string): number[] | -1 {
  const data = Buffer.concat([
    Buffer.from('{"x":"'),
    Buffer.from(text, 'latin1'),
    Buffer.from('"}'),
  ]);
  const start = 6;
  const end = start + Buffer.byteLength(text, 'latin1');
  const byteLength = base64Length(data, start, end);
  if (byteLength < 0) return -1;
  const out = new Int16Array(byteLength + 4).fill(12345);
  if (!decodeBase64Table(data, start, byteLength, MULAW_TO_PCM, out, 2)) return -1;
  // Nothing written outside its place.
  expect([out[0], out[1], out[byteLength + 2], out[byteLength + 3]]).toEqual([
    12345, 12345, 12345, 12345,
  ]);
  return Array.from(out.subarray(2, 2 + byteLength));
}

/** What the strict text decoder gives, through the mu-law table. */
function expected(text: string): number[] | -1 {
  const scratch = createByteScratch(8);
  const n = decodeBase64Into(text, scratch);
  return n < 0 ? -1 : Array.from(decodeMulaw(scratch.buffer.subarray(0, n)));
}

describe('decodeBase64Table (strict base64 from bytes, through the mu-law table)', () => {
  it('decodes base64 of every length to the samples of its bytes', () => {
    for (let length = 0; length <= 30; length++) {
      const bytes = randomBytes(length);
      expect(fused(bytes.toString('base64'))).toEqual(Array.from(decodeMulaw(bytes)));
    }
    expect(fused('/wB/gA==')).toEqual([0, -32124, 0, 32124]);
  });

  it('refuses what the strict text decoder refuses', () => {
    const refused = ['A', 'AA', 'AAA', 'AA=A', 'A===', '====', 'AB==', 'AAB=', 'AA A', 'AA-A'];
    for (const text of [
      ...refused,
      'AA_A',
      'QQ==QUJD',
      'QUJD\u0000AAA',
      'AA\u00e9A',
      '\u00ffAAA',
    ]) {
      expect(expected(text)).toBe(-1);
      expect(fused(text)).toBe(-1);
    }
  });

  it('agrees with the strict text decoder on any text of base64 and stray characters', () => {
    const char = fc.constantFrom(
      ...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/',
      ...'=====-_ .\n\u0000\u007f\u0080\u00ff',
    );
    const text = fc.array(char, { maxLength: 40 }).map((chars) => chars.join(''));
    const valid = fc.uint8Array({ maxLength: 40 }).map((b) => Buffer.from(b).toString('base64'));
    fc.assert(
      fc.property(fc.oneof(text, valid), (t) => {
        expect(fused(t)).toEqual(expected(t));
      }),
      { numRuns: 5000 },
    );
  });
});
