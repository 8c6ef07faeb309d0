import { EventEmitter } from 'node:events';
import { createMediaDecoder, type MediaDecoder } from '../codec/frame-codec.js';
import { CallstreamError, isCallstreamError } from '../errors.js';
import type { Logger } from '../logger.js';
import { parseExtraHeaders } from '../protocol/extra-headers.js';
import type { InboundMessage, MediaFormat, StartMessage, Track } from '../protocol/messages.js';
import { InboundReader } from '../protocol/parse.js';
import { serializeSendDtmf } from '../protocol/serialize.js';
import type { AudioFrame } from './audio-frame.js';
import type { Call } from './call.js';
import type { CallStreamEvents } from './call-stream-events.js';
import {
  kClosed,
  kFail,
  kFrameError,
  kHandlerError,
  kOutgoingTaps,
  kReceive,
  kReceiveBinary,
  kTerminate,
  kUnhandledError,
  type StreamTransport,
} from './internal.js';
import type { FramesOptions } from './frame-iterator.js';
import { FrameFanout, type FrameConsumer } from './frame-fanout.js';
import { toHandlerError } from './handler-error.js';
import { resolveStreamOptions, type ResolvedStreamOptions, type StreamOptions } from './options.js';
import type { PlayableAudio, Playback, PlayAudioOptions } from './playback.js';
import { PlaybackQueue, type OutgoingTap } from './playback-queue.js';
import { createStats, type StreamStats } from './stats.js';
import { TrackTimeline } from './track-timeline.js';
import { nextCheckpointName } from './checkpoint-name.js';

/**
 * One live call: metadata from `start`, decoded audio as events and async iterators, and
 * paced two-way audio. Created by `acceptStream` (and so by every server and adapter).
 *
 * @example
 * server.on('stream', async (stream) => {
 *   await stream.playAudio(greetingPcm);
 *   for await (const frame of stream.frames({ track: 'inbound', sampleRate: 16000 })) {
 *     stt.write(frame.samples);
 *   }
 * });
 */
