import { isSupportedRate } from '../codec/resampler.js';
import type { AudioFrame } from './audio-frame.js';
import { FrameSubscriber, type FramesOptions } from './frame-iterator.js';
import type { StreamStats } from './stats.js';

/** Throws a `TypeError` naming the first invalid option of `frames()`. */
export function checkFramesOptions(options: FramesOptions): void {
  const { track, sampleRate } = options;
  if (track !== undefined && track !== 'inbound' && track !== 'outbound') {
    throw new TypeError(`Invalid option "track": 'inbound' or 'outbound' (got ${String(track)})`);
  }
  if (sampleRate !== undefined && !isSupportedRate(sampleRate)) {
    throw new TypeError(
      `Invalid option "sampleRate": a whole number of Hz from 8000 to 192000 (got ${String(sampleRate)})`,
    );
  }
}

/**
 * Hands each decoded frame to every consumer of a stream: its iterators, and (through the
 * callback) its `media` listeners. Until the first consumer attaches, frames are kept (bounded,
 * oldest dropped) so that a slow per-call setup loses nothing; that consumer gets them first.
 */
export class FrameFanout {
  readonly #subscribers = new Set<FrameSubscriber>();
  readonly #frameCap: number;
  readonly #stats: StreamStats;
  #early: AudioFrame[] | undefined = [];
  #ended = false;
  #failure: unknown;

  constructor(bufferMs: number, stats: StreamStats) {
    this.#frameCap = Math.ceil(bufferMs / 20);
    this.#stats = stats;
  }

  /** True until the first consumer has taken the frames kept for it. */
  get keeping(): boolean {
    return this.#early !== undefined;
  }

  /** A new iterator; it starts with the kept frames if it is the first consumer. */
  subscribe(options: FramesOptions): AsyncIterableIterator<AudioFrame> {
    checkFramesOptions(options);
    const capacity = this.#frameCap * (options.track === undefined ? 2 : 1);
    const sub = new FrameSubscriber(
      options,
      capacity,
      () => this.#stats.dropped++,
      (s) => this.#subscribers.delete(s),
    );
    for (const frame of this.takeKept()) sub.push(frame);
    if (this.#ended) sub.end(this.#failure);
    else this.#subscribers.add(sub);
    return sub.iterator();
  }

  /** Ends consumption by the first consumer: returns the kept frames (once) and stops keeping. */
  takeKept(): AudioFrame[] {
    const early = this.#early ?? [];
    this.#early = undefined;
    return early;
  }

  /** Delivers one frame, or keeps it while nobody consumes yet. */
  deliver(frame: AudioFrame, emitMedia: (frame: AudioFrame) => void): void {
    const early = this.#early;
    if (early !== undefined) {
      if (early.length >= this.#frameCap * 2) {
        early.shift();
        this.#stats.dropped++;
      }
      early.push(frame);
      return;
    }
    emitMedia(frame);
    for (const sub of this.#subscribers) sub.push(frame);
  }

  /** The stream ended: iterators drain and finish (or throw `failure`). Kept frames stay for a late consumer. */
  end(failure: unknown): void {
    this.#ended = true;
    this.#failure = failure;
    for (const sub of [...this.#subscribers]) sub.end(failure);
    this.#subscribers.clear();
  }
}
