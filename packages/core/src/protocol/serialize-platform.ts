/**
 * Platform → server messages, as Plivo sends them (PROTOCOL.md §2): what the simulator speaks,
 * and what users' tests can feed to a CallStream. Key order and types follow captured frames:
 * `streamId` nested in `start`, timestamps as strings of milliseconds, `extra_headers` in snake
 * case at the top level, and `sequenceNumber` first on `clearedAudio`.
 */

import { CallstreamError } from '../errors.js';
import { DTMF_DIGIT_CLASS, isDtmfDigit } from './dtmf.js';
import type { MediaFormat, Track } from './messages.js';

/** Fields of a `start` message. */
export interface StartFields {
  /** 1 on Plivo, 0 on Vobiz. Omitted when undefined. */
  sequenceNumber?: number;
  callId: string;
  streamId: string;
  /** Omitted when undefined. */
  accountId?: string;
  tracks: readonly Track[];
  mediaFormat: MediaFormat;
  /** The raw `extra_headers` string (`k=v;k=v`, `k=v,k=v` or JSON text). Omitted when undefined. */
  extraHeaders?: string;
}

/** Fields of a `media` message. */
export interface MediaFields {
  sequenceNumber: number;
  streamId: string;
  track: Track;
  /** Milliseconds; sent as a string, as Plivo does. */
  timestamp: number;
  /** Per-track frame counter from 1. */
  chunk: number;
  /** Standard base64 of the audio (not escaped). */
  payload: string;
  extraHeaders?: string;
}

/** Fields of a `dtmf` message. */
export interface DtmfFields {
  sequenceNumber: number;
  streamId: string;
  /** Default `inbound`. */
  track?: Track;
  /** One of `0-9 * # A-D`. */
  digit: string;
  /** Milliseconds; sent as a string. */
  timestamp: number;
  extraHeaders?: string;
}

/**
 * A `start` message.
 *
 * @example
 * serializeStart({ sequenceNumber: 1, callId, streamId, accountId: 'MA123', tracks: ['inbound'],
 *   mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000 }, extraHeaders: 'tenant=acme' });
 * // {"event":"start","sequenceNumber":1,"start":{"callId":"…","streamId":"…","accountId":"MA123",
 * //  "tracks":["inbound"],"mediaFormat":{"encoding":"audio/x-mulaw","sampleRate":8000}},"extra_headers":"tenant=acme"}
 */
export function serializeStart(fields: StartFields): string {
  return JSON.stringify({
    event: 'start',
    sequenceNumber: fields.sequenceNumber,
    start: {
      callId: fields.callId,
      streamId: fields.streamId,
      accountId: fields.accountId,
      tracks: fields.tracks,
      mediaFormat: {
        encoding: fields.mediaFormat.encoding,
        sampleRate: fields.mediaFormat.sampleRate,
      },
    },
    extra_headers: fields.extraHeaders,
  });
}

/**
 * A `media` message. A template string, since the simulator sends 50 per second per track.
 *
 * @example
 * serializeMedia({ sequenceNumber: 2, streamId, track: 'inbound', timestamp: 1705312200000,
 *   chunk: 1, payload });
 * // {"event":"media","sequenceNumber":2,"streamId":"…","media":{"track":"inbound",
 * //  "timestamp":"1705312200000","chunk":1,"payload":"…"}}
 */
export function serializeMedia(fields: MediaFields): string {
  return `{"event":"media","sequenceNumber":${fields.sequenceNumber},"streamId":${JSON.stringify(fields.streamId)},"media":{"track":${JSON.stringify(fields.track)},"timestamp":"${fields.timestamp}","chunk":${fields.chunk},"payload":"${fields.payload}"}${extraHeaders(fields.extraHeaders)}}`;
}

/**
 * A `dtmf` message.
 *
 * @throws {CallstreamError} `ERR_INVALID_DIGITS` when `digit` is not one DTMF digit.
 * @example
 * serializeDtmf({ sequenceNumber: 310, streamId, digit: '5', timestamp: 1705312206180 });
 * // {"event":"dtmf","sequenceNumber":310,"streamId":"…","dtmf":{"track":"inbound","digit":"5","timestamp":"1705312206180"}}
 */
export function serializeDtmf(fields: DtmfFields): string {
  if (!isDtmfDigit(fields.digit)) {
    throw new CallstreamError(
      'ERR_INVALID_DIGITS',
      `Invalid DTMF digit ${JSON.stringify(fields.digit) ?? String(fields.digit)}: use one of ${DTMF_DIGIT_CLASS}`,
    );
  }
  return JSON.stringify({
    event: 'dtmf',
    sequenceNumber: fields.sequenceNumber,
    streamId: fields.streamId,
    dtmf: {
      track: fields.track ?? 'inbound',
      digit: fields.digit,
      timestamp: String(fields.timestamp),
    },
    extra_headers: fields.extraHeaders,
  });
}

/**
 * A `playedStream` message (a checkpoint was reached). Vobiz omits `streamId` and
 * `sequenceNumber`: leave them undefined to do the same.
 *
 * @example
 * serializePlayedStream({ sequenceNumber: 57, streamId, name: 'greeting' });
 * // {"event":"playedStream","sequenceNumber":57,"streamId":"…","name":"greeting"}
 */
export function serializePlayedStream(fields: {
  sequenceNumber?: number;
  streamId?: string;
  name: string;
}): string {
  return JSON.stringify({
    event: 'playedStream',
    sequenceNumber: fields.sequenceNumber,
    streamId: fields.streamId,
    name: fields.name,
  });
}

/**
 * A `clearedAudio` message (clearAudio acknowledged), with `sequenceNumber` first as captured.
 *
 * @example
 * serializeClearedAudio({ sequenceNumber: 0, streamId });
 * // {"sequenceNumber":0,"event":"clearedAudio","streamId":"…"}
 */
export function serializeClearedAudio(fields: {
  sequenceNumber?: number;
  streamId: string;
}): string {
  return JSON.stringify({
    sequenceNumber: fields.sequenceNumber,
    event: 'clearedAudio',
    streamId: fields.streamId,
  });
}

/**
 * A `stop` message (a hint: the socket close is what ends the stream).
 *
 * @example
 * serializeStop({ sequenceNumber: 900, streamId, reason: 'hangup' });
 * // {"event":"stop","sequenceNumber":900,"streamId":"…","reason":"hangup"}
 */
export function serializeStop(fields: {
  sequenceNumber?: number;
  streamId: string;
  reason?: string;
}): string {
  return JSON.stringify({
    event: 'stop',
    sequenceNumber: fields.sequenceNumber,
    streamId: fields.streamId,
    reason: fields.reason,
  });
}

function extraHeaders(raw: string | undefined): string {
  return raw === undefined ? '' : `,"extra_headers":${JSON.stringify(raw)}`;
}
