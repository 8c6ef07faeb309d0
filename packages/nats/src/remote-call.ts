import { EventEmitter } from 'node:events';
import {
  checkDtmfDigits,
  checkPlayAudioArgs,
  createStats,
  FrameFanout,
  nextCheckpointName,
  toHandlerError,
  type FrameConsumer,
} from '@callstream/core/internal';
import {
  CallstreamError,
  type AudioFrame,
  type Call,
  type CallStreamEvents,
  type FramesOptions,
  type Logger,
  type MediaFormat,
  type PlayableAudio,
  type Playback,
  type PlayAudioOptions,
  type Track,
} from '@callstream/core';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { Link } from './link.js';
import { createRemoteCallStats, type RemoteCallStats } from './remote-call-stats.js';
import { emitCallEvent } from './call-events.js';
import { HeldMessages } from './held-messages.js';
import { PendingRequests } from './pending-requests.js';
import { RemotePlayback, settledPlayback, type PlaybackChannel } from './remote-playback.js';
import {
  decodeFrame,
  decodeJson,
  encodeJson,
  isJson,
  sessionSubjects,
  type EdgeEvent,
  type Offer,
  type WorkerCommand,
} from './wire.js';
import { edgeErrorCode, isCloseFrame, parseEdgeEvent } from './wire-parse.js';

export interface RemoteCallOptions {
  nc: NatsConnection;
  prefix: string;
  offer: Offer;
  logger: Logger;
  bufferMs: number;
  edgeTimeoutMs: number;
  playWindow: number;
  maxBufferedMessages: number;
  onAttach: (call: RemoteCall) => void;
  onEnd: (call: RemoteCall) => void;
}

/**
 * A call carried over NATS from an edge, as a worker sees it: the same {@link Call} interface as
 * a local `CallStream`. Frames arrive decoded (at the wire rate; `frames({ sampleRate })`
 * resamples here); `playAudio`, `checkpoint`, `clearAudio`, `sendDtmf` and `close` are carried
 * out by the edge, and their results come back as they would locally.
 *
 * @example
 * for await (const call of subscribeCalls(nc, { queue: 'bots' })) {
 *   call.on('dtmf', ({ digit }) => call.log.info({ digit }, 'key pressed'));
 *   void call.playAudio(greetingPcm, { sampleRate: 16000 }).then((r) => r.status); // 'played', ...
 * }
 */
export class RemoteCall extends EventEmitter<CallStreamEvents> implements Call {
  readonly callId: string;
  readonly streamId: string;
  readonly accountId: string;
  readonly tracks: readonly Track[];
  readonly format: Readonly<MediaFormat>;
  readonly extraHeaders: Readonly<Record<string, string>>;
  readonly started: Promise<void> = Promise.resolve();
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly log: Logger;
  readonly stats: RemoteCallStats;
  /** The session: names this call's subjects (a re-offered call has a new one). */
  readonly session: string;
  readonly #o: RemoteCallOptions;
  readonly #link: Link;
  readonly #sub: Subscription;
  readonly #fanout: FrameFanout;
  readonly #streamStats = createStats();
  readonly #playbacks = new Map<number, RemotePlayback>();
  readonly #requests = new PendingRequests((cmd) => this.#command(cmd));
  readonly #channel: PlaybackChannel;
  /** The `media` listeners, as one consumer of the fan-out (attached while there are any). */
  readonly #mediaListeners: FrameConsumer = { push: (frame) => this.#emit('media', frame) };
  #attached = false;
  /** Messages that arrived after attach, before the consumer took the call (see {@link release}). */
  readonly #held: HeldMessages;
  #isClosed = false;
  #wireRate = 0;
  #resolveClosed!: (c: { code: number; reason: string }) => void;

