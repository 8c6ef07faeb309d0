/**
 * The anti-aliasing filter of the resampler: a Kaiser-windowed sinc low-pass, cut into one
 * sub-filter ("phase") per output position between two input samples, computed once per rate
 * pair and cached. A pair whose reduced ratio up/down has a term above 4096 (say 44101 → 8000)
 * would need too large a table (about 52·max(up, down) weights): it gets a filter that reads its
 * weights off the sampled kernel instead (`kernel-filter.ts`), with the same response.
 *
 * Design, in terms of the lower of the two rates (its Nyquist frequency `Fn`): flat within
 * ±0.003 dB up to 0.9·Fn, -6 dB at `Fn`, and 78 dB or more down from 1.1·Fn on (79 dB on
 * downsampling). So on downsampling nothing folds back below 0.9·Fn (3.6 kHz at 8 kHz) without
 * being 79 dB down, and on upsampling the images are 78 dB down from 1.1·Fn. The kernel is
 * symmetric around the output instant, so it has no group delay: output sample n sits at input
 * time n·from/to. The same holds for every rate pair, 44.1 kHz ↔ 8 kHz included.
 *
 * Putting the cut-off at `Fn` makes it a Nyquist (half-band-like) filter: its sinc is zero at
 * whole multiples of the lower rate's period. Those taps are dropped, which halves the work of
 * 2:1 conversions and saves a third at 3:1 and 3:2; on upsampling the phase that falls on an
 * input sample reduces to that sample. Each phase is stored as "combs": runs of taps at a fixed
 * input stride, with the zero taps left out. When `down` is large against `up` (44.1 → 8 kHz is
 * 80/441) those combs would hold a tap or two each, so each phase is then one dense run instead.
 */

import type { KernelFilter, RateFilter } from './kernel-filter.js';
import { besselI0, designKernelFilter, gcd, HALF_WIDTH, KAISER_BETA } from './kernel-filter.js';

/** Largest `up` or `down` given a table of its own: at most ~1.7 MB of weights. */
const MAX_TABLE_PERIOD = 4096;
/** Memory the cache of designed tables may hold before it drops the least recently used. */
const CACHE_BYTES = 16 * 1024 * 1024;

/** A rational resampling filter: `up` phases, each an optional center tap plus combs. */
export interface PolyphaseFilter extends RateFilter {
  readonly kind: 'table';
  /** Input distance between consecutive taps of a comb. */
  readonly stride: number;
  /** Weight of input `base` in each phase when it is not part of a comb (else 0). */
  readonly center: Float64Array;
  /** Phase p uses combs `combStart[p] … combStart[p + 1])`. */
  readonly combStart: Int32Array;
  /** First input of each comb, relative to `base`. */
  readonly combOffset: Int32Array;
  /** Index in `weights` of each comb's first tap; a comb has a multiple of 4 taps. */
  readonly combWeights: Int32Array;
  /** Taps of each comb (a multiple of 4: the inner loop is unrolled by 4, padded with zeros). */
  readonly combCount: Int32Array;
  /** Tap weights; the taps of each phase, center included, sum to 1. */
  readonly weights: Float64Array;
}

export type ResamplingFilter = PolyphaseFilter | KernelFilter;

/**
 * Builds the filter for `fromRate → toRate` (no caching, no rate check).
 *
 * @internal
 */
