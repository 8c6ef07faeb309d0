/**
 * The inbound parse contract, in one place: text frame from the platform → typed
 * {@link InboundMessage}, with decoded samples for media on the stream's path. Both entry points
 * take the media fast path (`fast-media.ts`) when the text has the usual layout and its payload
 * is strict base64, and fall back to the general path (`parse-general.ts`: `JSON.parse` +
 * narrowing) for everything else, so the result is always exactly the general path's.
 *
 * - {@link parseMessage} (public): the message; a media payload is proven strict base64.
 * - {@link InboundReader} (the stream's per-frame path): the message, and for media the samples
 *   of the stream's decoder, which proves the payload strict base64 while decoding it, so each
 *   payload is decoded once.
 *
 * All the work is linear in the length of the text (no expression that can backtrack), so a
 * hostile frame costs what its size costs.
 */

import { isUtf8 } from 'node:buffer';
import { decodeBase64Into } from '../codec/base64.js';
import { createByteScratch, type ByteScratch } from '../codec/byte-scratch.js';
import type { MediaDecoder } from '../codec/frame-codec.js';
import { CallstreamError } from '../errors.js';
import { parseMediaFast } from './fast-media.js';
import { createMediaMessage } from './fields.js';
import { scanMediaBytes, type MediaLayout } from './media-bytes.js';
import type { InboundMessage, MediaMessage, Track } from './messages.js';
import { parseMessageGeneral } from './parse-general.js';

export { parseMessageGeneral };

/** Payloads decoding to more than this are checked in a buffer of their own, not kept. */
const SCRATCH_BYTES = 16 * 1024;
let scratch: ByteScratch | undefined;

/** True when `payload` is strict standard base64 (padded, canonical, no whitespace). */
function isStrictBase64(payload: string): boolean {
  if (payload.length > (SCRATCH_BYTES / 3) * 4) {
    return decodeBase64Into(payload, createByteScratch(0)) >= 0;
  }
  scratch ??= createByteScratch(SCRATCH_BYTES);
  return decodeBase64Into(payload, scratch) >= 0;
}

/**
 * Parses one text frame sent by the platform. Media frames (50 per second per track) in the usual
 * layout take a fast path that jumps over the base64 payload; it gives exactly the result of the
 * general `JSON.parse` path, and falls back to it on anything unusual. The work is linear in the
 * length of the text, whatever it holds.
 *
 * A well-formed message with an event callstream does not know is returned as
 * `{ event: 'unknown', originalEvent, raw }`, never thrown.
 *
 * @throws {CallstreamError} `ERR_INVALID_JSON` (not JSON), `ERR_INVALID_MESSAGE` (not an object
 *   with a string `event`), `ERR_INVALID_START`, `ERR_INVALID_MEDIA`, `ERR_INVALID_DTMF` or
 *   `ERR_INVALID_FIELD` (a known event with missing or wrongly typed fields),
 *   `ERR_INVALID_BASE64` (a media payload that is not strict standard base64). Nothing else, for
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
    if (fast !== undefined && isStrictBase64(fast.payload)) return fast;
  }
  const message = parseMessageGeneral(text);
  if (message.event === 'media' && !isStrictBase64(message.payload)) {
    throw new CallstreamError('ERR_INVALID_BASE64');
  }
  return message;
}

/** The message of the error for a text frame that is not UTF-8 (what `ws` would report). */
export const INVALID_UTF8 = 'WebSocket error: invalid UTF-8 in a text frame';

/**
 * The stream's per-frame parser: {@link read} returns what {@link parseMessage} returns (or
 * throws what it throws), and for a media message once a decoder is set, leaves the decoded
 * samples in {@link samples}. The decoder's own errors (`ERR_INVALID_BASE64`, `ERR_ODD_LENGTH`)
 * are thrown for a payload it refuses. Without a decoder (before `start`), media payloads are
 * not checked: the stream refuses media before `start` anyway.
 *
 * {@link readMedia} is the per-frame path on the socket's bytes: a media message in the usual
 * layout, read into the reader's fields without making any string or message object.
 *
 * @internal
 * @example
 * const reader = new InboundReader();
 * reader.decodeWith(createMediaDecoder(start.mediaFormat));
 * if (reader.readMedia(data)) deliver(reader.track, reader.chunk, reader.samples);
 * else handle(reader.readOther(data));
 */
