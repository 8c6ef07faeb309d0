/**
 * Records a call as a stereo WAV file while it happens: the caller on the left, the other side
 * (the `outbound` track and/or what the bot played) on the right, both on one timeline.
 */
import { CallstreamError } from '../errors.js';
import type { AudioFrame } from '../stream/audio-frame.js';
import type { CallStream } from '../stream/call-stream.js';
import { kHandlerError, kOutgoingTaps } from '../stream/internal.js';
import type { OutgoingTap } from '../stream/playback-queue.js';
import { BotTrack } from './bot-track.js';
import { FramePlacer } from './frame-placer.js';
import { StereoTimeline } from './stereo-timeline.js';
import { createWavWriter, type WavWriter } from './wav-writer.js';

/** Options of {@link recordCall}. */
export interface RecordCallOptions {
  /**
   * How much recent audio, in ms, stays in memory before it is written, so that late frames and
   * bot audio flushed by a `clearAudio` can still be placed or removed. Default `2_000`.
   */
  lookBehindMs?: number;
  /** Aborting stops the recording: the file is finalized with what was recorded so far. */
  signal?: AbortSignal;
}

/** Written in blocks of at least this much audio, not once per frame. */
const BLOCK_MS = 100;

/**
 * Records `stream` to a stereo 16-bit WAV file at the call's sample rate (8000 Hz for mu-law):
 * left = the inbound track, right = the outbound track and the audio sent with `playAudio`
 * (resampled to the call's rate and mixed with saturation when both exist).
 *
 * Track frames are placed by their timestamps, relative to the first frame; missing frames are
 * silence. The bot's audio is placed at the time the platform plays it, mapped onto the frame
 * timeline by arrival times (so it is aligned for calls at real-time pace), and the part a
 * `clearAudio` flushed, or that was still queued when the call ended, is left out. The file is
 * written as the call goes: only the last `lookBehindMs` are held in memory.
 *
 * Call it before the first `await` of your stream handler, so that no frame is missed. Folders
 * missing on `path` are created.
 *
 * Resolves when the stream has closed (or `signal` aborted) and the file is finalized; rejects
 * if the file cannot be written (with the I/O error) or the stream closes before `start`. A
 * file that cannot be written is also reported on the stream's `error` event as
 * `ERR_RECORDING` (with the I/O error as `cause`), and the recording stops; the call goes on.
 * The returned promise never becomes an unhandled rejection, so `void recordCall(...)` is safe.
 *
 * @example
 * server.on('stream', (stream) => {
 *   stream.on('error', (err) => stream.log.error({ err }, 'call error'));
 *   void recordCall(stream, `recordings/${stream.callId}.wav`);
 * });
 */
export function recordCall(
  stream: CallStream,
  path: string,
  options: RecordCallOptions = {},
): Promise<void> {
  const lookBehindMs = options.lookBehindMs ?? 2_000;
  if (!Number.isInteger(lookBehindMs) || lookBehindMs < BLOCK_MS) {
    throw new TypeError(
      `Invalid option "lookBehindMs": an integer >= ${BLOCK_MS} (got ${String(lookBehindMs)})`,
    );
  }
  return new CallRecorder(stream, path, lookBehindMs, options.signal).done;
}

class CallRecorder implements OutgoingTap {
  readonly done: Promise<void>;
  readonly #stream: CallStream;
  readonly #path: string;
  readonly #lookBehindMs: number;
  readonly #signal: AbortSignal | undefined;
  readonly #bot = new BotTrack();
  #resolve!: () => void;
  #reject!: (err: unknown) => void;
  #finished = false;
  #rate = 0;
  #writer: WavWriter | undefined;
  #timeline: StereoTimeline | undefined;
  #placer: FramePlacer | undefined;

  readonly #onStart = (): void => this.#init();
  readonly #onMedia = (frame: AudioFrame): void => this.#guard(() => this.#media(frame));
  readonly #onClose = (): void => void this.#finish();
  readonly #onAbort = (): void => void this.#finish();