export function designPolyphaseFilter(fromRate: number, toRate: number): PolyphaseFilter {
  const g = gcd(fromRate, toRate);
  const up = toRate / g;
  const down = fromRate / g;
  // In input-sample units the pass band is min(1, up/down) cycles per sample wide (two-sided),
  // and the kernel stretches by the inverse so its transition band keeps the same width.
  const bandwidth = Math.min(1, up / down);
  const halfWidth = HALF_WIDTH / bandwidth;
  const side = Math.ceil(halfWidth);
  // On downsampling the zeros of the sinc recur every `down` inputs: combs of that stride skip
  // them, as long as `down - 1` combs padded to 4 taps hold fewer taps than one dense run. On
  // upsampling a phase has either no zeros or (on an input sample) nothing but zeros.
  const combTaps = (down - 1) * 4 * Math.ceil(Math.ceil((2 * side) / down) / 4);
  const stride = down > up && combTaps < 4 * Math.ceil((2 * side) / 4) ? down : 1;
  const period = Math.max(up, down);
  const i0Beta = besselI0(KAISER_BETA);
  const center = new Float64Array(up);
  const combStart = [0];
  const combOffset: number[] = [];
  const combWeights: number[] = [];
  const combCount: number[] = [];
  const weights: number[] = [];
  let before = 0;
  let after = 0;
  // row[o + side - 1] is the weight of input base + o, for o = -(side - 1) … side.
  const row = new Float64Array(2 * side);
  for (let p = 0; p < up; p++) {
    let sum = 0;
    for (let o = 1 - side; o <= side; o++) {
      // Distance from the output instant (base + p/up) to input base + o, times `up`.
      const scaled = p - up * o;
      const d = scaled / up;
      const r = d / halfWidth;
      let w = 0;
      // The sinc is exactly zero where d·bandwidth = scaled/period is a non-zero integer.
      if (r > -1 && r < 1 && (scaled === 0 || scaled % period !== 0)) {
        const arg = Math.PI * bandwidth * d;
        const sinc = arg === 0 ? 1 : Math.sin(arg) / arg;
        w = bandwidth * sinc * (besselI0(KAISER_BETA * Math.sqrt(1 - r * r)) / i0Beta);
      }
      row[o + side - 1] = w;
      sum += w;
    }
    const weightOf = (o: number): number => row[o + side - 1]! / sum; // unity gain at DC
    for (let residue = 0; residue < stride; residue++) {
      // The non-zero taps of this residue class, first and last.
      let first = Infinity;
      let last = -Infinity;
      for (let o = 1 - side; o <= side; o++) {
        if ((o - residue) % stride === 0 && row[o + side - 1] !== 0) {
          first = Math.min(first, o);
          last = Math.max(last, o);
        }
      }
      if (first > last) continue;
      if (first === 0 && last === 0) {
        center[p] = weightOf(0);
        continue;
      }
      const count = 4 * Math.ceil(((last - first) / stride + 1) / 4);
      const start = first - stride * Math.floor((count - ((last - first) / stride + 1)) / 2);
      combOffset.push(start);
      combWeights.push(weights.length);
      combCount.push(count);
      for (let i = 0, o = start; i < count; i++, o += stride) {
        weights.push(o >= 1 - side && o <= side ? weightOf(o) : 0);
      }
      before = Math.max(before, -start);
      after = Math.max(after, start + stride * (count - 1));
    }
    combStart.push(combOffset.length);
  }
  return {
    kind: 'table',
    up,
    down,
    before,
    after,
    stride,
    center,
    combStart: Int32Array.from(combStart),
    combOffset: Int32Array.from(combOffset),
    combWeights: Int32Array.from(combWeights),
    combCount: Int32Array.from(combCount),
    weights: Float64Array.from(weights),
  };
}

/** Least recently used first, so eviction takes the oldest. */
const cache = new Map<string, ResamplingFilter>();
let cachedBytes = 0;

function bytesOf(filter: ResamplingFilter): number {
  if (filter.kind === 'kernel') return 0; // it shares the one kernel table
  const { center, combStart, combOffset, combWeights, combCount, weights } = filter;
  return [center, combStart, combOffset, combWeights, combCount, weights].reduce(
    (sum, array) => sum + array.byteLength,
    0,
  );
}

/**
 * The (cached) filter for `fromRate → toRate`: a table when both terms of the reduced ratio are
 * at most 4096, else a kernel-reading filter. Rates must already be validated.
 *
 * @internal
 */
export function getPolyphaseFilter(fromRate: number, toRate: number): ResamplingFilter {
  const key = `${fromRate}>${toRate}`;
  let filter = cache.get(key);
  if (filter !== undefined) {
    cache.delete(key);
    cache.set(key, filter);
    return filter;
  }
  const g = gcd(fromRate, toRate);
  filter =
    Math.max(fromRate, toRate) / g <= MAX_TABLE_PERIOD
      ? designPolyphaseFilter(fromRate, toRate)
      : designKernelFilter(fromRate, toRate);
  cache.set(key, filter);
  cachedBytes += bytesOf(filter);
  // Any number of rate pairs may come and go; keep the most recently used within the budget.
  for (const [oldKey, old] of cache) {
    if (cachedBytes <= CACHE_BYTES || old === filter) break;
    cache.delete(oldKey);
    cachedBytes -= bytesOf(old);
  }
  return filter;
}
