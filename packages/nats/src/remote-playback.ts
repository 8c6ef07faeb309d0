import {
  CallstreamError,
  type PlayableAudio,
  type Playback,
  type PlayAudioOptions,
  type PlaybackResult,
} from '@callstream/core';
import { encodeChunk, pcmBytes, type WorkerCommand } from './wire.js';

/** Largest piece a whole buffer is cut into on the wire, in bytes (NATS' default max_payload is 1 MB). */
const PIECE_BYTES = 32_768;

let nameCounter = 0;

/** What a remote playback needs of its call. */
export interface PlaybackChannel {
  command(cmd: WorkerCommand): void;
  chunk(data: Uint8Array): void;
  request(cmd: (req: number) => WorkerCommand): Promise<unknown>;
  sourceError(err: unknown): void;
  readonly window: number;
}

/** A chunk's bytes and whether they are Int16 PCM (the edge then reads them as such, whatever the encoding). */
function chunkOf(id: number, piece: Int16Array | Uint8Array): Uint8Array {
  if (piece instanceof Int16Array) {
    const out = encodeChunk(id, pcmBytes(piece));
    out[1] = 1;
    return out;
  }
  if (piece instanceof Uint8Array) return encodeChunk(id, piece);
  throw new CallstreamError('ERR_INVALID_AUDIO', 'playAudio takes Int16Array or Uint8Array chunks');
}

/**
 * One `playAudio` of a remote call: its audio goes to the edge (a whole buffer in pieces, or a
 * stream with at most `window` unacknowledged chunks in flight); the edge plays it and reports
 * how it ended, as a local playback settles.
 */
export class RemotePlayback {
  readonly id: number;
  readonly name: string;
  readonly handle: Playback;
  readonly #channel: PlaybackChannel;
  #resolve!: (r: PlaybackResult) => void;
  #settled = false;
  #iterator: AsyncIterator<Int16Array | Uint8Array> | undefined;
  #inFlight = 0;
  #reading = false;
  #sourceDone = false;

  constructor(
    id: number,
    audio: PlayableAudio,
    options: PlayAudioOptions,
    channel: PlaybackChannel,
  ) {
    this.id = id;
    this.name = options.name ?? `cs-play-${++nameCounter}`;
    this.#channel = channel;
    const result = new Promise<PlaybackResult>((resolve) => (this.#resolve = resolve));
    this.handle = {
      name: this.name,
      cancel: () => this.cancel(),
      then: (onfulfilled, onrejected) => result.then(onfulfilled, onrejected),
    };
    const streaming = !(audio instanceof Int16Array || audio instanceof Uint8Array);
    channel.command({
      op: 'play',
      id,
      name: this.name,
      streaming,
      ...(options.sampleRate !== undefined && { sampleRate: options.sampleRate }),
      ...(options.encoding !== undefined && { encoding: options.encoding }),
    });
    if (!streaming) {
      this.#sendWhole(audio);
      this.#sourceDone = true;
      channel.command({ op: 'end', id });
    } else {
      this.#iterator = audio[Symbol.asyncIterator]();
      this.#pump();
    }
    const { signal } = options;
    if (signal !== undefined) {
      const onAbort = (): void => void this.cancel();
      signal.addEventListener('abort', onAbort, { once: true });
      void result.then(() => signal.removeEventListener('abort', onAbort));
    }
  }

  get settled(): boolean {
    return this.#settled;
  }

  /** The edge read one chunk: another may go. */
  acked(): void {
    if (this.#inFlight > 0) this.#inFlight--;
    this.#pump();
  }

  cancel(): Promise<void> {
    if (this.#settled) return Promise.resolve();
    return this.#channel.request((req) => ({ op: 'cancel', id: this.id, req })).then(() => {});
  }

  settle(status: PlaybackResult['status'], playedMs: number): void {
    if (this.#settled) return;
    this.#settled = true;
    if (!this.#sourceDone) void this.#iterator?.return?.()?.catch(() => {});
    this.#resolve({ status, playedMs });
  }

  #sendWhole(audio: Int16Array | Uint8Array): void {
    const bytesPer = audio instanceof Int16Array ? 2 : 1;
    const step = PIECE_BYTES / bytesPer;
    for (let i = 0; i < audio.length || i === 0; i += step) {
      this.#channel.chunk(chunkOf(this.id, audio.subarray(i, i + step)));
      if (audio.length === 0) break;
    }
  }

  #pump(): void {
    const iterator = this.#iterator;
    if (this.#reading || this.#sourceDone || this.#settled || iterator === undefined) return;
    if (this.#inFlight >= this.#channel.window) return;
    this.#reading = true;
    void (async () => {
      try {
        while (!this.#settled && this.#inFlight < this.#channel.window) {
          const r = await iterator.next();
          if (this.#settled) return;
          if (r.done === true) {
            this.#sourceDone = true;
            this.#channel.command({ op: 'end', id: this.id });
            return;
          }
          this.#inFlight++;
          this.#channel.chunk(chunkOf(this.id, r.value));
        }
      } catch (err) {
        // As locally: what was sent still plays; the error goes to the call's `error` event.
        this.#sourceDone = true;
        this.#channel.command({
          op: 'end',
          id: this.id,
          error: err instanceof Error ? err.message : String(err),
        });
        this.#channel.sourceError(err);
      } finally {
        this.#reading = false;
      }
    })();
  }
}

/** The playback of a call that is already closed (or of an already aborted signal): settled at once. */
export function settledPlayback(
  name: string | undefined,
  status: 'closed' | 'interrupted',
): Playback {
  const result = Promise.resolve({ status, playedMs: 0 });
  return {
    name: name ?? `cs-play-closed`,
    cancel: () => Promise.resolve(),
    then: (onfulfilled, onrejected) => result.then(onfulfilled, onrejected),
  };
}
