/**
 * Streaming sample-rate conversion between any two whole rates from 8 to 192 kHz (8, 16, 24,
 * 48 kHz, and 11.025, 22.05, 44.1, 32, 96 kHz, …) with a polyphase windowed-sinc filter (see
 * `polyphase-filter.ts` for its response).
 *
 * Timing rules, for `N` input samples in total (`from` → `to` Hz):
 * - Output sample n is the input signal at input time n·from/to, exactly: the filter is
 *   symmetric, so there is no group delay to compensate and a tone is not shifted.
 * - `process()` returns every output sample whose filter window is complete, so it holds back
 *   half the filter length (25 samples of the lower rate: 3.1 ms at 8 kHz) until the next call
 *   or `flush()`.
 * - `flush()` treats the signal after the last input as silence and returns the rest, so the
 *   total output length is `floor(N·to/from + 1/2)` (N·to/from rounded half up), whatever the
 *   chunking. It then resets the resampler for a new stream.
 * - Chunked and one-shot processing compute every output sample from the same inputs in the
 *   same order: the results are identical.
 *
 * Where the engine has WebAssembly SIMD (Node.js 20 does), table filters run in the kernel of
 * `wasm-kernel.ts` (32-bit floats); elsewhere, and for filters too fine for a table, in
 * JavaScript (64-bit floats). Both follow the rules above; their samples differ by at most 1.
 */

import { CallstreamError } from '../errors.js';
import { renderKernel } from './kernel-filter.js';
import type { PolyphaseFilter, ResamplingFilter } from './polyphase-filter.js';
import { getPolyphaseFilter } from './polyphase-filter.js';
import { kernelHandles, renderWasm } from './wasm-kernel.js';

/** Input samples appended to the history at a time (so one-shot calls stay small in memory). */
const BLOCK = 4096;

/** Lowest sample rate {@link createResampler} takes, in Hz. */
export const MIN_RESAMPLER_RATE = 8000;
/** Highest sample rate {@link createResampler} takes, in Hz. */
export const MAX_RESAMPLER_RATE = 192000;

/**
 * The rates the platform streams at (8, 16, 24 and 48 kHz). {@link createResampler} converts
 * between any rates {@link isSupportedRate} accepts; this list is not the limit.
 */
export const RESAMPLER_RATES: readonly number[] = [8000, 16000, 24000, 48000];

/**
 * Whether {@link createResampler} takes `rate`: a whole number of Hz from 8000 to 192000.
 *
 * @example
 * if (!isSupportedRate(options.sampleRate)) throw new TypeError('Invalid option "sampleRate"');
 */
export function isSupportedRate(rate: number): boolean {
  return Number.isInteger(rate) && rate >= MIN_RESAMPLER_RATE && rate <= MAX_RESAMPLER_RATE;
}

/** A streaming resampler; see {@link createResampler}. */
export interface Resampler {
  /** Converts the next chunk (any length, empty included); returns what is ready so far. */
  process(pcm: Int16Array): Int16Array;
  /** Ends the stream: returns the remaining output, then resets. */
  flush(): Int16Array;
  /** Forgets all input, to start a new stream. */
  reset(): void;
}

function checkRate(rate: number, name: string): void {
  if (!isSupportedRate(rate)) {
    throw new CallstreamError(
      'ERR_UNSUPPORTED_FORMAT',
      `Unsupported ${name} ${String(rate)}: the resampler takes whole rates from ${MIN_RESAMPLER_RATE} to ${MAX_RESAMPLER_RATE} Hz`,
    );
  }
}

class PolyphaseResampler implements Resampler {
  readonly #filter: ResamplingFilter;
  /** Whether the WebAssembly kernel computes the outputs (fixed for the resampler's life). */
  readonly #wasm: boolean;
  /**
   * Input history; `#history[0]` is input sample `#start` (negative = leading zeros). As
   * samples for the kernel (4 KB), as floats for the JavaScript path, which then converts no
   * tap.
   */
  #history: Int16Array | Float64Array;
  #start = 0;
  #length = 0;
  /** Input samples received since the last reset. */
  #received = 0;
  /** Next output sample, its phase and the last input sample at or before it. */
  #next = 0;
  #phase = 0;
  #base = 0;

