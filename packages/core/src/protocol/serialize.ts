/**
 * Server → platform commands, exactly as PROTOCOL.md §3 writes them. `playAudio` is sent every
 * 20-100 ms per call, so it is a template string around a cached prefix; strings that can hold
 * anything (streamId, checkpoint names) are escaped with `JSON.stringify`.
 */

import { CallstreamError } from '../errors.js';
import { checkDtmfDigits } from './dtmf.js';
import type { WireEncoding } from './messages.js';

let cachedStreamId: string | undefined;
let cachedContentType: string | undefined;
let cachedSampleRate = 0;
let cachedPrefix = '';

/**
 * A `playAudio` command: the bare `contentType`, the rate as a number in `sampleRate`, and the
 * `streamId` (Vobiz requires it). `payloadBase64` must be standard base64 (it is not escaped).
 *
 * @throws {CallstreamError} `ERR_UNSUPPORTED_FORMAT` when `contentType` is not one of the two
 *   wire encodings or `sampleRate` is not a positive integer: the platform would play silence.
 *
 * @example
 * ws.send(serializePlayAudio(streamId, 'audio/x-mulaw', 8000, mulawBytes.toString('base64')));
 * // {"event":"playAudio","streamId":"…","media":{"contentType":"audio/x-mulaw","sampleRate":8000,"payload":"…"}}
 */
export function serializePlayAudio(
  streamId: string,
  contentType: WireEncoding,
  sampleRate: number,
  payloadBase64: string,
): string {
  if (
    streamId !== cachedStreamId ||
    contentType !== cachedContentType ||
    sampleRate !== cachedSampleRate
  ) {
    if (contentType !== 'audio/x-mulaw' && contentType !== 'audio/x-l16') {
      throw new CallstreamError(
        'ERR_UNSUPPORTED_FORMAT',
        `playAudio contentType must be audio/x-mulaw or audio/x-l16, got ${JSON.stringify(contentType)}`,
      );
    }
    if (!Number.isInteger(sampleRate) || sampleRate <= 0) {
      throw new CallstreamError(
        'ERR_UNSUPPORTED_FORMAT',
        `playAudio sampleRate must be a positive integer, got ${String(sampleRate)}`,
      );
    }
    cachedPrefix = `{"event":"playAudio","streamId":${JSON.stringify(streamId)},"media":{"contentType":"${contentType}","sampleRate":${sampleRate},"payload":"`;
    cachedStreamId = streamId;
    cachedContentType = contentType;
    cachedSampleRate = sampleRate;
  }
  return `${cachedPrefix}${payloadBase64}"}}`;
}

/**
 * A `checkpoint` command: the platform answers `playedStream` with this `name` once the audio
 * queued before it has played.
 *
 * @example
 * serializeCheckpoint(streamId, 'greeting'); // {"event":"checkpoint","streamId":"…","name":"greeting"}
 */
export function serializeCheckpoint(streamId: string, name: string): string {
  return `{"event":"checkpoint","streamId":${JSON.stringify(streamId)},"name":${JSON.stringify(name)}}`;
}

/**
 * A `clearAudio` command: flush what has not played yet (pending checkpoints are voided).
 *
 * @example
 * serializeClearAudio(streamId); // {"event":"clearAudio","streamId":"…"}
 */
export function serializeClearAudio(streamId: string): string {
  return `{"event":"clearAudio","streamId":${JSON.stringify(streamId)}}`;
}

/**
 * A `sendDTMF` command.
 *
 * @throws {CallstreamError} `ERR_INVALID_DIGITS` unless `digits` is a non-empty string of
 *   `0-9 * # A-D` (the protocol's digit set, `DTMF_DIGITS`).
 * @example
 * serializeSendDtmf('123#'); // {"event":"sendDTMF","dtmf":"123#"}
 */
export function serializeSendDtmf(digits: string): string {
  checkDtmfDigits(digits);
  return `{"event":"sendDTMF","dtmf":${JSON.stringify(digits)}}`;
}

/**
 * A `stop` command (Vobiz only): ask the platform to end the stream.
 *
 * @example
 * serializeStopCommand(streamId); // {"event":"stop","streamId":"…"}
 */
export function serializeStopCommand(streamId: string): string {
  return `{"event":"stop","streamId":${JSON.stringify(streamId)}}`;
}
