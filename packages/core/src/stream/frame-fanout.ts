import type { EventEmitter } from 'node:events';
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

/** Anything that takes the stream's frames: an iterator's subscriber, or the `media` listeners. */
export interface FrameConsumer {
  push(frame: AudioFrame): void;
}

/** Frames per track that `bufferMs` stands for (platform frames are 20 ms). */
function framesFor(bufferMs: number): number {
  return Math.ceil(bufferMs / 20);
}

/**
 * Hands each decoded frame to every consumer of a stream, in the order they attached: its
 * iterators, and its `media` listeners (as one consumer, from the first listener on). It alone
 * decides who gets which frame.
 *
 * Until the first consumer attaches, frames are kept (bounded, oldest dropped) so that a slow
 * per-call setup loses nothing. They are handed out one microtask after that first attachment,
 * to every consumer attached by then, so a `media` listener and an iterator set up in the same
 * tick both start with the first frame. A consumer that attaches later starts with the live
 * frames.
 *
 * Every buffer (the kept frames, each iterator's) holds `bufferMs` of audio per track the
 * consumer sees: per announced track once `start` has said how many there are.
 */
export class FrameFanout {
  readonly #consumers = new Set<FrameConsumer>();
  /** The consumer when there is exactly one (the usual case), so delivery skips the set. */
  #only: FrameConsumer | undefined;
  readonly #subscribers = new Set<FrameSubscriber>();
  readonly #perTrack: number;
  readonly #stats: StreamStats;
  #tracks = 2;
  #early: AudioFrame[] | undefined = [];
  #handOutQueued = false;
  #ended = false;
  #failure: unknown;

  constructor(bufferMs: number, stats: StreamStats) {
    this.#perTrack = framesFor(bufferMs);
    this.#stats = stats;
  }

  /** `start` arrived: buffers hold `bufferMs` for each of `tracks` tracks (1 or 2). */
  setTrackCount(tracks: number): void {
    this.#tracks = Math.max(1, tracks);
    for (const sub of this.#subscribers) sub.setCapacity(this.#capacity(sub.track !== undefined));
  }

  /** A new iterator. */
  subscribe(options: FramesOptions): AsyncIterableIterator<AudioFrame> {
    checkFramesOptions(options);
    const sub = new FrameSubscriber(
      options,
      this.#capacity(options.track !== undefined),
      () => this.#stats.dropped++,
      (s) => this.#detach(s),
    );
    if (sub.done) return sub.iterator(); // its signal was aborted already
    if (this.#ended) {
      // Nothing more comes: a late iterator gets what was kept for the first consumer.
      for (const frame of this.#early ?? []) sub.push(frame);
      sub.end(this.#failure);
      return sub.iterator();
    }
    this.#subscribers.add(sub);
    this.#attach(sub);
    return sub.iterator();
  }

  /** The stream's `media` listeners, as one consumer (attached with the first listener). */
  listen(consumer: FrameConsumer): void {
    if (!this.#ended) this.#attach(consumer);
  }

  /** The last `media` listener is gone. */
  unlisten(consumer: FrameConsumer): void {
    this.#consumers.delete(consumer);
    this.#consumersChanged();
  }

  /**
   * Makes `consumer` (which emits `media` on `emitter`) one consumer of this fan-out while
   * `emitter` has `media` listeners: attached with the first, detached with the last.
   */
  followMediaListeners(emitter: EventEmitter, consumer: FrameConsumer): void {
    let listening = false;
    emitter.on('newListener', (event: string | symbol) => {
      if (event !== 'media' || listening) return;
      listening = true;
      this.listen(consumer);
    });
    emitter.on('removeListener', (event: string | symbol) => {
      if (event !== 'media' || emitter.listenerCount('media') > 0) return;
      listening = false;
      this.unlisten(consumer);
    });
  }

  /** Delivers one frame to every consumer, or keeps it while none has been handed the kept frames. */
  deliver(frame: AudioFrame): void {
    const early = this.#early;
    if (early !== undefined) {
      if (early.length >= this.#perTrack * this.#tracks) {
        early.shift();
        this.#stats.dropped++;
      }
      early.push(frame);
      return;
    }
    const only = this.#only;
    if (only !== undefined) only.push(frame);
    else for (const consumer of this.#consumers) consumer.push(frame);
  }

  /** The stream ended: iterators drain and finish (or throw `failure`). */
  end(failure: unknown): void {
    if (this.#ended) return;
    this.#handOut(); // consumers attached in this tick still get the kept frames
    this.#ended = true;
    this.#failure = failure;
    for (const sub of [...this.#subscribers]) sub.end(failure);
    this.#subscribers.clear();
    this.#consumers.clear();
    this.#consumersChanged();
  }

  #capacity(oneTrack: boolean): number {
    return this.#perTrack * (oneTrack ? 1 : this.#tracks);
  }

  #consumersChanged(): void {
    const consumers = this.#consumers;
    this.#only = consumers.size === 1 ? consumers.values().next().value : undefined;
  }

  #attach(consumer: FrameConsumer): void {
    this.#consumers.add(consumer);
    this.#consumersChanged();
    if (this.#early === undefined || this.#handOutQueued) return;
    this.#handOutQueued = true;
    queueMicrotask(() => this.#handOut());
  }

  #detach(sub: FrameSubscriber): void {
    this.#subscribers.delete(sub);
    this.#consumers.delete(sub);
    this.#consumersChanged();
  }

  /** Gives the kept frames to every consumer attached now, in order, then delivers live. */
  #handOut(): void {
    this.#handOutQueued = false;
    const early = this.#early;
    // Everyone who came has gone again: keep keeping for the next one.
    if (early === undefined || this.#consumers.size === 0) return;
    this.#early = undefined;
    const consumers = [...this.#consumers];
    for (const frame of early) for (const consumer of consumers) consumer.push(frame);
  }
}