  constructor(
    stream: CallStream,
    path: string,
    lookBehindMs: number,
    signal: AbortSignal | undefined,
  ) {
    this.#stream = stream;
    this.#path = path;
    this.#lookBehindMs = lookBehindMs;
    this.#signal = signal;
    this.done = new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    // Awaited by users when they care; never an unhandled rejection (the stream reports it).
    this.done.catch(() => {});
    if (signal?.aborted === true) {
      this.#fail(signal.reason ?? new Error('recordCall aborted before it started'));
      return;
    }
    // Listeners go on synchronously: frames kept for the first consumer come to us too.
    stream.on('media', this.#onMedia);
    stream.once('start', this.#onStart);
    stream[kOutgoingTaps].add(this);
    signal?.addEventListener('abort', this.#onAbort, { once: true });
    if (stream.tracks.length > 0) this.#init();
    stream.started.then(
      () => void stream.closed.then(this.#onClose),
      (err: unknown) => this.#fail(err),
    );
  }

  /** OutgoingTap: a chunk of bot audio that starts playing at `playAt`. */
  audio(pcm: Int16Array, sampleRate: number, playAt: number): void {
    this.#guard(() => this.#bot.audio(pcm, sampleRate, playAt));
  }

  /** OutgoingTap: the bot audio after `at` was flushed: the caller never hears it. */
  cleared(at: number): void {
    this.#guard(() => this.#bot.cut(at));
  }

  #init(): void {
    if (this.#timeline !== undefined || this.#finished) return;
    const rate = this.#stream.format.sampleRate;
    this.#rate = rate;
    const writer = createWavWriter(this.#path, { sampleRate: rate, channels: 2 });
    this.#writer = writer;
    writer.ready.catch((err: unknown) => this.#failWriting(err));
    const capacity = this.#samples(this.#lookBehindMs + 1_000);
    this.#timeline = new StereoTimeline(capacity, (block) => {
      writer.write(block).catch((err: unknown) => this.#failWriting(err));
    });
    this.#placer = new FramePlacer(rate, this.#lookBehindMs);
    this.#bot.attach(this.#timeline, rate);
  }

  #samples(ms: number): number {
    return Math.round((ms * this.#rate) / 1000);
  }

  #media(frame: AudioFrame): void {
    this.#init();
    const timeline = this.#timeline;
    const placer = this.#placer;
    if (timeline === undefined || placer === undefined || frame.sampleRate !== this.#rate) return;
    const now = performance.now();
    const pos = placer.place(frame, timeline.trackEnd);
    timeline.put(frame.track === 'inbound' ? 0 : 1, pos, frame.samples);
    // A frame arrives once it has been captured whole: its end is "now" on the platform's clock.
    // The least-delayed frame gives the best estimate of when position 0 was.
    const anchor = now - ((pos + frame.samples.length) * 1000) / this.#rate;
    const current = this.#bot.anchor;
    if (current === undefined || anchor < current) this.#bot.setAnchor(anchor);
    this.#advance(now);
  }

  /** Writes out what is older than the look-behind window (by frames, or by the clock when frames stall). */
  #advance(now: number): void {
    const timeline = this.#timeline;
    const anchor = this.#bot.anchor;
    if (timeline === undefined || anchor === undefined) return;
    const head = Math.max(timeline.trackEnd, this.#samples(now - anchor));
    const target = head - this.#samples(this.#lookBehindMs);
    if (target - timeline.flushed >= this.#samples(BLOCK_MS)) timeline.flushTo(target);
  }

  async #finish(): Promise<void> {
    if (this.#finished) return;
    const now = performance.now();
    if (this.#timeline === undefined && this.#stream.tracks.length === 0) {
      // Aborted before start: there is no format to write a file in.
      this.#fail(this.#signal?.reason ?? new Error('recordCall stopped before the stream started'));
      return;
    }
    this.#guard(() => {
      this.#init();
      this.#bot.anchorOnFirstAudio();
      this.#bot.cut(now); // audio still queued when the call ended was never heard
      const timeline = this.#timeline as StereoTimeline;
      timeline.flushTo(Math.max(timeline.trackEnd, timeline.botEnd));
    });
    if (this.#finished) return;
    this.#detach();
    try {
      await this.#writer?.close();
      this.#resolve();
    } catch (err) {
      this.#report(err);
      this.#reject(err);
    }
  }

  #guard(fn: () => void): void {
    if (this.#finished) return;
    try {
      fn();
    } catch (err) {
      this.#failWriting(err);
    }
  }

  /** The file cannot be written: stop, reject, and tell the stream's `error` listeners. */
  #failWriting(err: unknown): void {
    if (this.#finished) return;
    this.#fail(err);
    this.#report(err);
  }

  #report(err: unknown): void {
    const detail = err instanceof Error ? err.message : String(err);
    this.#stream[kHandlerError](
      new CallstreamError('ERR_RECORDING', `recordCall could not write ${this.#path}: ${detail}`, {
        cause: err,
      }),
    );
  }

  #fail(err: unknown): void {
    if (this.#finished) return;
    this.#detach();
    void this.#writer?.close().catch(() => {});
    this.#reject(err);
  }

  #detach(): void {
    this.#finished = true;
    this.#stream.off('media', this.#onMedia);
    this.#stream.off('start', this.#onStart);
    this.#stream[kOutgoingTaps].delete(this);
    this.#signal?.removeEventListener('abort', this.#onAbort);
  }
}
