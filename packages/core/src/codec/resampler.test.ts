import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isCallstreamError } from '../errors.js';
import { getPolyphaseFilter } from './polyphase-filter.js';
import { createResampler, isSupportedRate, resample, RESAMPLER_RATES } from './resampler.js';

const PAIRS = RESAMPLER_RATES.flatMap((from) => RESAMPLER_RATES.map((to) => [from, to] as const));

function tone(hz: number, rate: number, samples: number, amplitude = 16000): Int16Array {
  return Int16Array.from({ length: samples }, (_, n) =>
    Math.round(amplitude * Math.sin((2 * Math.PI * hz * n) / rate)),
  );
}

/** The middle of a signal, away from the start and end transients (the filter is < 10 ms). */
function middle(pcm: Int16Array, rate: number): Int16Array {
  const edge = Math.round(rate * 0.02);
  return pcm.subarray(edge, pcm.length - edge);
}

function rms(pcm: Int16Array): number {
  let sum = 0;
  for (const v of pcm) sum += v * v;
  return Math.sqrt(sum / pcm.length);
}

const decibels = (ratio: number): number => 20 * Math.log10(ratio);

/**
 * SNR of `output` (at `rate`) against the ideal sine it should be: the input sine sampled at
 * the output instants, with no delay, over the middle of the signal.
 */
function snrAgainstSine(output: Int16Array, hz: number, rate: number, amplitude: number): number {
  const edge = Math.round(rate * 0.02);
  let signal = 0;
  let noise = 0;
  for (let n = edge; n < output.length - edge; n++) {
    const ideal = amplitude * Math.sin((2 * Math.PI * hz * n) / rate);
    signal += ideal * ideal;
    noise += (output[n]! - ideal) ** 2;
  }
  return 10 * Math.log10(signal / noise);
}

