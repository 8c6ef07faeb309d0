import { createWireEncoder } from '../codec/frame-codec.js';
import type { MediaFormat } from '../protocol/messages.js';
import {
  serializeCheckpoint,
  serializeClearAudio,
  serializePlayAudioBytes,
} from '../protocol/serialize.js';
import { startPacing, stopPacing } from './pacer.js';
import type { PlayableAudio, Playback, PlayAudioOptions } from './playback.js';
import { PlaybackJob } from './playback-job.js';
import type { StreamStats } from './stats.js';

/**
 * Where the queue writes: the stream's socket. Each message is a text frame, given as its text
 * or as its UTF-8 bytes (`playAudio`); `cork`/`uncork` merge a burst into one write.
 */
export interface PlaybackSink {
  readonly open: boolean;
  /** False while the peer leaves too much unread in the socket: the queue holds its audio back. Absent: always true. */
  canSend?(): boolean;
  send(message: string | Buffer): void;
  cork(): void;
  uncork(): void;
}

export interface PlaybackQueueOptions {
  chunkMs: number;
  leadMs: number;
  clearTimeoutMs: number;
  stats: StreamStats;
  /** Errors of playback sources (a TTS stream that threw, a bad chunk). */
  onError: (err: unknown) => void;
  /** Observers of the outgoing audio (recording): each chunk sent, and each clear. */
  taps: Set<OutgoingTap>;
}

/**
 * Sees the audio the platform will play: `audio` for each chunk sent, with the
 * `performance.now()` time it starts playing; `cleared` when everything after `at` was flushed.
 */
export interface OutgoingTap {
  audio(pcm: Int16Array, sampleRate: number, playAt: number): void;
  cleared(at: number): void;
}

interface Mark {
  kind: 'checkpoint';
  name: string;
  settled: boolean;
  resolve: (ok: boolean) => void;
}

type Item = PlaybackJob | Mark;

/** How far ahead of what is sent a streaming source is read. */
const READ_AHEAD_MS = 1000;

/**
 * The outgoing half of a call: playbacks and checkpoints in order, paced a bounded lead ahead of
 * real time against a model of the platform's play-out buffer, and cleared on demand.
 */
export class PlaybackQueue {
  readonly #sink: PlaybackSink;
  readonly #o: PlaybackQueueOptions;
  readonly #items: Item[] = [];
  /** Sent checkpoints waiting for `playedStream`, by name, oldest first. */
  readonly #pending = new Map<string, Item[]>();
  #format: MediaFormat | undefined;
  #streamId = '';
  #streamRate = 8000;
  #encode: ((pcm: Int16Array) => Uint8Array) | undefined;
  /** When the platform's buffer runs dry: now + the audio it still holds. */
  #playEnd = 0;
  #clearing: { promise: Promise<void>; done: () => void } | undefined;
  #closed = false;
  readonly #pump = (): void => this.pump();

  constructor(sink: PlaybackSink, options: PlaybackQueueOptions) {
    this.#sink = sink;
    this.#o = options;
  }

  /** Called on `start`: from now on audio can be encoded and sent. */
  configure(streamId: string, streamRate: number, format: MediaFormat): void {
    this.#streamId = streamId;
    this.#streamRate = streamRate;
    this.#format = format;
    this.#encode = createWireEncoder(format);
    this.#wake();
  }

