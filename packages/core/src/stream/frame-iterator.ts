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
 * dropped) until its async iterator reads. The stream pushes into every subscriber it has. It is
 * its own queue (one object less on the per-frame path).
 */
export class FrameSubscriber extends FrameQueue<AudioFrame> {
  readonly #track: Track | undefined;
  readonly #rate: number | undefined;
  /** Per track, created with the first frame that needs resampling. */
  #resamplers: Map<Track, TrackResampler> | undefined;
  readonly #detach: (s: FrameSubscriber) => void;
  readonly #signal: AbortSignal | undefined;
  /** The abort listener, when there is a signal. */
  #onAbort: (() => void) | undefined;
  /** What the resamplers emit into, created with the first of them. */
  #enqueue: ((frame: AudioFrame) => void) | undefined;
  #ended = false;

  constructor(
    options: FramesOptions,
    capacity: number,
    onDrop: () => void,
    detach: (s: FrameSubscriber) => void,
  ) {
    super(capacity, onDrop);
    this.#track = options.track;
    this.#rate = options.sampleRate;
    this.#signal = options.signal;
    this.#detach = detach;
    const signal = this.#signal;
    if (signal === undefined) return;
    if (signal.aborted) {
      this.#stop(abortError(signal));
      return;
    }
    this.#onAbort = () => this.#stop(abortError(signal));
    signal.addEventListener('abort', this.#onAbort, { once: true });
  }

  /** The only track this subscriber takes, if one. */
  get track(): Track | undefined {
    return this.#track;
  }

  /** True once it takes no more frames (ended, broken out of or aborted). */
  get done(): boolean {
    return this.#ended;
  }

  override push(frame: AudioFrame): void {
    if (this.#track !== undefined && frame.track !== this.#track) return;
    const rate = this.#rate;
    if (rate === undefined || rate === frame.sampleRate) {
      super.push(frame);
      return;
    }
    this.#resamplers ??= new Map();
    this.#enqueue ??= (out) => super.push(out);
    let resampler = this.#resamplers.get(frame.track);
    if (resampler === undefined) {
      resampler = new TrackResampler(frame.sampleRate, rate);
      this.#resamplers.set(frame.track, resampler);
    }
    resampler.push(frame, this.#enqueue);
  }

  /** The stream ended: emit what the resamplers still hold, then end (or throw `failure`). */
  override end(failure?: unknown): void {
    if (this.#ended) return;
    const enqueue = this.#enqueue;
    if (this.#resamplers !== undefined && enqueue !== undefined) {
      for (const resampler of this.#resamplers.values()) resampler.flush(enqueue);
    }
    this.#finish();
    super.end(failure);
  }

  /** The reader broke out (or aborted): drop what is buffered and take no more frames. */
  stop(failure?: unknown): void {
    this.#stop(failure);
  }

  #stop(failure?: unknown): void {
    this.#finish();
    this.close(failure);
  }

  #finish(): void {
    if (this.#ended) return;
    this.#ended = true;
    if (this.#onAbort !== undefined) this.#signal?.removeEventListener('abort', this.#onAbort);
    this.#detach(this);
  }

  iterator(): AsyncIterableIterator<AudioFrame> {
    return new SubscriberIterator(this);
  }
}

/**
 * The async iterator a reader gets: only `next`, `return` and `throw` of its subscriber. A class,
 * so that its methods live once on the prototype instead of as closures per iterator.
 */
class SubscriberIterator implements AsyncIterableIterator<AudioFrame> {
  readonly #sub: FrameSubscriber;

  constructor(sub: FrameSubscriber) {
    this.#sub = sub;
  }

  next(): Promise<IteratorResult<AudioFrame>> {
    return this.#sub.next();
  }

  return(): Promise<IteratorResult<AudioFrame>> {
    this.#sub.stop();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(err?: unknown): Promise<IteratorResult<AudioFrame>> {
    this.#sub.stop();
    return Promise.reject(err);
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<AudioFrame> {
    return this;
  }
}
