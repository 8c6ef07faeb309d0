import alawmulaw from 'alawmulaw';
import { describe, expect, it } from 'vitest';
import { decodeMulaw, decodeMulawInto, encodeMulaw, encodeMulawInto } from './mulaw.js';

/** ITU-T G.191 `ulaw_expand`, transcribed sample by sample (no tables). */
function g191Expand(code: number): number {
  const sign = code < 0x80 ? -1 : 1;
  const inverted = ~code;
  const exponent = (inverted >> 4) & 0x07;
  const mantissa = inverted & 0x0f;
  const step = 4 << (exponent + 1);
  return sign * ((0x80 << exponent) + step * mantissa + step / 2 - 4 * 33) + 0; // no -0
}

/** ITU-T G.191 `ulaw_compress`, transcribed sample by sample (no tables). */
function g191Compress(x: number): number {
  let absno = (x < 0 ? ~x >> 2 : x >> 2) + 33;
  if (absno > 0x1fff) absno = 0x1fff;
  let segno = 1;
  for (let i = absno >> 6; i !== 0; i >>= 1) segno++;
  const code = ((8 - segno) << 4) | (0x0f - ((absno >> segno) & 0x0f));
  return x >= 0 ? code | 0x80 : code;
}

const ALL_CODES = Uint8Array.from({ length: 256 }, (_, i) => i);
const ALL_SAMPLES = Int16Array.from({ length: 65536 }, (_, i) => i - 32768);

describe('mu-law', () => {
  it('decodes every code to the ITU-T G.711 level', () => {
    expect(Array.from(decodeMulaw(ALL_CODES))).toEqual(Array.from(ALL_CODES, g191Expand));
  });

  it('decodes the known extreme and zero codes', () => {
    expect(
      Array.from(decodeMulaw(Uint8Array.of(0x00, 0x7f, 0x80, 0xff, 0x0f, 0x8f, 0x7e))),
    ).toEqual([-32124, 0, 32124, 0, -16764, 16764, -8]);
  });

  it('encodes every int16 exactly as the ITU-T G.191 reference encoder', () => {
    const encoded = encodeMulaw(ALL_SAMPLES);
    const mismatches = ALL_SAMPLES.filter((x, i) => encoded[i] !== g191Compress(x));
    expect(Array.from(mismatches)).toEqual([]);
  });

  it('encodes every int16 to one of the two levels around it', () => {
    const levels = [...new Set(decodeMulaw(ALL_CODES))].sort((a, b) => a - b);
    const decoded = decodeMulaw(encodeMulaw(ALL_SAMPLES));
    const wrong: number[] = [];
    for (let i = 0; i < ALL_SAMPLES.length; i++) {
      const x = ALL_SAMPLES[i]!;
      const below = levels.filter((l) => l <= x).at(-1);
      const above = levels.find((l) => l >= x);
      if (decoded[i] !== below && decoded[i] !== above) wrong.push(x);
    }
    expect(wrong).toEqual([]);
  });

  it('re-encodes every decoded level to its code, except 0x7F (negative zero) which becomes 0xFF', () => {
    const roundTrip = encodeMulaw(decodeMulaw(ALL_CODES));
    const expected = Array.from(ALL_CODES, (c) => (c === 0x7f ? 0xff : c));
    expect(Array.from(roundTrip)).toEqual(expected);
  });

  it('encodes silence as 0xFF and full scale as 0x80 / 0x00', () => {
    expect(Array.from(encodeMulaw(Int16Array.of(0, 0, 32767, -32768)))).toEqual([
      0xff, 0xff, 0x80, 0x00,
    ]);
  });

  it('decodes exactly as alawmulaw', () => {
    expect(Array.from(decodeMulaw(ALL_CODES))).toEqual(
      Array.from(alawmulaw.mulaw.decode(ALL_CODES)),
    );
  });

  it('encodes as alawmulaw except on the 127 negative decision thresholds', () => {
    // G.191 takes the magnitude of a negative sample as ~x (one's complement), alawmulaw as -x,
    // so on negative inputs G.191 equals alawmulaw one step closer to zero.
    const ours = encodeMulaw(ALL_SAMPLES);
    const theirs = alawmulaw.mulaw.encode(ALL_SAMPLES);
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
    const out = new Int16Array(4).fill(7);
    decodeMulawInto(Uint8Array.of(0x00, 0x80, 0xff, 0x00), out, 2);
    expect(Array.from(out)).toEqual([-32124, 32124, 7, 7]);
    const wire = new Uint8Array(3).fill(1);
    encodeMulawInto(Int16Array.of(0, 32767, -32768), wire);
    expect(Array.from(wire)).toEqual([0xff, 0x80, 0x00]);
  });

  it('throws a RangeError when the output of an in-place call is too short', () => {
    expect(() => decodeMulawInto(new Uint8Array(160), new Int16Array(159))).toThrow(RangeError);
    expect(() => encodeMulawInto(new Int16Array(160), new Uint8Array(10))).toThrow(RangeError);
    expect(() => decodeMulawInto(new Uint8Array(4), new Int16Array(8), 5)).toThrow(RangeError);
  });
});
