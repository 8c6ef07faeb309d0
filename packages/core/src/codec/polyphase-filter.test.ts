import { describe, expect, it } from 'vitest';
import type { PolyphaseFilter } from './polyphase-filter.js';
import { designPolyphaseFilter, getPolyphaseFilter } from './polyphase-filter.js';

const RATES = [8000, 16000, 24000, 48000];
const PAIRS = RATES.flatMap((from) => RATES.filter((to) => to !== from).map((to) => [from, to]));

/** Every tap of phase p as [distance from the output instant in input samples, weight]. */
function phaseTaps(filter: PolyphaseFilter, p: number): [number, number][] {
  const taps: [number, number][] = [];
  const instant = p / filter.up;
  if (filter.center[p] !== 0) taps.push([-instant, filter.center[p]!]);
  for (let c = filter.combStart[p]!; c < filter.combStart[p + 1]!; c++) {
    for (let j = 0; j < filter.combCount[c]!; j++) {
      const offset = filter.combOffset[c]! + j * filter.stride;
      taps.push([offset - instant, filter.weights[filter.combWeights[c]! + j]!]);
    }
  }
  return taps;
}

/**
 * Gain (dB) at `hz` of the whole filter: the phases interleaved form one filter at `up` times
 * the input rate, with gain `up` in the pass band.
 */
function gainDb(filter: PolyphaseFilter, fromRate: number, hz: number): number {
  let re = 0;
  let im = 0;
  for (let p = 0; p < filter.up; p++) {
    for (const [d, w] of phaseTaps(filter, p)) {
      re += w * Math.cos((2 * Math.PI * hz * d) / fromRate);
      im += w * Math.sin((2 * Math.PI * hz * d) / fromRate);
    }
  }
  return 20 * Math.log10(Math.hypot(re, im) / filter.up);
}

describe('designPolyphaseFilter', () => {
  it.each(PAIRS)(
    '%i → %i Hz: flat to 0.9 × the lower Nyquist, 78 dB down from 1.1 ×',
    (from, to) => {
      const filter = designPolyphaseFilter(from, to);
      const nyquist = Math.min(from, to) / 2;
      const step = nyquist / 200;
      let ripple = 0;
      for (let hz = 0; hz <= 0.9 * nyquist; hz += step) {
        ripple = Math.max(ripple, Math.abs(gainDb(filter, from, hz)));
      }
      let stop = -Infinity;
      for (let hz = 1.1 * nyquist; hz <= (filter.up * from) / 2; hz += step) {
        stop = Math.max(stop, gainDb(filter, from, hz));
      }
      expect(ripple).toBeLessThan(0.003);
      expect(stop).toBeLessThan(-77.5);
      expect(gainDb(filter, from, nyquist)).toBeCloseTo(-6.02, 1);
    },
  );

  it('gives every phase a gain of exactly 1 at DC', () => {
    for (const [from, to] of PAIRS) {
      const filter = designPolyphaseFilter(from!, to!);
      for (let p = 0; p < filter.up; p++) {
        const sum = phaseTaps(filter, p).reduce((s, [, w]) => s + w, 0);
        expect(sum).toBeCloseTo(1, 12);
      }
    }
  });

  it('skips the zero taps: half the work at 2:1, the input sample itself on it', () => {
    const down = designPolyphaseFilter(16000, 8000);
    const dense = down.before + down.after + 1;
    expect(phaseTaps(down, 0).length).toBeLessThanOrEqual(Math.ceil(dense / 2) + 1);
    const up = designPolyphaseFilter(8000, 16000);
    expect(phaseTaps(up, 0)).toEqual([[-0, 1]]);
  });

  it('keeps every tap inside the reach it declares', () => {
    for (const [from, to] of PAIRS) {
      const filter = designPolyphaseFilter(from!, to!);
      for (let c = 0; c < filter.combOffset.length; c++) {
        const first = filter.combOffset[c]!;
        const last = first + (filter.combCount[c]! - 1) * filter.stride;
        expect(first).toBeGreaterThanOrEqual(-filter.before);
        expect(last).toBeLessThanOrEqual(filter.after);
        expect(filter.combCount[c]! % 4).toBe(0);
      }
    }
  });
});

describe('getPolyphaseFilter', () => {
  it('designs each rate pair once and caches it', () => {
    expect(getPolyphaseFilter(24000, 8000)).toBe(getPolyphaseFilter(24000, 8000));
    expect(getPolyphaseFilter(24000, 8000)).not.toBe(getPolyphaseFilter(8000, 24000));
  });
});
