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
let cachedPrefixBytes = Buffer.alloc(0);

/** Checks the format and caches the text (and its bytes) before the payload of a `playAudio`. */
function playAudioPrefix(streamId: string, contentType: WireEncoding, sampleRate: number): void {
  if (
    streamId === cachedStreamId &&
    contentType === cachedContentType &&
    sampleRate === cachedSampleRate
  ) {
    return;
  }
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
  cachedPrefixBytes = Buffer.from(cachedPrefix, 'utf8');
  cachedStreamId = streamId;
  cachedContentType = contentType;
  cachedSampleRate = sampleRate;
}

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
  playAudioPrefix(streamId, contentType, sampleRate);
  return `${cachedPrefix}${payloadBase64}"}}`;
}

const ALPHABET = Buffer.from(
  'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/',
  'latin1',
);
/** The two base64 characters of each 12-bit value: high sextet's, low sextet's. */
const PAIR_HIGH = new Uint8Array(4096);
const PAIR_LOW = new Uint8Array(4096);
for (let v = 0; v < 4096; v++) {
  PAIR_HIGH[v] = ALPHABET[v >> 6] as number;
  PAIR_LOW[v] = ALPHABET[v & 63] as number;
}
/**
 * Up to this many payload bytes are encoded by the loop below, more by Node's encoder through
 * a string: the loop saves the string on a 20 ms mu-law frame (160 bytes), Node's native
 * encoder wins from about 300 bytes on (bench/pipeline.ts, encode + serialize).
 */
const LOOP_MAX_BYTES = 256;
const QUOTE = 0x22;
const BRACE = 0x7d;
const EQUALS = 0x3d;

/** Writes the standard padded base64 of `bytes` into `out` at `at`; returns the end. */
function writeBase64Of(bytes: Uint8Array, out: Buffer, at: number): number {
  const n = bytes.length;
  if (n > LOOP_MAX_BYTES) {
    const text = Buffer.from(bytes.buffer, bytes.byteOffset, n).toString('base64');
    return at + out.write(text, at, 'latin1');
  }
  let i = 0;
  for (; i + 3 <= n; i += 3) {
    const v =
      ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number);
    const high = v >> 12;
    const low = v & 0xfff;
    out[at] = PAIR_HIGH[high] as number;
    out[at + 1] = PAIR_LOW[high] as number;
    out[at + 2] = PAIR_HIGH[low] as number;
    out[at + 3] = PAIR_LOW[low] as number;
    at += 4;
  }
  const rest = n - i;
  if (rest > 0) {
    const v = ((bytes[i] as number) << 16) | (rest === 2 ? (bytes[i + 1] as number) << 8 : 0);
    out[at] = ALPHABET[v >> 18] as number;
    out[at + 1] = ALPHABET[(v >> 12) & 63] as number;
    out[at + 2] = rest === 2 ? (ALPHABET[(v >> 6) & 63] as number) : EQUALS;
    out[at + 3] = EQUALS;
    at += 4;
  }
  return at;
}

/**
 * {@link serializePlayAudio} as the UTF-8 bytes of the message, built from the audio's wire
 * bytes (mu-law, or little-endian L16): the base64 is written straight into the message, with no
 * payload or message string. Byte for byte `Buffer.from(serializePlayAudio(..., base64 of
 * wire))`. Send it as a text frame (`ws.send(bytes, { binary: false })`).
 *
 * Each message is a buffer of its own (small ones from Node's shared pool): a socket keeps a
 * reference to what it has not written yet (a corked burst, a slow peer), so a buffer reused
 * for the next message would change one still queued.
 *
 * @throws {CallstreamError} `ERR_UNSUPPORTED_FORMAT`, as {@link serializePlayAudio}.
 * @example
 * const bytes = serializePlayAudioBytes(streamId, 'audio/x-mulaw', 8000, mulawBytes);
 * ws.send(bytes, { binary: false });
 */
export function serializePlayAudioBytes(
  streamId: string,
  contentType: WireEncoding,
  sampleRate: number,
  wire: Uint8Array,
): Buffer {
  playAudioPrefix(streamId, contentType, sampleRate);
  const prefix = cachedPrefixBytes;
  const out = Buffer.allocUnsafe(prefix.length + Math.ceil(wire.length / 3) * 4 + 3);
  prefix.copy(out, 0);
  const at = writeBase64Of(wire, out, prefix.length);
  out[at] = QUOTE;
  out[at + 1] = BRACE;
  out[at + 2] = BRACE;
  return out;
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
