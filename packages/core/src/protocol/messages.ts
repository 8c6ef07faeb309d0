/**
 * Typed messages of the Plivo audio-stream protocol (PROTOCOL.md), normalized by `parseMessage`.
 * Platform → server messages form {@link InboundMessage}; server → platform commands form
 * {@link OutboundCommand}. Both are discriminated unions on `event`.
 */

export type Track = 'inbound' | 'outbound';
export type WireEncoding = 'audio/x-mulaw' | 'audio/x-l16';

/** The audio format of a stream, as announced by `start.mediaFormat`. */
export interface MediaFormat {
  encoding: WireEncoding;
  sampleRate: number;
}

/** `start`: the first message. `streamId` is normalized from `start.streamId` or the top level. */
export interface StartMessage {
  event: 'start';
  sequenceNumber: number | undefined;
  callId: string;
  streamId: string;
  accountId: string;
  tracks: Track[];
  mediaFormat: MediaFormat;
  /** The raw top-level `extra_headers` string (use `parseExtraHeaders`). */
  extraHeaders: string | undefined;
}

/** `media`: 20 ms of audio on one track. `payload` is still base64 here. */
export interface MediaMessage {
  event: 'media';
  sequenceNumber: number | undefined;
  streamId: string | undefined;
  track: Track;
  /** Milliseconds (coerced from the string on the wire); undefined when absent. */
  timestamp: number | undefined;
  /** Per-track frame counter from 1; undefined when absent. */
  chunk: number | undefined;
  payload: string;
}

import type { DtmfDigit } from './dtmf.js';

export type { DtmfDigit };

export interface DtmfMessage {
  event: 'dtmf';
  sequenceNumber: number | undefined;
  streamId: string | undefined;
  track: Track;
  digit: DtmfDigit;
  timestamp: number | undefined;
}

/** `playedStream` (legacy `played`): a checkpoint was reached. Vobiz omits streamId. */
export interface PlayedStreamMessage {
  event: 'playedStream';
  sequenceNumber: number | undefined;
  streamId: string | undefined;
  name: string;
}

export interface ClearedAudioMessage {
  event: 'clearedAudio';
  sequenceNumber: number | undefined;
  streamId: string | undefined;
}

export interface StopMessage {
  event: 'stop';
  sequenceNumber: number | undefined;
  streamId: string | undefined;
  reason: string | undefined;
}

/** A well-formed message whose `event` callstream does not know (playFailed, error, ...). */
export interface UnknownMessage {
  event: 'unknown';
  /** The `event` string as it arrived. */
  originalEvent: string;
  /** The whole decoded JSON object. */
  raw: Record<string, unknown>;
}

export type InboundMessage =
  | StartMessage
  | MediaMessage
  | DtmfMessage
  | PlayedStreamMessage
  | ClearedAudioMessage
  | StopMessage
  | UnknownMessage;

export interface PlayAudioCommand {
  event: 'playAudio';
  streamId: string;
  media: { contentType: WireEncoding; sampleRate: number; payload: string };
}
export interface CheckpointCommand {
  event: 'checkpoint';
  streamId: string;
  name: string;
}
export interface ClearAudioCommand {
  event: 'clearAudio';
  streamId: string;
}
export interface SendDtmfCommand {
  event: 'sendDTMF';
  dtmf: string;
}
/** Vobiz only: ask the platform to end the stream. */
export interface StopCommand {
  event: 'stop';
  streamId: string;
}

export type OutboundCommand =
  PlayAudioCommand | CheckpointCommand | ClearAudioCommand | SendDtmfCommand | StopCommand;