export class InboundReader implements MediaLayout {
  /** The samples of the last media message read; undefined without a decoder. */
  samples: Int16Array | undefined;
  // The fields of the last message {@link readMedia} read.
  sequenceNumber = 0;
  track: Track = 'inbound';
  timestamp = 0;
  chunk = 0;
  streamIdStart = 0;
  streamIdEnd = 0;
  payloadStart = 0;
  payloadEnd = 0;
  #decoder: MediaDecoder | undefined;

  /** Sets the decoder of media payloads (the stream's format is known at `start`). */
  decodeWith(decoder: MediaDecoder): void {
    this.#decoder = decoder;
  }

  /**
   * Reads a media message in the platforms' layout from the bytes of a text message, once a
   * decoder is set: returns true with its fields and samples in this reader, exactly those
   * `readBytes(data)` gives, or false (nothing read) for anything else, which
   * {@link readOther} then decides.
   */
  readMedia(data: Buffer): boolean {
    const decoder = this.#decoder;
    if (decoder === undefined || !scanMediaBytes(data, this)) return false;
    const samples = decoder.bytes(data, this.payloadStart, this.payloadEnd);
    if (samples === undefined) return false;
    this.samples = samples;
    return true;
  }

  read(text: string): InboundMessage {
    this.samples = undefined;
    const decode = this.#decoder?.text;
    if (decode === undefined) return parseMessageGeneral(text);
    const fast = parseMediaFast(text);
    if (fast !== undefined) {
      // The strict decode proves the payload plain base64, and so the fast result exact.
      const samples = tryDecode(decode, fast);
      if (samples !== undefined) {
        this.samples = samples;
        return fast;
      }
    }
    return this.#readGeneral(text, decode);
  }

  /**
   * {@link read} on the bytes of a text message as the socket delivers them, so that the socket
   * may skip its own UTF-8 validation: returns what `read(data.toString('utf8'))` returns (or
   * throws what it throws) when `data` is valid UTF-8. When it is not, throws `ERR_SOCKET`, as
   * `ws` reports invalid UTF-8 in a text frame, for which RFC 6455 fails the connection (close
   * 1007). A media message in the usual layout is read by {@link readMedia}, without decoding the
   * bytes as UTF-8 or calling `JSON.parse` (they are proven ASCII); anything else by
   * {@link readOther}.
   *
   * @example
   * socket.on('message', (data: Buffer) => {
   *   const msg = reader.readBytes(data);
   *   if (msg.event === 'media') deliver(reader.samples);
   * });
   */
  readBytes(data: Buffer): InboundMessage {
    if (!this.readMedia(data)) return this.readOther(data);
    const { sequenceNumber, track, timestamp, chunk } = this;
    const streamId = data.toString('latin1', this.streamIdStart, this.streamIdEnd);
    const payload = data.toString('latin1', this.payloadStart, this.payloadEnd);
    return createMediaMessage(sequenceNumber, streamId, track, timestamp, chunk, payload);
  }

  /**
   * {@link readBytes} of a message {@link readMedia} has declined: checked for UTF-8, decoded and
   * given to the general path (so the stream does not walk the bytes twice).
   */
  readOther(data: Buffer): InboundMessage {
    this.samples = undefined;
    if (!isUtf8(data)) throw new CallstreamError('ERR_SOCKET', INVALID_UTF8);
    const text = data.toString('utf8');
    const decode = this.#decoder?.text;
    return decode === undefined ? parseMessageGeneral(text) : this.#readGeneral(text, decode);
  }

  #readGeneral(text: string, decode: (payload: string) => Int16Array): InboundMessage {
    // Anything else, or a payload the decoder refused: the general path says exactly what the
    // text is (not JSON, a payload with JSON escapes that decodes fine, ...).
    const message = parseMessageGeneral(text);
    if (message.event === 'media') this.samples = decode(message.payload);
    return message;
  }
}

function tryDecode(
  decode: (payload: string) => Int16Array,
  message: MediaMessage,
): Int16Array | undefined {
  try {
    return decode(message.payload);
  } catch {
    return undefined;
  }
}
