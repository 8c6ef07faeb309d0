import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeBase64Into } from './base64.js';
import { createByteScratch } from './byte-scratch.js';

/** RFC 4648 §4 base64, padded, with zero bits after the last byte. */
const STRICT =
  /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/][AQgw]==|[A-Za-z0-9+/]{2}[AEIMQUYcgkosw048]=)?$/;

function decode(text: string): number[] | -1 {
  const scratch = createByteScratch(8);
  const n = decodeBase64Into(text, scratch);
  return n < 0 ? -1 : Array.from(scratch.buffer.subarray(0, n));
}

describe('decodeBase64Into', () => {
  it('decodes standard base64 of every length as Node does', () => {
    for (let length = 0; length <= 24; length++) {
      const bytes = randomBytes(length);
      expect(decode(bytes.toString('base64'))).toEqual(Array.from(bytes));
    }
    expect(decode('AAABAP//AAEA//9/AIA=')).toEqual([
      0, 0, 1, 0, 255, 255, 0, 1, 0, 255, 255, 127, 0, 128,
    ]);
  });

  it('decodes the empty string to 0 bytes', () => {
    expect(decode('')).toEqual([]);
  });

  it('rejects characters outside the alphabet, whitespace included', () => {
    for (const text of ['AA!A', 'AA A', 'AAA\n', 'AAAA\nAAA', 'AA.A', '\0AAA', 'AAÀA']) {
      expect(decode(text)).toBe(-1);
    }
  });

  it('rejects characters above U+00FF that Node would read as their low byte', () => {
    expect(Buffer.from('\u0141AAA', 'base64')).toHaveLength(3); // the leniency being guarded
    expect(decode('\u0141AAA')).toBe(-1);
    expect(decode('AAA\u0177')).toBe(-1);
  });

  it('rejects the URL-safe alphabet', () => {
    expect(Buffer.from('AA-_', 'base64')).toHaveLength(3); // Node accepts it
    expect(decode('AA-_')).toBe(-1);
    expect(decode('_w==')).toBe(-1);
  });

  it('rejects a length that is not a multiple of 4, missing padding included', () => {
    for (const text of ['A', 'AA', 'AAA', 'AAAAA', 'Zm9vYg', 'Zm9vYg=', 'Zm9vYmE']) {
      expect(decode(text)).toBe(-1);
    }
  });

  it('rejects misplaced or excess padding', () => {
    for (const text of ['A===', '====', '=AAA', 'AA=A', 'AA==AAAA', 'Zg==Zg==', 'AAA=AAAA']) {
      expect(decode(text)).toBe(-1);
    }
  });

  it('rejects non-zero bits after the last byte', () => {
    expect(Buffer.from('AB==', 'base64')).toHaveLength(1); // Node accepts it
    expect(decode('AB==')).toBe(-1);
    expect(decode('AAB=')).toBe(-1);
    expect(decode('AA==')).toEqual([0]);
    expect(decode('AAE=')).toEqual([0, 1]);
  });

  it('accepts exactly the strings that match the strict grammar', () => {
    const chars = 'ABQgw+/=-_ \n!\u0141AE09az'.split('');
    const anyText = fc.array(fc.constantFrom(...chars), { maxLength: 16 }).map((l) => l.join(''));
    // Valid base64 with one character replaced: near misses, and sometimes still valid.
    const nearMiss = fc
      .tuple(fc.uint8Array({ maxLength: 12 }), fc.nat(), fc.constantFrom(...chars))
      .map(([bytes, at, char]) => {
        const text = Buffer.from(bytes).toString('base64');
        const i = text.length === 0 ? 0 : at % text.length;
        return text.slice(0, i) + char + text.slice(i + 1);
      });
    let valid = 0;
    fc.assert(
      fc.property(fc.oneof(anyText, nearMiss), (text) => {
        const result = decode(text);
        if (STRICT.test(text)) {
          valid++;
          expect(result).toEqual(Array.from(Buffer.from(text, 'base64')));
        } else {
          expect(result).toBe(-1);
        }
      }),
      { numRuns: 4000 },
    );
    expect(valid).toBeGreaterThan(200); // the property saw both sides
  });

  it('grows the scratch buffer when needed and then reuses it', () => {
    const scratch = createByteScratch(4);
    const payload = randomBytes(960).toString('base64');
    expect(decodeBase64Into(payload, scratch)).toBe(960);
    const grown = scratch.buffer;
    expect(grown.length).toBeGreaterThanOrEqual(960);
    expect(decodeBase64Into(payload, scratch)).toBe(960);
    expect(scratch.buffer).toBe(grown);
    expect(scratch.buffer.subarray(0, 960).toString('base64')).toBe(payload);
  });
});
