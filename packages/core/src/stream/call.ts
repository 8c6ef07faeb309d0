import type { EventEmitter } from 'node:events';
import type { Logger } from '../logger.js';
import type { MediaFormat, Track } from '../protocol/messages.js';
import type { AudioFrame } from './audio-frame.js';
import type { CallStreamEvents } from './call-stream-events.js';
import type { FramesOptions } from './frame-iterator.js';
import type { PlayableAudio, Playback, PlayAudioOptions } from './playback.js';

/**
 * One live call as a bot sees it, wherever the socket is: a local {@link CallStream}, or a call
 * carried over NATS from an edge process (`@callstream/nats`). A bot typed against `Call` runs on
 * either, unchanged.
 *
 * Listeners of the events (`on`, `once`, `off`) get the same arguments as on a `CallStream`:
 * `start`, `media`, `dtmf`, `playedStream`, `clearedAudio`, `stop`, `unknown`, `frameError`,
 * `error`, `close`.
 *
 * Counters are not part of it: a `CallStream`'s `stats` count what crossed its socket, a remote
 * call's count what crossed NATS, and a bot that reads them knows which one it has.
 *
 * @example
 * import type { Call } from '@callstream/core';
 *
 * async function bot(call: Call): Promise<void> {
 *   call.on('dtmf', ({ digit }) => {
 *     if (digit === '0') void call.close();
 *   });
 *   await call.playAudio(greetingPcm, { sampleRate: 16000 });
 *   for await (const frame of call.frames({ track: 'inbound' })) stt.write(frame.samples);
 * }
 */
export interface Call extends AsyncIterable<AudioFrame> {
  readonly callId: string;
  readonly streamId: string;
  readonly accountId: string;
  readonly tracks: readonly Track[];
  /** The inbound audio format announced by `start`. */
  readonly format: Readonly<MediaFormat>;
  readonly extraHeaders: Readonly<Record<string, string>>;
  /** Resolves once the call has started (at once for a call handed to a handler). */
  readonly started: Promise<void>;
  /** Resolves with the close code and reason once the call is over; never rejects. */
  readonly closed: Promise<{ code: number; reason: string }>;
  /** True once the call is over. */
  readonly isClosed: boolean;
  /** The call's logger, bound to its `callId` and `streamId`. */
  readonly log: Logger;

  /** Decoded frames until the call ends; see {@link FramesOptions}. */
  frames(options?: FramesOptions): AsyncIterableIterator<AudioFrame>;
  /** Queues audio for the caller; settles `played`, `interrupted` or `closed`, never rejects. */
  playAudio(audio: PlayableAudio, options?: PlayAudioOptions): Playback;
  /** Resolves true once the caller has heard everything queued so far; false if cleared or closed first. */
  checkpoint(name?: string): Promise<boolean>;
  /** Stops all playback now (barge-in). */
  clearAudio(): Promise<void>;
  /** Sends DTMF digits (`[0-9A-D*#]`) into the call. */
  sendDtmf(digits: string): void;
  /** Ends the call's stream (default code 1000) and resolves once it is closed. */
  close(code?: number, reason?: string): Promise<void>;

  on: EventEmitter<CallStreamEvents>['on'];
  once: EventEmitter<CallStreamEvents>['once'];
  off: EventEmitter<CallStreamEvents>['off'];
}
