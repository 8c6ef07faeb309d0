/**
 * Quality of a resampler on one rate pair, from sine tests (no FFT needed):
 *
 * - THD+N at 0.85 × the lower rate's Nyquist frequency (+ √2 Hz, see below): a 1 s tone at -6 dBFS goes through; over
 *   the output's middle (50 ms off each end) the best-fitting sine at the tone's frequency
 *   (least squares: sine, cosine and DC) is taken out; THD+N is the power of what is left
 *   (distortion, images, aliases, rounding) against the sine's, in dB. A gain or delay of the
 *   resampler does not count; 16-bit rounding alone gives about -92 dB at this level.
 * - Alias rejection (downsampling): tones from 1.15 × the output's Nyquist frequency up to 0.95 × the
 *   input's go through, and the level of whatever comes out (it can only be aliases) is compared
 *   with the input's; the worst tone counts. Image rejection (upsampling): the images of the 0.85 × Nyquist tone
 *   (at k·from ± f, below the output's Nyquist frequency) are fitted like the tone, in the output
 *   less the tone, and their total power is compared with the tone's. In dB down, so larger is better.
 */

export type Convert = (pcm: Int16Array) => Int16Array;

export interface Quality {
  /** dB, negative; ≤ -80 is the goal. */
  thdPlusNoiseDb: number;
  /** Alias rejection (downsampling) or image rejection (upsampling), dB down; ≥ 80 is the goal. */
  rejectionDb: number;
  rejection: 'alias' | 'image';
}

const AMPLITUDE = 16000;
const EDGE_SECONDS = 0.05;

function tone(hz: number, rate: number, seconds: number): Int16Array {
  return Int16Array.from({ length: Math.round(rate * seconds) }, (_, n) =>
    Math.round(AMPLITUDE * Math.sin((2 * Math.PI * hz * n) / rate)),
  );
}

function middle(pcm: Int16Array, rate: number): Int16Array {
  const edge = Math.round(rate * EDGE_SECONDS);
  return pcm.subarray(edge, pcm.length - edge);
}

/** Least-squares fit of a·sin + b·cos (+ c, when `dc`) at `hz`: the fitted values. */
function fitSine(pcm: ArrayLike<number>, hz: number, rate: number, dc: boolean): Float64Array {
  const w = (2 * Math.PI * hz) / rate;
  // Normal equations of [sin, cos, 1].
  const m = [
    [0, 0, 0],
    [0, 0, 0],
    [0, 0, 0],
  ];
  const v = [0, 0, 0];
  for (let n = 0; n < pcm.length; n++) {
    const basis = [Math.sin(w * n), Math.cos(w * n), dc ? 1 : 0];
    for (let i = 0; i < 3; i++) {
      v[i]! += basis[i]! * pcm[n]!;
      for (let j = 0; j < 3; j++) m[i]![j]! += basis[i]! * basis[j]!;
    }
  }
  if (!dc) m[2]![2] = 1;
  const [a, b, c] = solve3(m, v);
  return Float64Array.from(
    { length: pcm.length },
    (_, n) => a * Math.sin(w * n) + b * Math.cos(w * n) + c,
  );
}

function solve3(m: number[][], v: number[]): [number, number, number] {
  const det = (x: number[][]): number =>
    x[0]![0]! * (x[1]![1]! * x[2]![2]! - x[1]![2]! * x[2]![1]!) -
    x[0]![1]! * (x[1]![0]! * x[2]![2]! - x[1]![2]! * x[2]![0]!) +
    x[0]![2]! * (x[1]![0]! * x[2]![1]! - x[1]![1]! * x[2]![0]!);
  const d = det(m);
  const column = (k: number): number =>
    det(m.map((row, i) => row.map((x, j) => (j === k ? v[i]! : x))));
  return [column(0) / d, column(1) / d, column(2) / d];
}

function power(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]! * values[i]!;
  return sum / values.length;
}

const db = (ratio: number): number => 10 * Math.log10(ratio);

/** Measures `makeConverter(from, to)`'s quality; each tone gets a fresh converter. */
export function measureQuality(
  fromRate: number,
  toRate: number,
  makeConverter: () => Convert,
): Quality {
  const nyquist = Math.min(fromRate, toRate) / 2;
  // A hair off 0.85 × Nyquist (√2 Hz): at exactly 0.85 the tone is a ratio of small integers of
  // both rates, so the 16-bit rounding error of input and output repeats every few samples and
  // lands as lines on the image frequencies, which would be measured instead of the filter.
  const hz = 0.85 * nyquist + Math.SQRT2;
  const out = middle(makeConverter()(tone(hz, fromRate, 1)), toRate);
  const fitted = fitSine(out, hz, toRate, true);
  const residual = Float64Array.from(out, (x, n) => x - fitted[n]!);
  const thdPlusNoiseDb = db(power(residual) / power(fitted));
  let rejectionDb: number;
  if (fromRate > toRate) {
    let worst = 0;
    for (let k = 1.15; k * (toRate / 2) < 0.95 * (fromRate / 2); k += 0.25) {
      const input = tone(k * (toRate / 2), fromRate, 0.5);
      const aliased = middle(makeConverter()(input), toRate);
      worst = Math.max(worst, power(aliased) / power(middle(input, fromRate)));
    }
    rejectionDb = -db(worst);
  } else {
    let images = 0;
    for (let k = 1; k * fromRate - hz < toRate / 2; k++) {
      for (const image of [k * fromRate - hz, k * fromRate + hz]) {
        // Fitted in what is left without the tone: next to the tone's 90 dB more, even a
        // least-squares fit over a second picks up about -70 dB of it.
        if (image < toRate / 2) images += power(fitSine(residual, image, toRate, false));
      }
    }
    rejectionDb = -db(images / power(fitted));
  }
  return { thdPlusNoiseDb, rejectionDb, rejection: fromRate > toRate ? 'alias' : 'image' };
}
