/**
 * Narrowing of the `start` message: the one message a call cannot do without, so every field
 * the stream needs (callId, streamId, tracks, mediaFormat) is checked here.
 */

import {
  INVALID,
  MAX_HEADER_DEPTH,
  depthExceeds,
  describe,
  fieldError,
  isRecord,
  readNumber,
} from './fields.js';
import type { MediaFormat, StartMessage, Track, WireEncoding } from './messages.js';

/**
 * Reads a decoded `start` message (its `event` already checked).
 *
 * - `streamId` is nested in `start` on Plivo and Vobiz; a top-level one is accepted too.
 * - `accountId` may be a number (Vobiz ids look numeric); missing or unusable, it is `''`.
 * - `mediaFormat.encoding` may carry a `;rate=` suffix (the `<Stream contentType>` form); the rate
 *   is used when `sampleRate` is missing.
 * - `extra_headers` is kept raw; a JSON object in its place is kept as its JSON text (dropped when
 *   it nests deeper than 16 levels).
 *
 * @throws {CallstreamError} `ERR_INVALID_START` naming the unusable field.
 */
export function parseStart(msg: Record<string, unknown>): StartMessage {
  const start = msg.start;
  if (!isRecord(start)) throw startError(`start is ${describe(start)}, not an object`);
  const sequenceNumber = readNumber(msg.sequenceNumber);
  if (sequenceNumber === INVALID) {
    throw startError(`sequenceNumber is ${describe(msg.sequenceNumber)}, not a number`);
  }
  const callId = start.callId;
  if (typeof callId !== 'string' || callId === '') {
    throw startError(`start.callId is ${describe(callId)}, not a non-empty string`);
  }
  const streamId = nonEmptyString(start.streamId) ?? nonEmptyString(msg.streamId);
  if (streamId === undefined) {
    throw startError(`start.streamId is ${describe(start.streamId)}, not a non-empty string`);
  }
  return {
    event: 'start',
    sequenceNumber,
    callId,
    streamId,
    accountId: readAccountId(start.accountId),
    tracks: readTracks(start.tracks),
    mediaFormat: readMediaFormat(start.mediaFormat),
    extraHeaders: readExtraHeaders(msg.extra_headers),
  };
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function readAccountId(value: unknown): string {
  if (typeof value === 'string') return value;
  return typeof value === 'number' && Number.isFinite(value) ? String(value) : '';
}

/** `["inbound"]`, `["outbound"]` or both, in the order given, each once. */
function readTracks(value: unknown): Track[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw startError(`start.tracks is ${describe(value)}, not a non-empty array`);
  }
  const tracks: Track[] = [];
  for (const track of value) {
    if (track !== 'inbound' && track !== 'outbound') {
      throw startError(`start.tracks holds ${describe(track)}, not "inbound" or "outbound"`);
    }
    if (!tracks.includes(track)) tracks.push(track);
  }
  // The stream keeps this array for its whole life: a copy is sized to its one or two tracks,
  // where the array grown by push holds room for 17.
  return tracks.slice();
}

function readMediaFormat(value: unknown): MediaFormat {
  if (!isRecord(value)) throw startError(`start.mediaFormat is ${describe(value)}, not an object`);
  const raw = value.encoding;
  if (typeof raw !== 'string') {
    throw startError(`start.mediaFormat.encoding is ${describe(raw)}, not a string`);
  }
  // Lenient: `audio/x-mulaw;rate=8000` (the <Stream contentType> spelling), any case or spacing.
  const [type = '', ...params] = raw.split(';');
  const encoding = type.trim().toLowerCase();
  if (encoding !== 'audio/x-mulaw' && encoding !== 'audio/x-l16') {
    throw startError(
      `start.mediaFormat.encoding is ${describe(raw)}, not audio/x-mulaw or audio/x-l16`,
    );
  }
  let sampleRate = readNumber(value.sampleRate);
  if (sampleRate === undefined) sampleRate = readNumber(rateParameter(params));
  if (sampleRate === INVALID || sampleRate === undefined) {
    const hint = value.sampleRate === undefined ? ' and the encoding has no usable ;rate=' : '';
    throw startError(`start.mediaFormat.sampleRate is ${describe(value.sampleRate)}${hint}`);
  }
  if (!Number.isInteger(sampleRate) || sampleRate <= 0) {
    throw startError(`start.mediaFormat.sampleRate ${sampleRate} is not a positive integer`);
  }
  return { encoding: encoding satisfies WireEncoding, sampleRate };
}

/** The value of a `rate=` parameter, if one is there. */
function rateParameter(params: string[]): string | undefined {
  for (const param of params) {
    const eq = param.indexOf('=');
    if (eq !== -1 && param.slice(0, eq).trim().toLowerCase() === 'rate') {
      return param.slice(eq + 1).trim();
    }
  }
  return undefined;
}

function readExtraHeaders(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (!isRecord(value) || depthExceeds(value, MAX_HEADER_DEPTH)) return undefined;
  return JSON.stringify(value);
}

function startError(detail: string): ReturnType<typeof fieldError> {
  return fieldError('ERR_INVALID_START', detail);
}
