/**
 * The per-frame hot path between wire payloads and PCM: base64 → bytes → Int16 and back, with
 * reused buffers. Decoded frames are views into the decoder's own slabs (see `sample-slab.ts`);
 * L16 on a little-endian host is base64-decoded straight into the slab, so it costs no copy.
 */

import { CallstreamError } from '../errors.js';
import {
  isSupportedFormat,
  isWireEncoding,
  supportedRates,
  type MediaDirection,
} from '../protocol/media-formats.js';
import type { MediaFormat, WireEncoding } from '../protocol/messages.js';
import { base64DecodedLength, writeBase64 } from './base64.js';
import { base64Length, decodeBase64Table } from './base64-bytes.js';
import { createByteScratch, ensureCapacity, type ByteScratch } from './byte-scratch.js';
import { decodeL16, decodeL16Into, encodeL16Into, HOST_IS_LITTLE_ENDIAN } from './l16.js';
import { decodeMulaw, decodeMulawInto, encodeMulawInto, MULAW_TO_PCM } from './mulaw.js';
import { SampleSlab } from './sample-slab.js';

function checkEncoding(encoding: string): asserts encoding is WireEncoding {
  if (!isWireEncoding(encoding)) {
    throw new CallstreamError(
      'ERR_UNSUPPORTED_FORMAT',
      `Unsupported encoding ${JSON.stringify(encoding)}: expected audio/x-mulaw or audio/x-l16`,
    );
  }
}

/** Throws unless `format` is in the supported-formats table for `direction` (any dialect). */
function checkFormat(format: MediaFormat, direction: MediaDirection): void {
  checkEncoding(format.encoding);
  if (!isSupportedFormat(format, direction)) {
    const rates = supportedRates(format.encoding, direction);
    throw new CallstreamError(
      'ERR_UNSUPPORTED_FORMAT',
      `Unsupported ${direction} sample rate ${String(format.sampleRate)} for ${format.encoding}: expected ${rates.join(', ')}`,
    );
  }
}

// The scratch buffers are shared by every stream: decoding is synchronous, so they are never
// used by two frames at once, and no frame ever refers to them. Samples handed out live in
// slabs of their decoder (one per stream): frames of one call never share memory with
// another's.
let decodeScratch: ByteScratch | undefined;
let encodeScratch: ByteScratch | undefined;

function invalidBase64(): CallstreamError {
  return new CallstreamError('ERR_INVALID_BASE64');
}

function oddLength(byteLength: number): CallstreamError {
  return new CallstreamError(
    'ERR_ODD_LENGTH',
    `L16 audio must have an even number of bytes, got ${byteLength}`,
  );
}

/**
 * The decoder of one stream's `media` payloads, as text or as the bytes of the message that holds
 * them: both hand out samples from the same slabs.
 */
export interface MediaDecoder {
  /**
   * Decodes a strict base64 payload.
   *
   * @throws CallstreamError `ERR_INVALID_BASE64`, or `ERR_ODD_LENGTH` for an L16 payload of odd
   * length (the frame is dropped, not truncated).
   */
  text(payload: string): Int16Array;
  /**
   * Decodes the payload held in `data[start … end)` as ASCII bytes; returns what {@link text}
   * returns for that text, or `undefined` where {@link text} would throw (the caller then takes
   * the text path, which says why). Nothing is handed out then.
   */
  bytes(data: Buffer, start: number, end: number): Int16Array | undefined;
}

/**
 * Creates the decoder of one stream's `media` payloads: strict base64 in, PCM at the format's
 * rate out. Each returned array is a view of its own region of a slab that belongs to this
 * decoder alone (so to one stream), and that region is never written again: it may be kept.
 * Take its bytes with `Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength)`;
 * `samples.buffer` as a whole holds this decoder's other frames too.
 *
 * @throws CallstreamError `ERR_UNSUPPORTED_FORMAT` at creation for a format outside the inbound
 * table of `media-formats.ts` (mu-law other than 8 kHz, L16 other than 8, 16 or 24 kHz).
 * @example
 * const decoder = createMediaDecoder({ encoding: 'audio/x-mulaw', sampleRate: 8000 });
 * const samples = decoder.text(message.payload); // Int16Array(160) for a 20 ms frame
 */
export function createMediaDecoder(format: MediaFormat): MediaDecoder {
  checkFormat(format, 'inbound');
  const slab = new SampleSlab(format.sampleRate);
  const mulaw = format.encoding === 'audio/x-mulaw';
  const text = textDecoder(slab, mulaw);
  if (!mulaw) {
    // 640-960 bytes of L16 per frame: Node's native decoder, from a Latin-1 copy of the payload
    // (which the text path refuses if it holds anything but ASCII), beats a loop over the bytes.
    return {
      text,
      bytes: (data, start, end) => {
        try {
          return text(data.toString('latin1', start, end));
        } catch {
          return undefined;
        }
      },
    };
  }
  return {
    text,
    bytes: (data, start, end) => {
      const byteLength = base64Length(data, start, end);
      if (byteLength < 0) return undefined;
      slab.reserve(byteLength * 2);
      const at = slab.offset >> 1;
      if (!decodeBase64Table(data, start, byteLength, MULAW_TO_PCM, slab.samples, at)) {
        return undefined;
      }
      return slab.take(byteLength);
    },
  };
}

