/**
 * Records a call as a stereo WAV file while it happens: the caller on the left, the other side
 * (the `outbound` track and/or what the bot played) on the right, both on one timeline.
 */
import { createResampler, type Resampler } from '../codec/resampler.js';
import type { Track } from '../protocol/messages.js';
import type { AudioFrame } from '../stream/audio-frame.js';
import { kOutgoingTaps, type CallStream } from '../stream/call-stream.js';
import type { OutgoingTap } from '../stream/playback-queue.js';
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

/** A jump in a track's timestamps beyond this is compressed to it (a platform clock reset, not a real gap). */
const MAX_GAP_MS = 5_000;
/** Written in blocks of at least this much audio, not once per frame. */
const BLOCK_MS = 100;

interface TrackState {
  /** Added to timestamp-derived positions after a timestamp jump was compressed. */
  shift: number;
  end: number | undefined;
}

interface BotRun {
  /** Recording position of the next output sample. */
  pos: number;
  rate: number;
  /** `performance.now()` at which the next contiguous chunk would start playing. */
  nextAt: number;
  resampler: Resampler | undefined;
}

/** Audio sent before the timeline could be anchored (the bot greets before the first frame). */
interface EarlyAudio {
  pcm: Int16Array;
  rate: number;
  playAt: number;
}

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
 * Call it before the first `await` of your stream handler, so that no frame is missed.
 * Resolves when the stream has closed (or `signal` aborted) and the file is finalized; rejects
 * if the file cannot be written or the stream closes before `start`.
 *
 * @example
 * server.on('stream', (stream) => {
 *   recordCall(stream, `recordings/${stream.callId}.wav`).catch((err) => log.error(err));
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
  #resolve!: () => void;
  #reject!: (err: unknown) => void;
  #finished = false;
  #rate = 0;
  #writer: WavWriter | undefined;
  #timeline: StereoTimeline | undefined;
  /** Timestamp of the first frame: position 0. */
  #t0: number | undefined;
  readonly #tracks: Record<Track, TrackState> = {
    inbound: { shift: 0, end: undefined },
    outbound: { shift: 0, end: undefined },
  };
  /** `performance.now()` at recording position 0, from the least-delayed frame seen. */
  #anchor: number | undefined;
  #early: EarlyAudio[] = [];
  #run: BotRun | undefined;

  readonly #onStart = (): void => this.#init();
  readonly #onMedia = (frame: AudioFrame): void => this.#guard(() => this.#media(frame));
  readonly #onClose = (): void => void this.#finish();
  readonly #onAbort = (): void => void this.#finish();

  constructor(stream: CallStream, path: string, lookBehindMs: number, signal: AbortSignal | undefined) {
    this.#stream = stream;
    this.#path = path;
    this.#lookBehindMs = lookBehindMs;
    this.#signal = signal;
    this.done = new Promise((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
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
    this.#guard(() => {
      if (this.#anchor === undefined) this.#early.push({ pcm: pcm.slice(), rate: sampleRate, playAt });
      else this.#placeBot(pcm, sampleRate, playAt);
    });
  }

  /** OutgoingTap: the bot audio after `at` was flushed: the caller never hears it. */
  cleared(at: number): void {
    this.#guard(() => this.#cut(at));
  }

  #init(): void {
    if (this.#timeline !== undefined || this.#finished) return;
    this.#rate = this.#stream.format.sampleRate;
    const writer = createWavWriter(this.#path, { sampleRate: this.#rate, channels: 2 });
    this.#writer = writer;
    writer.ready.catch((err: unknown) => this.#fail(err));
    const capacity = Math.ceil(((this.#lookBehindMs + 1_000) * this.#rate) / 1000);
    this.#timeline = new StereoTimeline(capacity, (block) => {
      writer.write(block).catch((err: unknown) => this.#fail(err));
    });
  }

  #samples(ms: number): number {
    return Math.round((ms * this.#rate) / 1000);
  }

  #media(frame: AudioFrame): void {
    this.#init();
    const timeline = this.#timeline;
    if (timeline === undefined || frame.sampleRate !== this.#rate) return;
    const now = performance.now();
    this.#t0 ??= frame.timestamp;
    const pos = this.#place(frame, timeline);
    timeline.put(frame.track === 'inbound' ? 0 : 1, pos, frame.samples);
    // A frame arrives once it has been captured whole: its end is "now" on the platform's clock.
    // The least-delayed frame gives the best estimate of when position 0 was.
    const anchor = now - ((pos + frame.samples.length) * 1000) / this.#rate;
    if (this.#anchor === undefined || anchor < this.#anchor) {
      const first = this.#anchor === undefined;
      this.#anchor = anchor;
      if (first) this.#placeEarly();
    }
    this.#advance(now);
  }

  /** The frame's position on the recording, from its timestamp, with jitter and clock jumps absorbed. */
  #place(frame: AudioFrame, timeline: StereoTimeline): number {
    const state = this.#tracks[frame.track];
    const len = frame.samples.length;
    const maxGap = this.#samples(MAX_GAP_MS);
    let pos = this.#samples(frame.timestamp - (this.#t0 as number)) + state.shift;
    // The first frame of a second track is compared with the other track's end.
    const expected = state.end ?? Math.max(0, timeline.trackEnd - len);
    const d = pos - expected;
    let snapped = pos;
    if (Math.abs(d) < len / 2) snapped = expected; // a few ms of timestamp jitter: stay contiguous
    else if (d > maxGap) snapped = expected + maxGap;
    else if (d < -Math.max(maxGap, this.#samples(this.#lookBehindMs))) snapped = expected; // clock reset
    state.shift += snapped - pos;
    pos = snapped;
    state.end = Math.max(state.end ?? 0, pos + len);
    return pos;
  }

  #placeEarly(): void {
    const early = this.#early;
    this.#early = [];
    for (const a of early) this.#placeBot(a.pcm, a.rate, a.playAt);
  }

  #placeBot(pcm: Int16Array, rate: number, playAt: number): void {
    const timeline = this.#timeline;
    if (timeline === undefined || this.#anchor === undefined) return;
    let run = this.#run;
    if (run === undefined || run.rate !== rate || Math.abs(playAt - run.nextAt) > 0.5) {
      this.#endRun();
      run = {
        pos: this.#samples(playAt - this.#anchor),
        rate,
        nextAt: playAt,
        resampler: rate === this.#rate ? undefined : createResampler(rate, this.#rate),
      };
      this.#run = run;
    }
    const out = run.resampler === undefined ? pcm.slice() : run.resampler.process(pcm);
    timeline.addBot(run.pos, out);
    run.pos += out.length;
    run.nextAt = playAt + (pcm.length * 1000) / rate;
  }

  /** Ends a contiguous stretch of bot audio: the resampler's held-back tail is placed. */
  #endRun(): void {
    const run = this.#run;
    this.#run = undefined;
    if (run?.resampler === undefined) return;
    const tail = run.resampler.flush();
    this.#timeline?.addBot(run.pos, tail);
  }

  #cut(at: number): void {
    if (this.#anchor === undefined) {
      const kept: EarlyAudio[] = [];
      for (const a of this.#early) {
        const keep = Math.floor(((at - a.playAt) * a.rate) / 1000);
        if (keep > 0) kept.push(keep < a.pcm.length ? { ...a, pcm: a.pcm.subarray(0, keep) } : a);
      }
      this.#early = kept;
      return;
    }
    this.#endRun();
    this.#timeline?.truncateBot(this.#samples(at - this.#anchor));
  }

  /** Writes out what is older than the look-behind window (by frames, or by the clock when frames stall). */
  #advance(now: number): void {
    const timeline = this.#timeline;
    if (timeline === undefined || this.#anchor === undefined) return;
    const head = Math.max(timeline.trackEnd, this.#samples(now - this.#anchor));
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
      if (this.#anchor === undefined && this.#early.length > 0) {
        // No frame ever came: the first bot audio starts the recording.
        this.#anchor = Math.min(...this.#early.map((a) => a.playAt));
        this.#placeEarly();
      }
      this.#cut(now); // audio still queued when the call ended was never heard
      const timeline = this.#timeline as StereoTimeline;
      timeline.flushTo(Math.max(timeline.trackEnd, timeline.botEnd));
    });
    if (this.#finished) return;
    this.#detach();
    try {
      await this.#writer?.close();
      this.#resolve();
    } catch (err) {
      this.#reject(err);
    }
  }

  #guard(fn: () => void): void {
    if (this.#finished) return;
    try {
      fn();
    } catch (err) {
      this.#fail(err);
    }
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