  play(audio: PlayableAudio, options: PlayAudioOptions = {}): Playback {
    const job = new PlaybackJob(audio, options, (j) => this.#cancel(j));
    const { signal } = options;
    if (this.#closed || signal?.aborted === true) {
      job.settle(this.#closed ? 'closed' : 'interrupted', 0);
      return job.handle;
    }
    if (signal !== undefined) {
      const onAbort = (): void => void this.#cancel(job);
      signal.addEventListener('abort', onAbort, { once: true });
      void job.result.then(() => signal.removeEventListener('abort', onAbort));
    }
    this.#items.push(job);
    this.#wake();
    return job.handle;
  }

  checkpoint(name: string): Promise<boolean> {
    if (this.#closed) return Promise.resolve(false);
    return new Promise((resolve) => {
      this.#items.push({ kind: 'checkpoint', name, settled: false, resolve });
      this.#wake();
    });
  }

  /** Drops everything queued or playing, sends `clearAudio`, resolves on `clearedAudio` or the timeout. */
  clear(): Promise<void> {
    const now = performance.now();
    for (const item of this.#items.splice(0)) this.#interrupt(item, now);
    this.#voidPending(now);
    return this.#sendClear(now);
  }

  /** A `playedStream` arrived. Returns false for a stale ack (nothing was waiting for it). */
  acknowledge(name: string): boolean {
    const list = this.#pending.get(name);
    const item = list?.shift();
    if (list !== undefined && list.length === 0) this.#pending.delete(name);
    if (item === undefined) {
      this.#o.stats.staleAcks++;
      return false;
    }
    this.#o.stats.checkpointsConfirmed++;
    if (item.kind === 'play') item.settle('played', item.sentMs);
    else this.#mark(item, true);
    return true;
  }

  /** A `clearedAudio` arrived. */
  cleared(): void {
    const clearing = this.#clearing;
    if (clearing === undefined) return;
    this.#clearing = undefined;
    clearing.done();
    this.pump();
  }

  /** The socket closed: everything settles `closed` / false. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const now = performance.now();
    for (const item of this.#items.splice(0)) this.#end(item, 'closed', now);
    for (const list of this.#pending.values())
      for (const item of list) this.#end(item, 'closed', now);
    this.#pending.clear();
    this.cleared();
    stopPacing(this.#pump);
  }

  /** Sends what is due. Runs on every pacer tick, on new source data and on acks. */
  pump(): void {
    const format = this.#format;
    if (format === undefined || this.#clearing !== undefined || this.#closed) return;
    if (!this.#sink.open) return;
    if (this.#items.length === 0) {
      stopPacing(this.#pump);
      return;
    }
    if (this.#sink.canSend?.() === false) return; // the ticker retries until the peer has read the backlog
    const now = performance.now();
    if (this.#playEnd < now) this.#playEnd = now;
    // Top up only when the platform holds less than half the lead, then fill to the whole lead:
    // several chunks leave in one write instead of one write per tick.
    const audioDue = this.#playEnd - now < this.#o.leadMs / 2;
    const frame = format.sampleRate / 50;
    const chunk = (format.sampleRate * this.#o.chunkMs) / 1000;
    let corked = false;
    const cork = (): void => {
      if (!corked) this.#sink.cork();
      corked = true;
    };
    try {
      for (let head = this.#items[0]; head !== undefined; head = this.#items[0]) {
        if (head.kind === 'checkpoint') {
          cork();
          this.#sendCheckpoint(head);
          this.#items.shift();
          continue;
        }
        if (!this.#prepare(head)) continue;
        while (audioDue && this.#playEnd - now < this.#o.leadMs) {
          const available = head.pcm.length;
          if (available < chunk && !(head.sourceDone && available > 0)) break;
          const n = available >= chunk ? chunk : Math.ceil(available / frame) * frame;
          cork();
          this.#sendAudio(head, head.pcm.take(n), now);
        }
        if (head.sourceDone && head.pcm.length === 0) {
          cork();
          this.#sendCheckpoint(head);
          this.#items.shift();
          continue;
        }
        const limit = ((this.#o.leadMs + READ_AHEAD_MS) * format.sampleRate) / 1000;
        head.fill(limit, this.#pump, this.#o.onError);
        break;
      }
    } finally {
      if (corked) this.#sink.uncork();
    }
  }

  #sendAudio(job: PlaybackJob, pcm: Int16Array, now: number): void {
    const format = this.#format as MediaFormat;
    const ms = (pcm.length * 1000) / format.sampleRate;
    const encode = this.#encode as (pcm: Int16Array) => Uint8Array;
    // The wire bytes are base64-encoded straight into the message's own buffer.
    this.#sink.send(
      serializePlayAudioBytes(this.#streamId, format.encoding, format.sampleRate, encode(pcm)),
    );
    const playAt = Math.max(this.#playEnd, now);
    job.startAt ??= playAt;
    for (const tap of this.#o.taps) tap.audio(pcm, format.sampleRate, playAt);
    job.sentMs += ms;
    this.#playEnd += ms;
    this.#o.stats.playMessages++;
    this.#o.stats.playedMsSent += ms;
  }

  #sendCheckpoint(item: Item): void {
    this.#sink.send(serializeCheckpoint(this.#streamId, item.name));
    this.#o.stats.checkpointsSent++;
    const list = this.#pending.get(item.name);
    if (list === undefined) this.#pending.set(item.name, [item]);
    else list.push(item);
  }

  /** Sets up a job's conversion once the output format is known; false if it failed and was dropped. */
  #prepare(job: PlaybackJob): boolean {
    if (job.prepared) return true;
    try {
      job.prepare(this.#streamRate, (this.#format as MediaFormat).sampleRate);
      return true;
    } catch (err) {
      this.#items.splice(this.#items.indexOf(job), 1);
      job.settle('interrupted', 0);
      this.#o.onError(err);
      return false;
    }
  }

  #cancel(job: PlaybackJob): Promise<void> {
    if (job.settled) return Promise.resolve();
    const now = performance.now();
    if (job.startAt === undefined) {
      // Nothing of it reached the platform: drop it locally, leave the rest playing.
      this.#items.splice(this.#items.indexOf(job), 1);
      this.#interrupt(job, now);
      return Promise.resolve();
    }
    // It is (partly) in the platform's buffer, so the buffer must be cleared: everything that
    // reached the platform is interrupted; what has not been sent yet plays after the clear.
    for (let i = this.#items.length - 1; i >= 0; i--) {
      const item = this.#items[i] as Item;
      if (item.kind === 'play' && item.startAt !== undefined) {
        this.#items.splice(i, 1);
        this.#interrupt(item, now);
      }
    }
    this.#voidPending(now);
    return this.#sendClear(now);
  }

  #sendClear(now: number): Promise<void> {
    this.#playEnd = now;
    for (const tap of this.#o.taps) tap.cleared(now);
    if (this.#format === undefined || this.#closed || !this.#sink.open) return Promise.resolve();
    // While a clear is unanswered nothing is sent, so there is nothing new to clear.
    if (this.#clearing !== undefined) return this.#clearing.promise;
    this.#sink.send(serializeClearAudio(this.#streamId));
    this.#o.stats.clears++;
    let done!: () => void;
    const promise = new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.cleared(), this.#o.clearTimeoutMs);
      done = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.#clearing = { promise, done };
    return promise;
  }

  #voidPending(now: number): void {
    for (const list of this.#pending.values()) for (const item of list) this.#interrupt(item, now);
    this.#pending.clear();
  }

  #interrupt(item: Item, now: number): void {
    this.#end(item, 'interrupted', now);
  }

  #end(item: Item, status: 'interrupted' | 'closed', now: number): void {
    if (item.kind === 'checkpoint') this.#mark(item, false);
    else item.settle(status, item.heardBy(now));
  }

  #mark(item: Mark, ok: boolean): void {
    if (item.settled) return;
    item.settled = true;
    item.resolve(ok);
  }

  #wake(): void {
    if (this.#format === undefined || this.#closed) return;
    startPacing(this.#pump);
    this.pump();
  }
}
