/**
 * The resampler's kernel, a Kaiser-windowed sinc, and the filter that reads its weights straight
 * off the kernel: for rate pairs whose reduced ratio up/down is too fine for a table of phases
 * (say 44101 → 8000 Hz, 8000/44101), see `polyphase-filter.ts` for the tables.
 *
 * The kernel is sampled once, KERNEL_STEPS entries per sample of the lower rate, and each weight
 * interpolated linearly between two entries (error below -100 dB). Only the kernel is
 * interpolated, never the signal: the response is the tables' (see `polyphase-filter.ts`).
 */

/** Half the kernel length, in samples of the lower rate (so 3.1 ms at 8 kHz). */
export const HALF_WIDTH = 25;
/** Kaiser window shape: β = 0.1102 · (A - 8.7) for a stop band A = 80 dB down. */
export const KAISER_BETA = 7.857;
/** Entries of the sampled kernel per sample of the lower rate. */
const KERNEL_STEPS = 512;

/** What every resampling filter declares: its ratio and how far its taps reach. */
export interface RateFilter {
  /** Output rate / gcd: the number of phases. */
  readonly up: number;
  /** Input rate / gcd: how many phases to advance per output sample. */
  readonly down: number;
  /**
   * How far the taps reach around `base`, the last input at or before the output instant:
   * inputs `base - before … base + after`.
   */
  readonly before: number;
  readonly after: number;
}

/**
 * A filter that computes its weights per output: the weight of the input at distance `d` (in
 * input samples) from the output instant is the kernel at `x = |d| · scale`, interpolated
 * between `values[floor(x)]` and the next entry (`slopes` holds their differences). The weights
 * of one output are divided by their sum, for unity gain at DC.
 */
export interface KernelFilter extends RateFilter {
  readonly kind: 'kernel';
  readonly scale: number;
  readonly values: Float64Array;
  readonly slopes: Float64Array;
}

export function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/** Modified Bessel function of the first kind, order 0 (power series; converges fast here). */
export function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; term > sum * 1e-17; k++) {
    term *= q / (k * k);
    sum += term;
  }
  return sum;
}

let sampled: { values: Float64Array; slopes: Float64Array } | undefined;

/** The kernel at x = k / KERNEL_STEPS lower-rate samples from its center; 0 from HALF_WIDTH on. */
function sampledKernel(): { values: Float64Array; slopes: Float64Array } {
  if (sampled !== undefined) return sampled;
  // Reads reach x < HALF_WIDTH + 1 (a tap may sit one input past the half width), plus one.
  const values = new Float64Array((HALF_WIDTH + 1) * KERNEL_STEPS + 2);
  const i0Beta = besselI0(KAISER_BETA);
  for (let k = 0; k < HALF_WIDTH * KERNEL_STEPS; k++) {
    // The sinc's zeros stay exact zeros: an output on an input sample is then that sample.
    if (k % KERNEL_STEPS === 0 && k !== 0) continue;
    const r = k / (HALF_WIDTH * KERNEL_STEPS);
    const arg = (Math.PI * k) / KERNEL_STEPS;
    const sinc = k === 0 ? 1 : Math.sin(arg) / arg;
    values[k] = sinc * (besselI0(KAISER_BETA * Math.sqrt(1 - r * r)) / i0Beta);
  }
  const slopes = new Float64Array(values.length);
  for (let k = 0; k + 1 < values.length; k++) slopes[k] = values[k + 1]! - values[k]!;
  sampled = { values, slopes };
  return sampled;
}

/**
 * Builds the kernel-reading filter for `fromRate → toRate` (no caching, no rate check).
 *
 * @internal
 */
export function designKernelFilter(fromRate: number, toRate: number): KernelFilter {
  const g = gcd(fromRate, toRate);
  const up = toRate / g;
  const down = fromRate / g;
  // As in the tables: the kernel stretches by 1/bandwidth in input samples on downsampling.
  const bandwidth = Math.min(1, up / down);
  const side = Math.ceil(HALF_WIDTH / bandwidth);
  const { values, slopes } = sampledKernel();
  const scale = bandwidth * KERNEL_STEPS;
  return { kind: 'kernel', up, down, before: side - 1, after: side, scale, values, slopes };
}

/**
 * Computes `count` outputs into `out[at …]`, the first at `phase`/`up` past input `base`, which
 * is `history[base - start]`; the history must hold every input their taps reach.
 *
 * @internal
 */
export function renderKernel(
  filter: KernelFilter,
  history: Int16Array | Float64Array,
  start: number,
  base: number,
  phase: number,
  out: Int16Array,
  at: number,
  count: number,
): void {
  const { up, down, before, after, scale, values, slopes } = filter;
  const whole = Math.floor(down / up);
  const step = down - whole * up;
  for (let n = 0; n < count; n++) {
    const i = base - start;
    const offset = phase / up; // the output instant, in input samples past `base`
    let acc = 0;
    let sum = 0;
    // Inputs at or before the output instant, then after it: |distance| without Math.abs.
    for (let o = -before; o <= 0; o++) {
      const x = (offset - o) * scale;
      const k = Math.floor(x);
      const w = values[k]! + (x - k) * slopes[k]!;
      acc += history[i + o]! * w;
      sum += w;
    }
    for (let o = 1; o <= after; o++) {
      const x = (o - offset) * scale;
      const k = Math.floor(x);
      const w = values[k]! + (x - k) * slopes[k]!;
      acc += history[i + o]! * w;
      sum += w;
    }
    let v = Math.round(acc / sum);
    if (v > 32767) v = 32767;
    else if (v < -32768) v = -32768;
    out[at + n] = v;
    base += whole;
    phase += step;
    if (phase >= up) {
      phase -= up;
      base++;
    }
  }
}
