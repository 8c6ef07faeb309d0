/**
 * Brings `playAudio` audio to the call's sample rate before it enters the {@link PlayoutBuffer}.
 * One streaming resampler per source rate keeps consecutive messages continuous; it is flushed at
 * each checkpoint (the audio before a checkpoint must be complete when the checkpoint is queued)
 * and dropped by `clearAudio`.
 */
import { createResampler } from '@callstream/core';
import type { Resampler } from '@callstream/core';
import type { PlayoutBuffer } from './playout-buffer.js';

export class PlayoutFeed {
  readonly #playout: PlayoutBuffer;
  readonly #rate: number;
  #resampler: Resampler | undefined;
  #from = 0;

  constructor(playout: PlayoutBuffer, callRate: number) {
    this.#playout = playout;
    this.#rate = callRate;
  }

  /** Queues PCM at `sampleRate` for playout at the call's rate. */
  play(pcm: Int16Array, sampleRate: number): void {
    if (sampleRate === this.#rate) {
      this.#flush();
      this.#playout.enqueue(pcm);
      return;
    }
    if (this.#resampler === undefined || this.#from !== sampleRate) {
      this.#flush();
      this.#resampler = createResampler(sampleRate, this.#rate);
      this.#from = sampleRate;
    }
    this.#playout.enqueue(this.#resampler.process(pcm));
  }

  /** Queues a checkpoint after all audio given so far. */
  checkpoint(name: string): void {
    this.#flush();
    this.#playout.checkpoint(name);
  }

  /** Forgets audio held back by the resampler; the caller clears the buffer itself. */
  clear(): void {
    this.#resampler?.reset();
  }

  #flush(): void {
    if (this.#resampler !== undefined) this.#playout.enqueue(this.#resampler.flush());
  }
}