export class CallStream
  extends EventEmitter<CallStreamEvents>
  implements Call, AsyncIterable<AudioFrame>
{
  readonly stats: StreamStats = createStats();
  readonly started: Promise<void>;
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly #options: ResolvedStreamOptions;
  readonly #transport: StreamTransport;
  readonly #playback: PlaybackQueue;
  readonly #timeline: TrackTimeline;
  readonly #fanout: FrameFanout;
  /** @internal Observers of the audio sent with playAudio (used by recordCall). */
  readonly [kOutgoingTaps] = new Set<OutgoingTap>();
  /** @internal Where handler errors go when nobody listens to this stream's `error` (its server). */
  [kUnhandledError]: ((err: CallstreamError) => void) | undefined;
  #log: Logger;
  #start: StartMessage | undefined;
  #extraHeaders: Readonly<Record<string, string>> = {};
  readonly #reader = new InboundReader();
  #bytesPerSample = 1;
  /** The stream's sample rate, once `start` has said it. */
  #rate = 0;
  #failure: CallstreamError | undefined;
  #isClosed = false;
  /** A text frame was not UTF-8: the connection is failing, and nothing more is read. */
  #unreadable = false;
  /** The `media` listeners, as one consumer of the fan-out (attached while there are any). */
  readonly #mediaListeners: FrameConsumer = {
    push: (frame) => this.#emit('media', frame),
  };
  #startTimer: NodeJS.Timeout;
  #resolveStarted!: () => void;
  #rejectStarted!: (err: Error) => void;
  #resolveClosed!: (c: { code: number; reason: string }) => void;

  constructor(transport: StreamTransport, options: StreamOptions = {}) {
    super({ captureRejections: true });
    this.#options = resolveStreamOptions(options);
    this.#transport = transport;
    this.#log = this.#options.logger.child({});
    this.#timeline = new TrackTimeline(this.stats, this.#options.fillGaps);
    this.#fanout = new FrameFanout(this.#options.bufferMs, this.stats);
    this.#playback = new PlaybackQueue(transport, {
      chunkMs: this.#options.chunkMs,
      leadMs: this.#options.leadMs,
      clearTimeoutMs: this.#options.clearTimeoutMs,
      stats: this.stats,
      onError: (err) => this.#userError(err),
      taps: this[kOutgoingTaps],
    });
    this.started = new Promise<void>((resolve, reject) => {
      this.#resolveStarted = resolve;
      this.#rejectStarted = reject;
    });
    this.started.catch(() => {}); // awaited by users when they care; never an unhandled rejection
    this.closed = new Promise((resolve) => (this.#resolveClosed = resolve));
    this.#startTimer = setTimeout(() => {
      this[kFail](new CallstreamError('ERR_START_TIMEOUT'));
    }, this.#options.startTimeoutMs);
    // The 'media' listeners are one consumer of the fan-out, which decides what they get
    // (frames kept for the first consumers included), in order with the iterators.
    this.#fanout.followMediaListeners(this as EventEmitter, this.#mediaListeners);
  }

  get callId(): string {
    return this.#start?.callId ?? '';
  }
  get streamId(): string {
    return this.#start?.streamId ?? '';
  }
  get accountId(): string {
    return this.#start?.accountId ?? '';
  }
  get tracks(): readonly Track[] {
    return this.#start?.tracks ?? [];
  }
  /** The inbound audio format announced by `start`. */
  get format(): Readonly<MediaFormat> {
    return this.#start?.mediaFormat ?? { encoding: 'audio/x-l16', sampleRate: 8000 };
  }
  get extraHeaders(): Readonly<Record<string, string>> {
    return this.#extraHeaders;
  }
  /** The logger of this call (`logger.child({ callId, streamId })` once started). */
  get log(): Logger {
    return this.#log;
  }
  /** True once the socket has closed. */
  get isClosed(): boolean {
    return this.#isClosed;
  }

  /** Iterates decoded frames until the stream ends. Several iterators may run at once; each sees every frame of its track. */
  frames(options: FramesOptions = {}): AsyncIterableIterator<AudioFrame> {
    return this.#fanout.subscribe(options);
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<AudioFrame> {
    return this.frames();
  }

  /**
   * Queues audio for the caller; see {@link PlayAudioOptions}. The result settles `played`,
   * `interrupted` or `closed`; it never rejects.
   *
   * @throws CallstreamError `ERR_INVALID_AUDIO`, synchronously and whether or not `start` has
   * arrived, for unusable arguments: `audio` that is not an `Int16Array`, a `Uint8Array` or an
   * async iterable; 16-bit bytes of odd length; options that are not an object; an unsupported
   * `sampleRate`, an unknown `encoding`, a `signal` that is not an `AbortSignal`, or an empty or
   * non-string `name`. The message names the argument. A chunk of a streaming source that is
   * neither array goes to the `error` event (the call has returned by then).
   */
  playAudio(audio: PlayableAudio, options?: PlayAudioOptions): Playback {
    return this.#playback.play(audio, options);
  }

  /** Marks the current end of the queued audio; resolves true when the caller has heard up to it, false if cleared or closed first. */
  checkpoint(name: string = nextCheckpointName()): Promise<boolean> {
    return this.#playback.checkpoint(name);
  }

  /** Stops all playback now (barge-in): local queue dropped, platform buffer cleared. */
  clearAudio(): Promise<void> {
    return this.#playback.clear();
  }

  /** Sends DTMF digits (`[0-9A-D*#]`) into the call; throws `ERR_INVALID_DIGITS` for others. */
  sendDtmf(digits: string): void {
    const command = serializeSendDtmf(digits); // checks the digits
    if (!this.#transport.open) throw new CallstreamError('ERR_STREAM_CLOSED');
    this.#transport.send(command);
  }

  /** Closes the socket (default 1000) and resolves once it is closed. */
  async close(code = 1000, reason = ''): Promise<void> {
    if (!this.#isClosed) this.#transport.close(code, reason);
    await this.closed;
  }

  /** @internal A text message arrived: its bytes as the socket delivers them, or its text. */
  [kReceive](data: Buffer | string): void {
    if (this.#unreadable) return;
    this.stats.messages++;
    const reader = this.#reader;
    // The per-frame path: a media message in the usual layout, read from the bytes in place.
    if (typeof data !== 'string' && reader.readMedia(data)) {
      this.#onMedia(
        reader.track,
        reader.chunk,
        reader.timestamp,
        reader.sequenceNumber,
        reader.samples,
      );
      return;
    }
    let msg: InboundMessage;
    try {
      msg = typeof data === 'string' ? reader.read(data) : reader.readOther(data);
    } catch (err) {
      this.#malformed(err);
      // Invalid UTF-8 (the socket left that check to the reader): fail the connection as
      // RFC 6455 says, and as ws does when it checks, with 1007; read nothing after it.
      if (isCallstreamError(err, 'ERR_SOCKET')) {
        this.#unreadable = true;
        this.#transport.fail(1007, 'Invalid UTF-8');
      }
      return;
    }
    if (msg.event === 'media') {
      const { track, chunk, timestamp, sequenceNumber } = msg;
      this.#onMedia(track, chunk, timestamp, sequenceNumber ?? -1, reader.samples);
    } else if (msg.event === 'start') this.#onStart(msg);
    else if (this.#start === undefined && msg.event !== 'unknown') {
      this.#malformed(
        new CallstreamError('ERR_NOT_STARTED', `"${msg.event}" received before start`),
      );
    } else if (msg.event === 'dtmf') {
      this.stats.dtmf++;
      this.#emit('dtmf', {
        digit: msg.digit,
        track: msg.track,
        timestamp: msg.timestamp ?? Date.now(),
      });
    } else if (msg.event === 'playedStream') {
      if (this.#playback.acknowledge(msg.name)) this.#emit('playedStream', { name: msg.name });
    } else if (msg.event === 'clearedAudio') {
      this.#playback.cleared();
      this.#emit('clearedAudio');
    } else if (msg.event === 'stop') {
      this.#log.debug({ reason: msg.reason }, 'stop received');
      this.#emit('stop', { reason: msg.reason });
    } else {
      this.stats.unknown++;
      this.#emit('unknown', msg.raw);
    }
  }

  /** @internal A binary message arrived: not part of the protocol. */
  [kReceiveBinary](): void {
    this.stats.binaryMessages++;
  }

  /** @internal The stream failed (start timeout, heartbeat): close with the error's code. */
  [kFail](err: CallstreamError): void {
    if (this.#isClosed) return;
    this.#failure ??= err;
    this.#log.warn({ code: err.code }, err.message);
    this.#transport.close(err.closeCode ?? 1011, err.message);
  }

  /** @internal The socket closed. */
  [kClosed](code: number, reason: string): void {
    if (this.#isClosed) return;
    this.#isClosed = true;
    clearTimeout(this.#startTimer);
    this.#playback.close();
    this.#fanout.end(this.#failure);
    if (this.#start === undefined)
      this.#rejectStarted(
        this.#failure ?? new CallstreamError('ERR_STREAM_CLOSED', 'The socket closed before start'),
      );
    this.#log.debug({ code, reason }, 'stream closed');
    this.#emit('close', { code, reason });
    this.#resolveClosed({ code, reason });
  }

  #onStart(msg: StartMessage): void {
    if (this.#start !== undefined) {
      this.#malformed(new CallstreamError('ERR_DUPLICATE_START'));
      return;
    }
    let decoder: MediaDecoder;
    try {
      decoder = createMediaDecoder(msg.mediaFormat);
      this.#playback.configure(
        msg.streamId,
        msg.mediaFormat.sampleRate,
        this.#options.outputFormat ?? msg.mediaFormat,
      );
    } catch (err) {
      const failure = isCallstreamError(err)
        ? err
        : new CallstreamError('ERR_UNSUPPORTED_FORMAT', undefined, { cause: err });
      this[kFail](failure);
      return;
    }
    clearTimeout(this.#startTimer);
    this.#reader.decodeWith(decoder);
    this.#fanout.setTrackCount(msg.tracks.length);
    this.#bytesPerSample = msg.mediaFormat.encoding === 'audio/x-l16' ? 2 : 1;
    this.#rate = msg.mediaFormat.sampleRate;
    this.#start = msg;
    this.#extraHeaders = Object.freeze(parseExtraHeaders(msg.extraHeaders));
    this.#log = this.#options.logger.child({ callId: msg.callId, streamId: msg.streamId });
    this.#log.debug({ tracks: msg.tracks, format: msg.mediaFormat }, 'stream started');
    this.#resolveStarted();
    this.#emit('start');
  }

  #onMedia(
    track: Track,
    chunk: number | undefined,
    timestamp: number | undefined,
    sequenceNumber: number,
    samples: Int16Array | undefined,
  ): void {
    if (samples === undefined) {
      this.#malformed(new CallstreamError('ERR_NOT_STARTED', 'media received before start'));
      return;
    }
    const rate = this.#rate;
    const stats = this.stats;
    const bytes = samples.length * this.#bytesPerSample;
    if (track === 'inbound') {
      stats.frames.inbound++;
      stats.bytes.inbound += bytes;
    } else {
      stats.frames.outbound++;
      stats.bytes.outbound += bytes;
    }
    const timeline = this.#timeline;
    const fill = timeline.place(track, chunk, timestamp, samples, rate);
    for (let i = 0; i < fill.length; i++) this.#deliver(fill[i] as AudioFrame);
    this.#deliver({
      track,
      samples,
      sampleRate: rate,
      timestamp: timeline.timestamp,
      chunk: timeline.chunk,
      sequenceNumber,
    });
  }

  #deliver(frame: AudioFrame): void {
    this.#fanout.deliver(frame);
  }

  #malformed(err: unknown): void {
    this.stats.malformed++;
    const error = isCallstreamError(err)
      ? err
      : new CallstreamError('ERR_INVALID_MESSAGE', undefined, { cause: err });
    this.#log.debug({ code: error.code }, 'malformed frame');
    this.#emit('frameError', error);
  }

  /** Emits without letting a listener's throw unwind into the socket. */
  #emit<K extends keyof CallStreamEvents>(event: K, ...args: CallStreamEvents[K]): void {
    try {
      (this.emit as (e: K, ...a: CallStreamEvents[K]) => boolean)(event, ...args);
    } catch (err) {
      this.#userError(err);
    }
  }

  /**
   * A user handler threw or rejected: log it and surface it on the stream's `error`, or, when
   * nobody listens there, hand it to the server that owns the stream (its `error` event).
   */
  #userError(err: unknown): void {
    const error = toHandlerError(err, 'stream');
    this.#log.error({ err: error, code: error.code }, error.message);
    if (this.listenerCount('error') === 0) {
      this[kUnhandledError]?.(error);
      return;
    }
    try {
      this.emit('error', error);
    } catch (inner) {
      this.#log.error({ err: inner }, 'an error listener threw');
    }
  }

  /** Rejections of async listeners (captureRejections) land here instead of crashing the process. */
  override [EventEmitter.captureRejectionSymbol](err: Error, ..._rest: unknown[]): void {
    this.#userError(err);
  }

  /** @internal An error thrown by a server-level handler (`stream` listener, `onStream`) for this stream. */
  [kHandlerError](err: unknown): void {
    this.#userError(err);
  }

  /** @internal Cut the connection (shutdown grace period over, dead peer). */
  [kTerminate](): void {
    this.#transport.terminate();
  }

  /** @internal A socket-level problem with one message (too large, bad framing): counted like a malformed frame. */
  [kFrameError](err: CallstreamError): void {
    this.#malformed(err);
  }
}
