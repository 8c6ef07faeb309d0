import alawmulaw from 'alawmulaw';
import { describe, expect, it } from 'vitest';
import { decodeAlaw, decodeAlawInto, encodeAlaw, encodeAlawInto } from './alaw.js';

/** G.711 A-law expansion from its segment description: 13-bit magnitudes, scaled by 8. */
function referenceExpand(code: number): number {
  const v = code ^ 0x55;
  const segment = (v >> 4) & 0x07;
  const m = v & 0x0f;
  const magnitude = segment === 0 ? 2 * m + 1 : (2 * m + 33) << (segment - 1);
  return (v & 0x80 ? 8 : -8) * magnitude;
}

/** ITU-T G.191 `alaw_compress`, transcribed sample by sample (no tables). */
function g191Compress(x: number): number {
  let ix = x < 0 ? ~x >> 4 : x >> 4;
  if (ix > 15) {
    let iexp = 1;
    while (ix > 16 + 15) {
      ix >>= 1;
      iexp++;
    }
    ix -= 16;
    ix += iexp << 4;
  }
  if (x >= 0) ix |= 0x80;
  return ix ^ 0x55;
}

const ALL_CODES = Uint8Array.from({ length: 256 }, (_, i) => i);
const ALL_SAMPLES = Int16Array.from({ length: 65536 }, (_, i) => i - 32768);

describe('A-law', () => {
  it('decodes every code to the ITU-T G.711 level', () => {
    expect(Array.from(decodeAlaw(ALL_CODES))).toEqual(Array.from(ALL_CODES, referenceExpand));
  });

  it('decodes the known smallest and largest codes', () => {
    expect(Array.from(decodeAlaw(Uint8Array.of(0x55, 0xd5, 0x2a, 0xaa, 0x00, 0x80)))).toEqual([
      -8, 8, -32256, 32256, -5504, 5504,
    ]);
  });

  it('encodes every int16 exactly as the ITU-T G.191 reference encoder', () => {
    const encoded = encodeAlaw(ALL_SAMPLES);
    const mismatches = ALL_SAMPLES.filter((x, i) => encoded[i] !== g191Compress(x));
    expect(Array.from(mismatches)).toEqual([]);
  });

  it('encodes every int16 to one of the two levels around it', () => {
    const levels = [...new Set(decodeAlaw(ALL_CODES))].sort((a, b) => a - b);
    const decoded = decodeAlaw(encodeAlaw(ALL_SAMPLES));
    const wrong: number[] = [];
    for (let i = 0; i < ALL_SAMPLES.length; i++) {
      const x = ALL_SAMPLES[i]!;
      const below = levels.filter((l) => l <= x).at(-1);
      const above = levels.find((l) => l >= x);
      if (decoded[i] !== below && decoded[i] !== above) wrong.push(x);
    }
    expect(wrong).toEqual([]);
  });

  it('re-encodes every decoded level to its own code', () => {
    expect(Array.from(encodeAlaw(decodeAlaw(ALL_CODES)))).toEqual(Array.from(ALL_CODES));
  });

  it('encodes silence as 0xD5 and full scale as 0xAA / 0x2A', () => {
    expect(Array.from(encodeAlaw(Int16Array.of(0, 7, 32767, -32768)))).toEqual([
      0xd5, 0xd5, 0xaa, 0x2a,
    ]);
  });

  it('decodes exactly as alawmulaw', () => {
    expect(Array.from(decodeAlaw(ALL_CODES))).toEqual(Array.from(alawmulaw.alaw.decode(ALL_CODES)));
  });

  it('encodes as alawmulaw except on the 127 negative decision thresholds', () => {
    // G.191 takes the magnitude of a negative sample as ~x (one's complement), alawmulaw as -x.
    const ours = encodeAlaw(ALL_SAMPLES);
    const theirs = alawmulaw.alaw.encode(ALL_SAMPLES);
    let differences = 0;
    const unexplained: number[] = [];
    for (let i = 0; i < ALL_SAMPLES.length; i++) {
      const x = ALL_SAMPLES[i]!;
      if (ours[i] !== theirs[i]) differences++;
      if (x >= 0 ? ours[i] !== theirs[i] : x <= -2 && ours[i] !== theirs[i + 1])
        unexplained.push(x);
    }
    expect(unexplained).toEqual([]);
    expect(differences).toBe(127);
  });

  it('decodes and encodes in place, over a prefix when given a length', () => {
    const out = new Int16Array(3).fill(7);
    decodeAlawInto(Uint8Array.of(0xaa, 0x55, 0xd5), out, 2);
    expect(Array.from(out)).toEqual([32256, -8, 7]);
    const wire = new Uint8Array(2);
    encodeAlawInto(Int16Array.of(-32768, 0), wire);
    expect(Array.from(wire)).toEqual([0x2a, 0xd5]);
    expect(() => encodeAlawInto(Int16Array.of(1, 2), new Uint8Array(1))).toThrow(RangeError);
  });
});
