import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isCallstreamError } from '../errors.js';
import { createResampler, resample, RESAMPLER_RATES } from './resampler.js';

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
    for (const [from, to] of PAIRS) {
      for (const length of [0, 1, 2, 3, 5, 7, 11, 160, 161, 479, 480, 1001]) {
        const resampler = createResampler(from, to);
        const total = resampler.process(new Int16Array(length)).length + resampler.flush().length;
        expect(total, `${from} → ${to}, ${length} samples`).toBe(Math.round((length * to) / from));
      }
    }
  });

  it('gives the same output for any chunking, 1-sample and empty chunks included', () => {
    const input = Int16Array.from({ length: 1200 }, (_, i) =>
      Math.round(12000 * Math.sin(i / 7) + 8000 * Math.sin(i / 2.3)),
    );
    const oneShot = new Map(
      PAIRS.map(([from, to]) => [`${from}>${to}`, resample(input, from, to)]),
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...PAIRS),
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
      [44100, 8000, '44100'],
      [8000, 11025, '11025'],
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
