/**
 * The general parse path: `JSON.parse`, then narrowing into a typed {@link InboundMessage}.
 * Lenient where PROTOCOL.md says platforms differ (numeric strings, `streamId` placement,
 * `played`, `null` fields), strict about what would make a message unusable. The entry points
 * (`parse.ts`) add the media fast path and the payload check on top of it.
 */

import { CallstreamError } from '../errors.js';
import type { CallstreamErrorCode } from '../errors.js';
import { isDtmfDigit } from './dtmf.js';
import {
  INVALID,
  createMediaMessage,
  describe,
  fieldError,
  isRecord,
  parseJsonObject,
  readNumber,
  readString,
  readTrack,
} from './fields.js';
import type {
  ClearedAudioMessage,
  DtmfMessage,
  InboundMessage,
  MediaMessage,
  PlayedStreamMessage,
  StopMessage,
} from './messages.js';
import { parseStart } from './parse-start.js';

/**
 * The reference path: `JSON.parse`, then narrowing. A media payload is returned as it is (not
 * checked as base64: `parseMessage` and `InboundReader` do that). Exported for the tests that
 * hold the fast path to it; use `parseMessage`.
 *
 * @internal
 */
export function parseMessageGeneral(text: string): InboundMessage {
  const value = parseJsonObject(text, 'Frame');
  const event = value.event;
  if (typeof event !== 'string') {
    throw new CallstreamError('ERR_INVALID_MESSAGE', `Frame has ${describe(event)} as its event`);
  }
  switch (event) {
    case 'media':
      return parseMedia(value);
    case 'start':
      return parseStart(value);
    case 'dtmf':
      return parseDtmf(value);
    case 'playedStream':
    case 'played':
      return parsePlayedStream(value);
    case 'clearedAudio':
      return parseClearedAudio(value);
    case 'stop':
      return parseStop(value);
    default:
      return { event: 'unknown', originalEvent: event, raw: value };
  }
}

/** Reads the `sequenceNumber` and top-level `streamId` every event but `start` carries. */
function readHeader(
  msg: Record<string, unknown>,
  code: CallstreamErrorCode,
): { sequenceNumber: number | undefined; streamId: string | undefined } {
  const sequenceNumber = readNumber(msg.sequenceNumber);
  if (sequenceNumber === INVALID) {
    throw fieldError(code, `sequenceNumber is ${describe(msg.sequenceNumber)}, not a number`);
  }
  const streamId = readString(msg.streamId);
  if (streamId === INVALID) {
    throw fieldError(code, `streamId is ${describe(msg.streamId)}, not a string`);
  }
  return { sequenceNumber, streamId };
}

function parseMedia(msg: Record<string, unknown>): MediaMessage {
  const { sequenceNumber, streamId } = readHeader(msg, 'ERR_INVALID_MEDIA');
  const media = msg.media;
  if (!isRecord(media)) {
    throw fieldError('ERR_INVALID_MEDIA', `media is ${describe(media)}, not an object`);
  }
  if (typeof media.payload !== 'string') {
    throw fieldError(
      'ERR_INVALID_MEDIA',
      `media.payload is ${describe(media.payload)}, not a string`,
    );
  }
  const track = readTrack(media.track);
  if (track === INVALID) {
    throw fieldError('ERR_INVALID_MEDIA', `media.track is ${describe(media.track)}`);
  }
  const timestamp = readNumber(media.timestamp);
  if (timestamp === INVALID) {
    throw fieldError('ERR_INVALID_MEDIA', `media.timestamp is ${describe(media.timestamp)}`);
  }
  const chunk = readNumber(media.chunk);
  if (chunk === INVALID) {
    throw fieldError('ERR_INVALID_MEDIA', `media.chunk is ${describe(media.chunk)}`);
  }
  return createMediaMessage(sequenceNumber, streamId, track, timestamp, chunk, media.payload);
}

function parseDtmf(msg: Record<string, unknown>): DtmfMessage {
  const { sequenceNumber, streamId } = readHeader(msg, 'ERR_INVALID_DTMF');
  const dtmf = msg.dtmf;
  if (!isRecord(dtmf)) {
    throw fieldError('ERR_INVALID_DTMF', `dtmf is ${describe(dtmf)}, not an object`);
  }
  // A platform could send the digit as a number (5); letters may come lowercase.
  const raw = dtmf.digit;
  const digit =
    typeof raw === 'string' ? raw.toUpperCase() : typeof raw === 'number' ? String(raw) : '';
  if (!isDtmfDigit(digit)) {
    throw fieldError('ERR_INVALID_DTMF', `dtmf.digit is ${describe(raw)}, not one of 0-9 * # A-D`);
  }
  const track = readTrack(dtmf.track);
  if (track === INVALID) {
    throw fieldError('ERR_INVALID_DTMF', `dtmf.track is ${describe(dtmf.track)}`);
  }
  const timestamp = readNumber(dtmf.timestamp);
  if (timestamp === INVALID) {
    throw fieldError('ERR_INVALID_DTMF', `dtmf.timestamp is ${describe(dtmf.timestamp)}`);
  }
  return {
    event: 'dtmf',
    sequenceNumber,
    streamId,
    track,
    digit,
    timestamp,
  };
}

function parsePlayedStream(msg: Record<string, unknown>): PlayedStreamMessage {
  const { sequenceNumber, streamId } = readHeader(msg, 'ERR_INVALID_FIELD');
  if (typeof msg.name !== 'string') {
    throw fieldError('ERR_INVALID_FIELD', `${String(msg.event)}.name is ${describe(msg.name)}`);
  }
  return { event: 'playedStream', sequenceNumber, streamId, name: msg.name };
}

function parseClearedAudio(msg: Record<string, unknown>): ClearedAudioMessage {
  const { sequenceNumber, streamId } = readHeader(msg, 'ERR_INVALID_FIELD');
  return { event: 'clearedAudio', sequenceNumber, streamId };
}

function parseStop(msg: Record<string, unknown>): StopMessage {
  const { sequenceNumber, streamId } = readHeader(msg, 'ERR_INVALID_FIELD');
  const reason = readString(msg.reason);
  if (reason === INVALID) {
    throw fieldError('ERR_INVALID_FIELD', `stop.reason is ${describe(msg.reason)}, not a string`);
  }
  return { event: 'stop', sequenceNumber, streamId, reason };
}
