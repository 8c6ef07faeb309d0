/**
 * Narrows one untrusted text frame from the platform into a typed {@link InboundMessage}.
 * Lenient where PROTOCOL.md says platforms differ (numeric strings, `streamId` placement,
 * `played`, `null` fields), strict about what would make a message unusable.
 */

import { CallstreamError } from '../errors.js';
import type { CallstreamErrorCode } from '../errors.js';
import { isDtmfDigit } from './dtmf.js';
import { parseMediaFast } from './fast-media.js';
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
 * Parses one text frame sent by the platform. Media frames (50 per second per track) in the usual
 * layout take a fast path that jumps over the base64 payload; it gives exactly the result of the
 * general `JSON.parse` path, and falls back to it on anything unusual.
 *
 * A well-formed message with an event callstream does not know is returned as
 * `{ event: 'unknown', originalEvent, raw }`, never thrown.
 *
 * @throws {CallstreamError} `ERR_INVALID_JSON` (not JSON), `ERR_INVALID_MESSAGE` (not an object
 *   with a string `event`), `ERR_INVALID_START`, `ERR_INVALID_MEDIA`, `ERR_INVALID_DTMF` or
 *   `ERR_INVALID_FIELD` (a known event with missing or wrongly typed fields). Nothing else, for
 *   any input.
 *
 * @example
 * const msg = parseMessage(text);
 * if (msg.event === 'media') decode(msg.payload);
 * else if (msg.event === 'start') logger.info({ callId: msg.callId }, 'call started');
 */
export function parseMessage(text: string): InboundMessage {
  if (typeof text === 'string') {
    // The fast path's anchored expression gives up within 11 characters on other events.
    const fast = parseMediaFast(text);
    if (fast !== undefined) return fast;
  }
  return parseMessageGeneral(text);
}

/**
 * {@link parseMessage} for a caller that strictly base64-decodes every media payload at once:
 * a fast-path media message is returned without proving its payload is plain JSON text. When
 * the strict decode fails, call `parseMessage(text)` for the exact error (the text may not even
 * be JSON). Used by the stream so that each payload is decoded once.
 *
 * @internal
 */
export function parseMessageDeferringPayload(text: string): InboundMessage {
  return parseMediaFast(text, false) ?? parseMessageGeneral(text);
}

/**
 * The reference path: `JSON.parse`, then narrowing. Exported for the test that holds the fast
 * path to it; use {@link parseMessage}.
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