function concat(parts: Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Total output length, over process() and flush(), is round(N × to / from) for every pair and length. */
function expectLengthRule(pairs: readonly (readonly [number, number])[], lengths: number[]): void {
  for (const [from, to] of pairs) {
    for (const length of lengths) {
      const resampler = createResampler(from, to);
      const total = resampler.process(new Int16Array(length)).length + resampler.flush().length;
      expect(total, `${from} → ${to}, ${length} samples`).toBe(Math.round((length * to) / from));
    }
  }
}

/** Any chunking (1-sample and empty chunks included) gives the one-shot output, for every pair. */
function expectChunkingInvariance(
  pairs: readonly (readonly [number, number])[],
  inputLength: number,
): void {
  const input = Int16Array.from({ length: inputLength }, (_, i) =>
    Math.round(12000 * Math.sin(i / 7) + 8000 * Math.sin(i / 2.3)),
  );
  const oneShot = new Map(pairs.map(([from, to]) => [`${from}>${to}`, resample(input, from, to)]));
  fc.assert(
    fc.property(
      fc.constantFrom(...pairs),
      fc.array(fc.oneof(fc.constant(0), fc.constant(1), fc.nat(400)), { maxLength: 40 }),
      ([from, to], sizes) => {
        const resampler = createResampler(from, to);
        const parts: Int16Array[] = [];
        let at = 0;
        for (const size of sizes) {
          parts.push(resampler.process(input.subarray(at, at + size)));
          at = Math.min(input.length, at + size);
        }
        parts.push(resampler.process(input.subarray(at)), resampler.flush());
        expect(concat(parts)).toEqual(oneShot.get(`${from}>${to}`));
      },
    ),
    { numRuns: 150 },
  );
}

describe('createResampler', () => {
  it('keeps a 3.4 kHz tone within 1 dB from 16 kHz to 8 kHz', () => {
    const input = tone(3400, 16000, 16000);
    const gain = rms(middle(resample(input, 16000, 8000), 8000)) / rms(middle(input, 16000));
    expect(Math.abs(decibels(gain))).toBeLessThan(1);
  });

  it('attenuates a 6 kHz tone by at least 40 dB from 16 kHz to 8 kHz', () => {
    const input = tone(6000, 16000, 16000);
    const gain = rms(middle(resample(input, 16000, 8000), 8000)) / rms(middle(input, 16000));
    expect(decibels(gain)).toBeLessThan(-40);
  });

  it('attenuates a 10 kHz tone by at least 40 dB from 24 kHz to 8 kHz', () => {
    const input = tone(10000, 24000, 24000);
    const gain = rms(middle(resample(input, 24000, 8000), 8000)) / rms(middle(input, 24000));
    expect(decibels(gain)).toBeLessThan(-40);
  });

  it.each([
    [8000, 16000],
    [8000, 24000],
  ])(
    'turns a 1 kHz tone at %i Hz into the same tone at %i Hz, in time (SNR ≥ 40 dB)',
    (from, to) => {
      const output = resample(tone(1000, from, from), from, to);
      expect(snrAgainstSine(output, 1000, to, 16000)).toBeGreaterThan(40);
    },
  );

  it('does not delay the signal on downsampling either', () => {
    const output = resample(tone(1000, 24000, 24000), 24000, 8000);
    expect(snrAgainstSine(output, 1000, 8000, 16000)).toBeGreaterThan(40);
  });

  it('outputs round(inputLength × to / from) samples in total, for every pair', () => {
    expectLengthRule(PAIRS, [0, 1, 2, 3, 5, 7, 11, 160, 161, 479, 480, 1001]);
  });

  it('gives the same output for any chunking, 1-sample and empty chunks included', () => {
    expectChunkingInvariance(PAIRS, 1200);
  });

  it('gives the same output for one long call as for 20 ms chunks', () => {
    const input = tone(1234, 48000, 30_000);
    for (const [from, to] of [
      [48000, 8000],
      [8000, 48000],
    ] as const) {
      const chunked = createResampler(from, to);
      const parts: Int16Array[] = [];
      for (let at = 0; at < input.length; at += from / 50) {
        parts.push(chunked.process(input.subarray(at, at + from / 50)));
      }
      parts.push(chunked.flush());
      expect(concat(parts)).toEqual(resample(input, from, to));
    }
  });

  it.each(PAIRS)('converts %i Hz to %i Hz keeping a 440 Hz tone level', (from, to) => {
    const output = resample(tone(440, from, from / 5), from, to);
    expect(output).toHaveLength(to / 5);
    expect(snrAgainstSine(output, 440, to, 16000)).toBeGreaterThan(60);
  });

  it('passes DC through at unity gain', () => {
    for (const [from, to] of PAIRS) {
      const output = middle(resample(new Int16Array(from / 10).fill(-1234), from, to), to);
      expect(output.every((v) => v === -1234)).toBe(true);
    }
  });

  it('rounds to the nearest sample value and clips instead of wrapping', () => {
    // A full-scale square wave rings past full scale after filtering: it must saturate.
    const square = Int16Array.from({ length: 800 }, (_, i) => (i % 80 < 40 ? 32767 : -32768));
    const output = resample(square, 8000, 16000);
    const highs = output.filter((_, n) => n >= 160 && n < 1440 && n % 160 >= 10 && n % 160 < 70);
    const lows = output.filter((_, n) => n >= 160 && n < 1440 && n % 160 >= 90 && n % 160 < 150);
    expect(Math.min(...highs)).toBeGreaterThan(30000);
    expect(Math.max(...lows)).toBeLessThan(-30000);
    expect(output).toContain(32767);
    expect(output).toContain(-32768);
  });

  it('starts over after reset() and after flush()', () => {
    const noise = Int16Array.from({ length: 500 }, (_, i) => ((i * 7919) % 2000) - 1000);
    const chunk = tone(700, 16000, 320);
    const fresh = createResampler(16000, 8000).process(chunk);
    const reused = createResampler(16000, 8000);
    reused.process(noise);
    reused.reset();
    expect(reused.process(chunk)).toEqual(fresh);
    reused.flush();
    expect(reused.process(chunk)).toEqual(fresh);
  });

  it('copies the input unchanged at the same rate', () => {
    const input = tone(1000, 16000, 320);
    const resampler = createResampler(16000, 16000);
    const output = resampler.process(input);
    expect(output).toEqual(input);
    expect(output).not.toBe(input);
    expect(resampler.flush()).toHaveLength(0);
  });

  it('rejects an unsupported rate with ERR_UNSUPPORTED_FORMAT naming it', () => {
    for (const [from, to, named] of [
      [44100.5, 8000, '44100.5'],
      [8000, 192001, '192001'],
      [7999, 16000, '7999'],
      [16000, 0, ' 0'],
      [Number.NaN, 8000, 'NaN'],
    ] as const) {
      let thrown: unknown;
      try {
        createResampler(from, to);
      } catch (err) {
        thrown = err;
      }
      expect(isCallstreamError(thrown, 'ERR_UNSUPPORTED_FORMAT')).toBe(true);
      expect((thrown as Error).message).toContain(named);
    }
  });
});

/**
 * Pairs beyond the platform rates: CD/DAT-family rates both ways, 3:4, large integer ratios, and
 * (44101 and 191999 Hz) ratios too fine for a table, which read the kernel directly.
 */
const OTHER_PAIRS = [
  [44100, 8000],
  [8000, 44100],
  [44100, 16000],
  [44100, 48000],
  [48000, 44100],
  [22050, 16000],
  [16000, 22050],
  [11025, 8000],
  [8000, 11025],
  [32000, 24000],
  [96000, 8000],
  [192000, 44100],
  [44101, 8000],
  [8000, 44101],
  [192000, 191999],
] as const;

/** Level of `output` relative to `input` (dB), both away from the edges. */
function gainOf(input: Int16Array, from: number, output: Int16Array, to: number): number {
  return decibels(rms(middle(output, to)) / rms(middle(input, from)));
}

describe('createResampler at any whole rate from 8 to 192 kHz', () => {
  it('accepts whole rates from 8000 to 192000 Hz and nothing else', () => {
    for (const rate of [8000, 11025, 22050, 32000, 44100, 96000, 192000]) {
      expect(isSupportedRate(rate), String(rate)).toBe(true);
    }
    for (const rate of [7999, 192001, 0, -8000, 44100.5, Number.NaN, Infinity]) {
      expect(isSupportedRate(rate), String(rate)).toBe(false);
    }
  });

  it('keeps a 1 kHz tone within 0.5 dB and takes a 6 kHz one 70 dB down from 44.1 kHz to 8 kHz', () => {
    const kept = tone(1000, 44100, 44100);
    expect(Math.abs(gainOf(kept, 44100, resample(kept, 44100, 8000), 8000))).toBeLessThan(0.5);
    const aliased = tone(6000, 44100, 44100);
    expect(gainOf(aliased, 44100, resample(aliased, 44100, 8000), 8000)).toBeLessThan(-70);
  });

  it('turns a 1 kHz tone at 8 kHz into the same tone at 44.1 kHz, in time (SNR ≥ 60 dB)', () => {
    const output = resample(tone(1000, 8000, 8000), 8000, 44100);
    expect(output).toHaveLength(44100);
    expect(snrAgainstSine(output, 1000, 44100, 16000)).toBeGreaterThan(60);
  });

  it.each(OTHER_PAIRS)(
    '%i → %i Hz: a tone at 0.85 × the lower Nyquist comes through in time (SNR ≥ 60 dB)',
    (from, to) => {
      const hz = 0.85 * (Math.min(from, to) / 2);
      const length = Math.round(from / 5);
      const output = resample(tone(hz, from, length), from, to);
      expect(output).toHaveLength(Math.round((length * to) / from));
      expect(snrAgainstSine(output, hz, to, 16000)).toBeGreaterThan(60);
    },
  );

  // (Only where that tone is below the input's own Nyquist frequency.)
  it.each(OTHER_PAIRS.filter(([from, to]) => from > to * 1.2))(
    '%i → %i Hz: a tone at 1.15 × the output Nyquist is 75 dB down, not folded back',
    (from, to) => {
      const input = tone(1.15 * (to / 2), from, Math.round(from / 5));
      expect(gainOf(input, from, resample(input, from, to), to)).toBeLessThan(-75);
    },
  );

  it('outputs round(inputLength × to / from) samples in total, for every pair', () => {
    expectLengthRule(OTHER_PAIRS, [0, 1, 2, 3, 5, 7, 11, 160, 161, 441, 479, 882, 1001, 44101]);
  });

  it('gives the same output for any chunking, 1-sample and empty chunks included', () => {
    expectChunkingInvariance(OTHER_PAIRS, 1500);
  });

  it('gives the same output for 20 ms chunks of 44.1 kHz as for one long call', () => {
    const input = tone(1234, 44100, 30_000);
    for (const to of [8000, 48000]) {
      const chunked = createResampler(44100, to);
      const parts: Int16Array[] = [];
      for (let at = 0; at < input.length; at += 882) {
        parts.push(chunked.process(input.subarray(at, at + 882)));
      }
      parts.push(chunked.flush());
      expect(concat(parts)).toEqual(resample(input, 44100, to));
    }
  });

  it('passes DC through at unity gain, and an input sample landing on an output as is', () => {
    for (const [from, to] of OTHER_PAIRS) {
      const output = middle(resample(new Int16Array(from / 10).fill(-1234), from, to), to);
      expect(output.every((v) => v === -1234)).toBe(true);
    }
    // Upsampling, every 441st output at 44.1 kHz sits on an 8 kHz input (80 of them apart),
    // and every 44101st at 44101 Hz on every 8000th input: those outputs are the input samples.
    const noise = Int16Array.from({ length: 16001 }, (_, i) => ((i * 7919) % 20001) - 10000);
    const up = resample(noise, 8000, 44100);
    for (let n = 0; n < up.length; n += 441) expect(up[n]).toBe(noise[(n / 441) * 80]);
    const fine = resample(noise, 8000, 44101);
    expect([fine[0], fine[44101], fine[88202]]).toEqual([noise[0], noise[8000], noise[16000]]);
    expect(fine[1]).not.toBe(noise[0]);
  });

  it('keeps recently used filter tables and drops the oldest past 16 MB', () => {
    // 75·m Hz → 192 kHz (m odd, not a multiple of 3 or 5) reduces to 2560/m: ~1.1 MB tables.
    const big = (m: number): number => 75 * m;
    const first = getPolyphaseFilter(big(107), 192000);
    const second = getPolyphaseFilter(big(109), 192000);
    for (const m of [113, 119]) getPolyphaseFilter(big(m), 192000);
    expect(getPolyphaseFilter(big(107), 192000)).toBe(first); // now the most recent
    for (const m of [121, 127, 131, 133, 137, 139, 143, 149, 151, 157, 161, 163, 167]) {
      getPolyphaseFilter(big(m), 192000);
    }
    expect(getPolyphaseFilter(big(107), 192000)).toBe(first);
    expect(getPolyphaseFilter(big(109), 192000)).not.toBe(second);
  });
});