  constructor(filter: ResamplingFilter, wasm: boolean) {
    this.#filter = filter;
    this.#wasm = wasm;
    this.#history = wasm ? new Int16Array(2048) : new Float64Array(2048);
    this.reset();
  }

  reset(): void {
    // The signal before the first sample is silence: the first windows read `before` zeros.
    const before = this.#filter.before;
    this.#history.fill(0, 0, before);
    this.#start = -before;
    this.#length = before;
    this.#received = 0;
    this.#next = 0;
    this.#phase = 0;
    this.#base = 0;
  }

  process(pcm: Int16Array): Int16Array {
    const out = new Int16Array(this.#readyAfter(this.#received + pcm.length) - this.#next);
    // Long inputs go through the history a block at a time, so it stays small.
    let written = 0;
    for (let from = 0; from < pcm.length; from += BLOCK) {
      const count = Math.min(BLOCK, pcm.length - from);
      this.#append(pcm, from, count);
      this.#received += count;
      const ready = this.#readyAfter(this.#received) - this.#next;
      this.#render(out, written, ready);
      written += ready;
    }
    return out;
  }

  flush(): Int16Array {
    const { up, down, after } = this.#filter;
    // floor(N·up/down + 1/2) in integers: the rounded output length. The last of those outputs
    // sits before input N, so its window ends at most `after` samples past the last input.
    const total = Math.floor((2 * this.#received * up + down) / (2 * down));
    this.#append(undefined, 0, after);
    const tail = new Int16Array(total - this.#next);
    this.#render(tail, 0, tail.length);
    this.reset();
    return tail;
  }

  /** How many output samples are complete once `received` inputs have arrived. */
  #readyAfter(received: number): number {
    // Output n is ready when its last tap, input base(n) + after, has arrived.
    const { up, down, after } = this.#filter;
    const lastReady = received - 1 - after;
    return lastReady < 0 ? 0 : Math.ceil(((lastReady + 1) * up) / down);
  }

  /**
   * Appends `pcm[from … from + count)` (or `count` zeros), first dropping the history that no
   * window needs any more when the buffer is full.
   */
  #append(pcm: Int16Array | undefined, from: number, count: number): void {
    const keepFrom = this.#base - this.#filter.before; // the oldest input the next window reads
    const drop = keepFrom - this.#start;
    if (this.#length + count > this.#history.length) {
      const kept = this.#length - drop;
      if (kept + count > this.#history.length) {
        const size = Math.max(2 * this.#history.length, kept + count);
        const bigger = this.#wasm ? new Int16Array(size) : new Float64Array(size);
        bigger.set(this.#history.subarray(drop, this.#length));
        this.#history = bigger;
      } else {
        this.#history.copyWithin(0, drop, this.#length);
      }
      this.#start = keepFrom;
      this.#length = kept;
    }
    const history = this.#history;
    if (pcm === undefined) history.fill(0, this.#length, this.#length + count);
    else history.set(pcm.subarray(from, from + count), this.#length);
    this.#length += count;
  }

  /** Computes the next `count` output samples from the history into `out[at …]`. */
  #render(out: Int16Array, at: number, count: number): void {
    const filter = this.#filter;
    if (filter.kind === 'table') {
      if (this.#wasm) {
        const history = this.#history as Int16Array;
        renderWasm(filter, history, this.#start, this.#base, this.#phase, out, at, count);
        const phases = this.#phase + count * filter.down;
        this.#base += Math.floor(phases / filter.up);
        this.#phase = phases % filter.up;
      } else {
        this.#renderTable(filter, out, at, count);
      }
    } else {
      renderKernel(filter, this.#history, this.#start, this.#base, this.#phase, out, at, count);
      // The position moves by count·down/up inputs (exact in integers).
      const phases = this.#phase + count * filter.down;
      this.#base += Math.floor(phases / filter.up);
      this.#phase = phases % filter.up;
    }
    this.#next += count;
  }

  /** {@link #render} with a table of phases: its weights are read in a fixed order. */
  #renderTable(filter: PolyphaseFilter, out: Int16Array, at: number, count: number): void {
    const { up, down, stride, center, combStart, combOffset, combWeights, combCount, weights } =
      filter;
    const history = this.#history as Float64Array;
    const start = this.#start;
    const stride2 = 2 * stride;
    const stride3 = 3 * stride;
    let phase = this.#phase;
    let base = this.#base;
    for (let n = 0; n < count; n++) {
      const i = base - start; // history index of input `base`
      // Four partial sums shorten the floating-point dependency chain. The order of the terms
      // is fixed per phase, so results do not depend on chunking.
      let a0 = history[i]! * center[phase]!;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      for (let c = combStart[phase]!, cEnd = combStart[phase + 1]!; c < cEnd; c++) {
        const k0 = i + combOffset[c]!;
        const w0 = combWeights[c]!;
        const taps = combCount[c]!;
        for (let j = 0; j < taps; j += 4) {
          const k = k0 + j * stride;
          const w = w0 + j;
          a0 += history[k]! * weights[w]!;
          a1 += history[k + stride]! * weights[w + 1]!;
          a2 += history[k + stride2]! * weights[w + 2]!;
          a3 += history[k + stride3]! * weights[w + 3]!;
        }
      }
      let v = Math.round(a0 + a1 + (a2 + a3));
      if (v > 32767) v = 32767;
      else if (v < -32768) v = -32768;
      out[at + n] = v;
      phase += down;
      while (phase >= up) {
        phase -= up;
        base++;
      }
    }
    this.#phase = phase;
    this.#base = base;
  }
}

class PassthroughResampler implements Resampler {
  process(pcm: Int16Array): Int16Array {
    return pcm.slice();
  }
  flush(): Int16Array {
    return new Int16Array(0);
  }
  reset(): void {}
}

/**
 * Creates a streaming resampler from `fromRate` to `toRate`, each a whole number of Hz from 8000
 * to 192000 (see {@link isSupportedRate}). Output is anti-aliased (cut-off at the lower rate's
 * Nyquist frequency), time-aligned with the input (no delay to compensate) and
 * independent of how the input is chunked; `flush()` completes it to
 * `round(inputLength · toRate / fromRate)` samples. Same-rate conversion copies.
 *
 * @throws CallstreamError `ERR_UNSUPPORTED_FORMAT` naming the rate that is not supported.
 * @example
 * const down = createResampler(16000, 8000);
 * for await (const frame of stream) send(down.process(frame.samples)); // 320 → ~160 samples
 * send(down.flush());
 */
export function createResampler(fromRate: number, toRate: number): Resampler {
  return createResamplerOn(fromRate, toRate, 'auto');
}

/**
 * {@link createResampler} on a chosen path: `'js'` always computes in JavaScript, `'wasm'` in
 * the WebAssembly SIMD kernel where it takes the filter (see `wasm-kernel.ts`), `'auto'` is
 * `'wasm'`. For tests and benchmarks.
 *
 * @example
 * const fallback = createResamplerOn(8000, 16000, 'js'); // as on an engine without SIMD
 * @internal
 */
export function createResamplerOn(
  fromRate: number,
  toRate: number,
  path: 'auto' | 'wasm' | 'js',
): Resampler {
  checkRate(fromRate, 'input sample rate');
  checkRate(toRate, 'output sample rate');
  if (fromRate === toRate) return new PassthroughResampler();
  const filter = getPolyphaseFilter(fromRate, toRate);
  return new PolyphaseResampler(
    filter,
    path !== 'js' && filter.kind === 'table' && kernelHandles(filter),
  );
}

/**
 * Resamples a whole signal at once: `createResampler(fromRate, toRate)`, `process`, `flush`.
 * The result has `round(pcm.length · toRate / fromRate)` samples.
 *
 * @example
 * const pcm8k = resample(pcm16k, 16000, 8000);
 */
export function resample(pcm: Int16Array, fromRate: number, toRate: number): Int16Array {
  const resampler = createResampler(fromRate, toRate);
  const head = resampler.process(pcm);
  const tail = resampler.flush();
  if (tail.length === 0) return head;
  const out = new Int16Array(head.length + tail.length);
  out.set(head);
  out.set(tail, head.length);
  return out;
}
