import { checkPlayAudioArgs } from './play-audio-args.js';
import {
  PcmBuffer,
  PcmConverter,
  type PlayableAudio,
  type Playback,
  type PlayAudioOptions,
  type PlaybackResult,
} from './playback.js';

let nameCounter = 0;

/**
 * One `playAudio` call: its source (a buffer or an async iterable), the PCM converted from it
 * and not yet sent, how much was sent and when it starts playing, and its settlement.
 */
export class PlaybackJob {
  readonly kind = 'play';
  readonly name: string;
  readonly pcm = new PcmBuffer();
  readonly handle: Playback;
  readonly result: Promise<PlaybackResult>;
  /** True once the source has no more audio (a buffer always). */
  sourceDone: boolean;
  sentMs = 0;
  /** When (performance.now) the platform starts playing its first chunk; undefined until sent. */
  startAt: number | undefined;
  settled = false;
  readonly #options: PlayAudioOptions;
  #whole: Int16Array | Uint8Array | undefined;
  readonly #iterator: AsyncIterator<Int16Array | Uint8Array> | undefined;
  #converter: PcmConverter | undefined;
  #reading = false;
  #resolve!: (r: PlaybackResult) => void;

  /** Validates the arguments (see `checkPlayAudioArgs`): throws `ERR_INVALID_AUDIO` for unusable ones. */
  constructor(
    audio: PlayableAudio,
    options: PlayAudioOptions,
    cancel: (job: PlaybackJob) => Promise<void>,
  ) {
    checkPlayAudioArgs(audio, options);
    const isBuffer = audio instanceof Int16Array || audio instanceof Uint8Array;
    this.name = options.name ?? `cs-play-${++nameCounter}`;
    this.#options = options;
    this.#whole = isBuffer ? audio : undefined;
    this.#iterator = isBuffer ? undefined : audio[Symbol.asyncIterator]();
    this.sourceDone = isBuffer;
    this.result = new Promise<PlaybackResult>((resolve) => (this.#resolve = resolve));
    const result = this.result;
    this.handle = {
      name: this.name,
      cancel: () => cancel(this),
      then: (onfulfilled, onrejected) => result.then(onfulfilled, onrejected),
    };
  }

  get prepared(): boolean {
    return this.#converter !== undefined;
  }

  /** Sets up conversion to the output rate once it is known; converts a whole buffer at once. Throws for an unusable rate. */
  prepare(streamRate: number, outputRate: number): void {
    if (this.#converter !== undefined) return;
    this.#converter = new PcmConverter(this.#options, streamRate, outputRate);
    if (this.#whole !== undefined) {
      this.pcm.push(this.#converter.convert(this.#whole));
      this.pcm.push(this.#converter.flush());
      this.#whole = undefined;
    }
  }

  /**
   * Reads a streaming source ahead of what is sent, until `limit` samples are buffered
   * (back-pressure on the producer). `onData` runs after each chunk and at the end; a source
   * that throws ends the playback's audio there and `onError` gets the error.
   *
   * Never calls back synchronously: `onData` is the queue's `pump()`, which calls `fill()`, so
   * a synchronous call would re-enter the pump (and, with a full buffer, recurse until the stack
   * overflows). When there is nothing to read (buffer full, source done, settled, or a read
   * already running), it returns without a callback: the pump that called it already holds
   * everything there is.
   */
  fill(limit: number, onData: () => void, onError: (err: unknown) => void): void {
    const iterator = this.#iterator;
    const converter = this.#converter;
    if (this.#reading || this.sourceDone || this.settled || this.pcm.length >= limit) return;
    if (iterator === undefined || converter === undefined) return;
    this.#reading = true;
    void this.#read(iterator, converter, limit, onData, onError);
  }

  async #read(
    iterator: AsyncIterator<Int16Array | Uint8Array>,
    converter: PcmConverter,
    limit: number,
    onData: () => void,
    onError: (err: unknown) => void,
  ): Promise<void> {
    // Leave the caller's stack first: a source whose next() throws or returns synchronously
    // must not call back into the pump that is calling fill().
    await Promise.resolve();
    try {
      while (!this.settled && this.pcm.length < limit) {
        const r = await iterator.next();
        if (this.settled) break;
        if (r.done === true) {
          this.#endSource(converter);
          break;
        }
        this.pcm.push(converter.convert(r.value));
        onData();
      }
    } catch (err) {
      // What was sent so far still plays and is confirmed; the error goes to the stream.
      this.#endSource(converter);
      onError(err);
    } finally {
      this.#reading = false;
    }
    onData();
  }

  /** How much of it the caller has heard by `now` (performance.now), by the pacing model. */
  heardBy(now: number): number {
    return this.startAt === undefined ? 0 : Math.min(Math.max(now - this.startAt, 0), this.sentMs);
  }

  settle(status: PlaybackResult['status'], playedMs: number): void {
    if (this.settled) return;
    this.settled = true;
    this.pcm.clear();
    if (!this.sourceDone) void this.#iterator?.return?.()?.catch(() => {});
    this.#resolve({ status, playedMs: Math.round(playedMs) });
  }

  #endSource(converter: PcmConverter): void {
    this.sourceDone = true;
    this.pcm.push(converter.flush());
  }
}
