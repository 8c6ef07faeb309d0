/**
 * The messages the simulated platform sends, in its dialect: sequence numbers (from 1 on Plivo,
 * 0 on Vobiz, one per message), `extra_headers` on start/media/dtmf, string timestamps in epoch
 * ms on the call's clock (`t0 + 20 · chunk` for media), and Vobiz's bare `playedStream`.
 */
import {
  serializeClearedAudio,
  serializeDtmf,
  serializeMedia,
  serializePlayedStream,
  serializeStart,
  serializeStop,
} from '@callstream/core/internal';
import type { MediaFormat, Track } from '@callstream/core';
import type { Dialect } from './options.js';

/** Milliseconds of audio per media frame. */
export const FRAME_MS = 20;

export interface WireOptions {
  dialect: Dialect;
  callId: string;
  streamId: string;
  accountId: string;
  extraHeaders: string;
  /** Epoch ms of call time 0 (when `start` is sent). */
  t0: number;
}

/** Builds each outgoing message and keeps the sequence counter. */
export class Wire {
  readonly #o: WireOptions;
  #sequence: number;

  constructor(options: WireOptions) {
    this.#o = options;
    this.#sequence = options.dialect === 'vobiz' ? 0 : 1;
  }

  start(tracks: readonly Track[], mediaFormat: MediaFormat): string {
    const { callId, streamId, accountId, extraHeaders } = this.#o;
    return serializeStart({
      sequenceNumber: this.#sequence++,
      callId,
      streamId,
      accountId,
      tracks: [...tracks],
      mediaFormat,
      extraHeaders,
    });
  }

  /** Media frame `chunk` (from 1) of `track`; its timestamp is `t0 + 20 · chunk`. */
  media(track: Track, chunk: number, payload: string): string {
    return serializeMedia({
      sequenceNumber: this.#sequence++,
      streamId: this.#o.streamId,
      track,
      timestamp: this.#o.t0 + FRAME_MS * chunk,
      chunk,
      payload,
      extraHeaders: this.#o.extraHeaders,
    });
  }

  /** A digit pressed by the caller at call time `atMs`. */
  dtmf(digit: string, atMs: number): string {
    return serializeDtmf({
      sequenceNumber: this.#sequence++,
      streamId: this.#o.streamId,
      track: 'inbound',
      digit,
      timestamp: this.#o.t0 + atMs,
      extraHeaders: this.#o.extraHeaders,
    });
  }

  /** Vobiz sends playedStream without streamId or sequenceNumber. */
  playedStream(name: string): string {
    if (this.#o.dialect === 'vobiz') return serializePlayedStream({ name });
    return serializePlayedStream({
      sequenceNumber: this.#sequence++,
      streamId: this.#o.streamId,
      name,
    });
  }

  clearedAudio(): string {
    return serializeClearedAudio({
      sequenceNumber: this.#sequence++,
      streamId: this.#o.streamId,
    });
  }

  stop(reason: string): string {
    return serializeStop({ sequenceNumber: this.#sequence++, streamId: this.#o.streamId, reason });
  }
}