  constructor(options: RemoteCallOptions) {
    super({ captureRejections: true });
    this.#o = options;
    const offer = options.offer;
    this.callId = offer.callId;
    this.streamId = offer.streamId;
    this.accountId = offer.accountId;
    this.tracks = Object.freeze([...offer.tracks]);
    this.format = Object.freeze({ ...offer.format });
    this.extraHeaders = Object.freeze({ ...offer.extraHeaders });
    this.session = offer.session;
    this.log = options.logger.child({ callId: offer.callId, streamId: offer.streamId });
    this.stats = createRemoteCallStats();
    this.closed = new Promise((resolve) => (this.#resolveClosed = resolve));
    this.#held = new HeldMessages(
      Math.ceil(options.bufferMs / 20) * Math.max(1, offer.tracks.length) +
        options.maxBufferedMessages,
      (data) => this.#process(data),
      () => this.#isClosed,
    );
    this.#fanout = new FrameFanout(options.bufferMs, this.#streamStats);
    const subjects = sessionSubjects(options.prefix, offer.session);
    this.#link = new Link(options.nc, {
      subject: subjects.toEdge,
      heartbeatMs: offer.heartbeatMs,
      // Never shorter than three of the edge's heartbeats, whatever this worker was told.
      peerTimeoutMs: Math.max(options.edgeTimeoutMs, offer.heartbeatMs * 3),
      maxBufferedFrames: 1,
      maxBufferedMessages: options.maxBufferedMessages,
      counters: this.stats,
      heartbeat: encodeJson({ op: 'hb' }),
      onPeerLost: () => {
        const closed = options.nc.isClosed();
        this.log.warn(
          { session: this.session },
          closed ? 'NATS connection closed: ending the call' : 'edge lost: ending the call',
        );
        this.#end(1006, closed ? 'connection closed' : 'edge lost');
      },
    });
    this.#sub = options.nc.subscribe(subjects.toWorker, {
      callback: (err, msg) => {
        if (err === null) this.#receive(msg.data);
      },
    });
    this.#channel = {
      command: (cmd) => this.#command(cmd),
      chunk: (data) => this.#link.send(data, false),
      request: (cmd) => this.#requests.request(cmd, undefined),
      sourceError: (err) => this.#userError(err),
      window: options.playWindow,
    };
    this.#fanout.setTrackCount(offer.tracks.length);
    // As on a CallStream: the 'media' listeners are one consumer of the fan-out, which decides
    // what they get (frames kept for the first consumers included), in order with the iterators.
    this.#fanout.followMediaListeners(this as EventEmitter, this.#mediaListeners);
  }

  get isClosed(): boolean {
    return this.#isClosed;
  }

  /** The rate frames cross the wire at (the call's, or lower when the worker asked for it). */
  get wireRate(): number {
    return this.#wireRate;
  }

  frames(options: FramesOptions = {}): AsyncIterableIterator<AudioFrame> {
    return this.#fanout.subscribe(options);
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<AudioFrame> {
    return this.frames();
  }

  playAudio(audio: PlayableAudio, options: PlayAudioOptions = {}): Playback {
    checkPlayAudioArgs(audio, options);
    const id = this.#requests.nextId();
    if (this.#isClosed || options.signal?.aborted === true) {
      return settledPlayback(options.name, this.#isClosed ? 'closed' : 'interrupted');
    }
    const playback = new RemotePlayback(id, audio, options, this.#channel);
    this.#playbacks.set(id, playback);
    return playback.handle;
  }

  checkpoint(name: string = nextCheckpointName()): Promise<boolean> {
    if (this.#isClosed) return Promise.resolve(false);
    return this.#requests
      .request((req) => ({ op: 'checkpoint', name, req }), false)
      .then((v) => v === true);
  }

  clearAudio(): Promise<void> {
    if (this.#isClosed) return Promise.resolve();
    return this.#requests.request((req) => ({ op: 'clear', req }), undefined).then(() => {});
  }

  sendDtmf(digits: string): void {
    checkDtmfDigits(digits);
    if (this.#isClosed) throw new CallstreamError('ERR_STREAM_CLOSED');
    void this.#requests.request((req) => ({ op: 'dtmf', digits, req }), undefined);
  }

  async close(code = 1000, reason = ''): Promise<void> {
    if (!isCloseFrame(code, reason)) {
      throw new TypeError(
        `Invalid close: code 1000 or 3000-4999 and a reason of at most 123 bytes (got ${String(code)})`,
      );
    }
    if (!this.#isClosed) this.#command({ op: 'close', code, reason });
    await this.closed;
  }

  /** The worker stops: the call ends here without the edge being told (it re-offers or closes it). */
  abandon(): void {
    this.#end(1001, 'worker stopped');
  }

  #command(cmd: WorkerCommand): void {
    this.stats.commands++;
    this.#link.send(encodeJson(cmd), false);
  }

  #receive(data: Uint8Array): void {
    if (this.#isClosed) return;
    this.#link.heard();
    if (!this.#held.hold(data)) this.#process(data);
  }

  /**
   * The call has been handed to its consumer: what arrived meanwhile is delivered once the
   * consumer's synchronous set-up (listeners, iterators) has run, as a local stream's handler
   * sees every event after `stream`.
   */
  release(): void {
    this.#held.release();
  }

  #process(data: Uint8Array): void {
    if (this.#isClosed) return;
    if (!isJson(data)) {
      this.#frame(data);
      return;
    }
    const json = decodeJson(data);
    const ev = json === undefined ? undefined : parseEdgeEvent(json);
    if (ev === undefined) {
      this.stats.malformed++;
      return;
    }
    if (ev.ev === 'hb') return;
    this.stats.events++;
    this.#event(ev);
  }

  #frame(data: Uint8Array): void {
    let frame: AudioFrame;
    try {
      frame = decodeFrame(data);
    } catch {
      this.stats.malformed++;
      return;
    }
    this.stats.frames[frame.track]++;
    this.#fanout.deliver(frame);
    this.stats.dropped = this.#streamStats.dropped;
  }

  #event(ev: EdgeEvent): void {
    switch (ev.ev) {
      case 'attach':
        if (this.#attached) return;
        this.#attached = true;
        this.#wireRate = ev.wireRate;
        this.#held.start();
        this.#o.onAttach(this);
        return;
      case 'hb':
        return;
      case 'dtmf':
      case 'playedStream':
      case 'clearedAudio':
      case 'stop':
      case 'unknown':
      case 'frameError':
        emitCallEvent(ev, (event, ...args) => this.#emit(event, ...args));
        return;
      case 'playback': {
        const playback = this.#playbacks.get(ev.id);
        this.#playbacks.delete(ev.id);
        playback?.settle(ev.status, ev.playedMs);
        return;
      }
      case 'ack':
        this.#playbacks.get(ev.id)?.acked();
        return;
      case 'reply':
        // Settled first (its callbacks run later either way): an error listener that ends the call must not settle it as closed.
        this.#requests.settle(ev.req, ev.value);
        if (ev.error !== undefined) {
          this.#userError(new CallstreamError(edgeErrorCode(ev.error.code), ev.error.message));
        }
        return;
      case 'close':
        this.#end(ev.code, ev.reason);
        return;
    }
  }

  /** The call is over: everything pending settles at once, as it does locally. */
  #end(code: number, reason: string): void {
    if (this.#isClosed) return;
    this.#isClosed = true;
    this.#link.close();
    this.#sub.unsubscribe();
    for (const playback of this.#playbacks.values()) playback.settle('closed', 0);
    this.#playbacks.clear();
    this.#requests.closeAll();
    this.#fanout.end(undefined);
    this.log.debug({ code, reason, stats: this.stats }, 'remote call ended');
    this.#emit('close', { code, reason });
    this.#resolveClosed({ code, reason });
    this.#o.onEnd(this);
  }

  #emit<K extends keyof CallStreamEvents>(event: K, ...args: CallStreamEvents[K]): void {
    try {
      (this.emit as (e: K, ...a: CallStreamEvents[K]) => boolean)(event, ...args);
    } catch (err) {
      this.#userError(err);
    }
  }

  #userError(err: unknown): void {
    const error = toHandlerError(err, 'call');
    this.log.error({ err: error, code: error.code }, error.message);
    if (this.listenerCount('error') === 0) return;
    try {
      this.emit('error', error);
    } catch (inner) {
      this.log.error({ err: inner }, 'an error listener threw');
    }
  }

  override [EventEmitter.captureRejectionSymbol](err: Error, ..._rest: unknown[]): void {
    this.#userError(err);
  }
}
