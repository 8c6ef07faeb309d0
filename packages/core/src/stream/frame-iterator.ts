import { createResampler, type Resampler } from '../codec/resampler.js';
import type { Track } from '../protocol/messages.js';
import type { AudioFrame } from './audio-frame.js';
import { FrameQueue } from './frame-queue.js';

/** Options of {@link CallStream.frames}. */
export interface FramesOptions {
  /** Only frames of this track. Default: every track. */
  track?: Track;
  /** Resample to this rate (a whole number of Hz from 8000 to 192000) with a streaming resampler per track. Default: the stream's rate. */
  sampleRate?: number;
  /** Aborting ends the iterator: the pending `next()` rejects with an `AbortError`, like `events.on`. Default: none. */
  signal?: AbortSignal;
}

function abortError(signal: AbortSignal): Error {
  const err = new Error('The operation was aborted', { cause: signal.reason });
  err.name = 'AbortError';
  return err;
}

/**
 * One consumer of a stream's frames: filters by track, resamples, and buffers (bounded, oldest
 * dropped) until its async iterator reads. The stream pushes into every subscriber it has.
 */
export class FrameSubscriber {
  readonly #queue: FrameQueue<AudioFrame>;
  readonly #track: Track | undefined;
  readonly #rate: number | undefined;
  readonly #resamplers = new Map<Track, Resampler>();
  readonly #detach: (s: FrameSubscriber) => void;
  readonly #signal: AbortSignal | undefined;
  readonly #onAbort = (): void => {
    if (this.#signal !== undefined) this.#stop(abortError(this.#signal));
  };
  readonly #last = new Map<Track, AudioFrame>();
  #ended = false;

  constructor(
    options: FramesOptions,
    capacity: number,
    onDrop: () => void,
    detach: (s: FrameSubscriber) => void,
  ) {
    this.#track = options.track;
    this.#rate = options.sampleRate;
    this.#signal = options.signal;
    this.#detach = detach;
    this.#queue = new FrameQueue(capacity, onDrop);
    if (this.#signal?.aborted === true) this.#onAbort();
    else this.#signal?.addEventListener('abort', this.#onAbort, { once: true });
  }

  push(frame: AudioFrame): void {
    if (this.#track !== undefined && frame.track !== this.#track) return;
    const rate = this.#rate;
    if (rate === undefined || rate === frame.sampleRate) {
      this.#queue.push(frame);
      return;
    }
    let resampler = this.#resamplers.get(frame.track);
    if (resampler === undefined) {
      resampler = createResampler(frame.sampleRate, rate);
      this.#resamplers.set(frame.track, resampler);
    }
    this.#last.set(frame.track, frame);
    const samples = resampler.process(frame.samples);
    if (samples.length > 0) this.#queue.push({ ...frame, samples, sampleRate: rate });
  }

  /** The stream ended: emit what the resamplers still hold, then end (or throw `failure`). */
  end(failure?: unknown): void {
    if (this.#ended) return;
    const rate = this.#rate;
    for (const [track, resampler] of this.#resamplers) {
      const last = this.#last.get(track);
      const samples = resampler.flush();
      if (rate !== undefined && last !== undefined && samples.length > 0) {
        this.#queue.push({ ...last, samples, sampleRate: rate });
      }
    }
    this.#finish();
    this.#queue.end(failure);
  }

  #stop(failure?: unknown): void {
    this.#finish();
    this.#queue.close(failure);
  }

  #finish(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#signal?.removeEventListener('abort', this.#onAbort);
    this.#detach(this);
  }

  iterator(): AsyncIterableIterator<AudioFrame> {
    const it: AsyncIterableIterator<AudioFrame> = {
      next: () => this.#queue.next(),
      return: () => {
        this.#stop();
        return Promise.resolve({ value: undefined, done: true });
      },
      throw: (err?: unknown) => {
        this.#stop();
        return Promise.reject(err);
      },
      [Symbol.asyncIterator]: () => it,
    };
    return it;
  }
}
