import { createResampler, type Resampler } from '../codec/resampler.js';
import type { AudioFrame } from './audio-frame.js';

/** Where the input frame that output frames may start in begins, in input samples. */
interface InputSpan {
  start: number;
  frame: AudioFrame;
}

/**
 * The frames of one track at another rate, cut into 20 ms frames. The streaming resampler holds
 * back its look-ahead (half its filter: 3.1 ms at 8 kHz) until more input arrives, so its output
 * per input frame is uneven (268, 320, 320, … samples for 8 → 16 kHz) and its `flush()` adds the
 * rest at the end. This re-frames that output: frame `k` holds output samples `[B(k), B(k+1))`
 * with `B(k) = round(k · rate / 50)`, that is `rate / 50` samples (a rate that is not a multiple
 * of 50 Hz alternates lengths so that no drift builds up).
 *
 * The resampler compensates its own delay (output sample `n` is the input at time
 * `n · from / to`), so output frame `k` starts at input position `B(k) · from / to`: it takes the
 * `timestamp` of the input frame holding that position (plus the offset into it), and that
 * frame's `chunk` and `sequenceNumber`. For 20 ms input frames, output frame `k` is input frame
 * `k` at the new rate, sample for sample what a one-shot resample of the whole track gives. The
 * price of the look-ahead: a resampled frame is yielded once the next input frame has arrived.
 * At the end, the rest is completed with silence to a whole frame (nothing is left for 20 ms
 * input frames).
 */
export class TrackResampler {
  readonly #rate: number;
  readonly #inRate: number;
  readonly #resampler: Resampler;
  /** Output samples not yet framed, `#pending[0 … #pendingLength)`. */
  #pending = new Int16Array(0);
  #pendingLength = 0;
  /** Index of the next output frame, and the output sample it starts at. */
  #frame = 0;
  #frameStart = 0;
  /** Input samples received; the input frames an output frame may still start in, oldest first. */
  #received = 0;
  readonly #inputs: InputSpan[] = [];

  constructor(inRate: number, rate: number) {
    this.#inRate = inRate;
    this.#rate = rate;
    this.#resampler = createResampler(inRate, rate);
  }

  /** Resamples one input frame; hands each 20 ms frame completed by it to `emit`. */
  push(frame: AudioFrame, emit: (frame: AudioFrame) => void): void {
    this.#inputs.push({ start: this.#received, frame });
    this.#received += frame.samples.length;
    this.#append(this.#resampler.process(frame.samples));
    this.#emitWhole(emit);
  }

  /** The track ended: emits the resampler's rest, the last frame completed with silence. */
  flush(emit: (frame: AudioFrame) => void): void {
    if (this.#inputs.length === 0) return;
    this.#append(this.#resampler.flush());
    this.#emitWhole(emit);
    if (this.#pendingLength > 0) {
      this.#pending.fill(0, this.#pendingLength, this.#frameLength());
      this.#pendingLength = this.#frameLength();
      this.#emitWhole(emit);
    }
  }

  /** Samples of output frame `#frame`: `B(k + 1) - B(k)`, with `B(k) = round(k · rate / 50)`. */
  #frameLength(): number {
    return Math.floor(((this.#frame + 1) * this.#rate * 2 + 50) / 100) - this.#frameStart;
  }

  #append(samples: Int16Array): void {
    const needed = this.#pendingLength + samples.length;
    if (needed > this.#pending.length) {
      const bigger = new Int16Array(Math.max(needed, 2 * this.#frameLength() + samples.length));
      bigger.set(this.#pending.subarray(0, this.#pendingLength));
      this.#pending = bigger;
    }
    this.#pending.set(samples, this.#pendingLength);
    this.#pendingLength = needed;
  }

  #emitWhole(emit: (frame: AudioFrame) => void): void {
    for (let length = this.#frameLength(); this.#pendingLength >= length;) {
      const samples = this.#pending.slice(0, length);
      this.#pending.copyWithin(0, length, this.#pendingLength);
      this.#pendingLength -= length;
      emit(this.#frameAt(samples));
      this.#frame++;
      this.#frameStart += length;
      length = this.#frameLength();
    }
  }

  /** The output frame starting at `#frameStart`, timed by the input frame holding its start. */
  #frameAt(samples: Int16Array): AudioFrame {
    const position = (this.#frameStart * this.#inRate) / this.#rate;
    const inputs = this.#inputs;
    while (inputs.length > 1 && (inputs[1] as InputSpan).start <= position) inputs.shift();
    const { start, frame } = inputs[0] as InputSpan;
    return {
      track: frame.track,
      samples,
      sampleRate: this.#rate,
      timestamp: frame.timestamp + ((position - start) * 1000) / this.#inRate,
      chunk: frame.chunk,
      sequenceNumber: frame.sequenceNumber,
    };
  }
}