/**
 * {@link createMediaDecoder}'s text entry point alone.
 *
 * @throws CallstreamError as {@link createMediaDecoder}; per payload `ERR_INVALID_BASE64`, or
 * `ERR_ODD_LENGTH` for an L16 payload of odd length (the frame is dropped, not truncated).
 * @example
 * const decode = createFrameDecoder({ encoding: 'audio/x-mulaw', sampleRate: 8000 });
 * const samples = decode(message.payload); // Int16Array(160) for a 20 ms frame
 */
export function createFrameDecoder(format: MediaFormat): (payloadBase64: string) => Int16Array {
  return createMediaDecoder(format).text;
}

function textDecoder(slab: SampleSlab, mulaw: boolean): (payload: string) => Int16Array {
  if (!mulaw && HOST_IS_LITTLE_ENDIAN) {
    // The wire bytes already are the in-memory samples: decode base64 into the slab directly.
    return (payload) => {
      const byteLength = base64DecodedLength(payload);
      if (byteLength < 0) throw invalidBase64();
      slab.reserve(byteLength);
      if (!writeBase64(payload, byteLength, slab.bytes, slab.offset)) throw invalidBase64();
      if (byteLength % 2 !== 0) throw oddLength(byteLength);
      return slab.take(byteLength >> 1);
    };
  }
  decodeScratch ??= createByteScratch();
  const scratch = decodeScratch;
  return (payload) => {
    const byteLength = base64DecodedLength(payload);
    if (byteLength < 0) throw invalidBase64();
    ensureCapacity(scratch, byteLength);
    if (!writeBase64(payload, byteLength, scratch.buffer, 0)) throw invalidBase64();
    if (mulaw) {
      const out = slab.take(byteLength);
      decodeMulawInto(scratch.buffer, out, byteLength);
      return out;
    }
    if (byteLength % 2 !== 0) throw oddLength(byteLength);
    const out = slab.take(byteLength >> 1);
    decodeL16Into(scratch.buffer, out, byteLength);
    return out;
  };
}

/**
 * Creates the wire encoder of one stream's outgoing audio: PCM at the format's rate in, its wire
 * bytes (mu-law, or little-endian L16) out, as a view of a shared scratch buffer that the next
 * call of any encoder overwrites: use the bytes before then (for a `playAudio` message, with
 * `serializePlayAudioBytes`). Allocates nothing once the scratch is big enough.
 *
 * @throws CallstreamError `ERR_UNSUPPORTED_FORMAT` at creation, as {@link createFrameEncoder}.
 * @example
 * const encode = createWireEncoder({ encoding: 'audio/x-mulaw', sampleRate: 8000 });
 * const bytes = encode(pcm8k); // 160 samples → 160 mu-law bytes
 * socket.send(serializePlayAudioBytes(streamId, 'audio/x-mulaw', 8000, bytes), { binary: false });
 */
export function createWireEncoder(format: MediaFormat): (pcm: Int16Array) => Uint8Array {
  checkFormat(format, 'outbound');
  encodeScratch ??= createByteScratch();
  const scratch = encodeScratch;
  if (format.encoding === 'audio/x-mulaw') {
    return (pcm) => {
      ensureCapacity(scratch, pcm.length);
      encodeMulawInto(pcm, scratch.buffer, pcm.length);
      return scratch.buffer.subarray(0, pcm.length);
    };
  }
  return (pcm) => {
    const byteLength = pcm.length * 2;
    ensureCapacity(scratch, byteLength);
    if (HOST_IS_LITTLE_ENDIAN) scratch.int16.set(pcm);
    else encodeL16Into(pcm, scratch.buffer, pcm.length);
    return scratch.buffer.subarray(0, byteLength);
  };
}

/**
 * Creates the encoder of one stream's outgoing audio: PCM at the format's rate in, the base64
 * `playAudio` payload out: {@link createWireEncoder}'s bytes in base64.
 *
 * @throws CallstreamError `ERR_UNSUPPORTED_FORMAT` at creation for a format outside the outbound
 * table of `media-formats.ts` (mu-law other than 8 kHz, L16 other than 8, 16 or 24 kHz).
 * @example
 * const encode = createFrameEncoder({ encoding: 'audio/x-l16', sampleRate: 16000 });
 * const payload = encode(pcm16k); // 320 samples → 640 bytes → 856 base64 characters
 */
export function createFrameEncoder(format: MediaFormat): (pcm: Int16Array) => string {
  const encode = createWireEncoder(format);
  // The wire bytes are a view of the scratch Buffer: base64 them before the next encode.
  return (pcm) => {
    const bytes = encode(pcm);
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  };
}

/**
 * Decodes wire bytes of `encoding` to PCM (a new array; see {@link createFrameDecoder} for the
 * per-frame path).
 *
 * @throws CallstreamError `ERR_UNSUPPORTED_FORMAT` for another encoding; `ERR_ODD_LENGTH` for L16
 * of odd length.
 * @example
 * decodeWire(Uint8Array.of(0xff, 0x80), 'audio/x-mulaw'); // Int16Array [0, 32124]
 */
export function decodeWire(bytes: Uint8Array, encoding: WireEncoding): Int16Array {
  checkEncoding(encoding);
  return encoding === 'audio/x-mulaw' ? decodeMulaw(bytes) : decodeL16(bytes);
}
