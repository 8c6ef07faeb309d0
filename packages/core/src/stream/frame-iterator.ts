import type { Track } from '../protocol/messages.js';
import type { AudioFrame } from './audio-frame.js';
import { FrameQueue } from './frame-queue.js';
import { TrackResampler } from './track-resampler.js';

/** Options of {@link CallStream.frames}. */
export interface FramesOptions {
  /** Only frames of this track. Default: every track. */
  track?: Track;
  /**
   * Resample to this rate (a whole number of Hz from 8000 to 192000) with a streaming resampler
   * per track. Each frame is then 20 ms of audio (`sampleRate / 50` samples; for a rate that is
   * not a multiple of 50 Hz the lengths alternate so that they add up), timed by the input frame
   * it starts in. The resampler's look-ahead makes each such frame come one input frame later.
   * Default: the stream's rate, frames as they arrive.
   */
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
  readonly #resamplers = new Map<Track, TrackResampler>();
  readonly #detach: (s: FrameSubscriber) => void;
  readonly #signal: AbortSignal | undefined;
  readonly #onAbort = (): void => {
    if (this.#signal !== undefined) this.#stop(abortError(this.#signal));
  };
  readonly #enqueue = (frame: AudioFrame): void => this.#queue.push(frame);
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

  /** The only track this subscriber takes, if one. */
  get track(): Track | undefined {
    return this.#track;
  }

  /** True once it takes no more frames (ended, broken out of or aborted). */
  get done(): boolean {
    return this.#ended;
  }

  /** Changes how many frames it buffers (see `FrameQueue.setCapacity`). */
  setCapacity(capacity: number): void {
    this.#queue.setCapacity(capacity);
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
      resampler = new TrackResampler(frame.sampleRate, rate);
      this.#resamplers.set(frame.track, resampler);
    }
    resampler.push(frame, this.#enqueue);
  }

  /** The stream ended: emit what the resamplers still hold, then end (or throw `failure`). */
  end(failure?: unknown): void {
    if (this.#ended) return;
    for (const resampler of this.#resamplers.values()) resampler.flush(this.#enqueue);
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
