/**
 * The media fast path. Media messages are 50 per second per track, and `JSON.parse` costs most
 * of a microsecond on each: it builds two objects and eight strings, and walks every character
 * of the base64 payload (216-1280 characters for 20 ms).
 *
 * Here one sticky regular expression checks everything before the payload, in the layout
 * platforms send (PROTOCOL.md §2):
 *
 *   {"event":"media","sequenceNumber":N,"streamId":"…","media":{"track":"…","timestamp":"…","chunk":N,"payload":"
 *
 * (each number as a JSON integer or a string of digits). `indexOf` then jumps to the payload's
 * closing quote, one native base64 decode into a scratch buffer proves the payload is a plain
 * JSON string (any character outside the base64 alphabet makes Node write fewer bytes than the
 * length predicts), and a second expression checks the rest: `"}`, an optional plain
 * `"extra_headers"` string, `}` and the end of the text. Only then are the values read, by
 * walking the layout the expression vouched for (no capture groups: their match array and the
 * `Number()` of a 13-digit timestamp string cost a quarter of the time).
 *
 * A hand-written character scanner was measured first: V8's `charCodeAt` loop over the ~190
 * characters around the payload cost as much as `JSON.parse` of the whole message. The regular
 * expression runs as native code. See bench/protocol-parse.ts.
 *
 * Contract: for every input, the result is exactly what the general path (`JSON.parse` +
 * narrowing) returns, or `undefined`, "use the general path". Anything else (other key orders,
 * whitespace, escapes, fractions, `null`, extra keys) goes to `JSON.parse`.
 */

import { createMediaMessage } from './fields.js';
import type { MediaMessage, Track } from './messages.js';

/** JSON string content without escapes or control characters (which JSON forbids raw). */
const PLAIN = '[^"\\\\\\x00-\\x1f]*';
/** A number field: a JSON integer token (no leading zero) or a string of digits. */
const INTEGER = '(?:-?(?:0|[1-9]\\d{0,14})|"-?\\d{1,15}")';

// Fifteen digits at most: every such integer is exact in a double, so reading it digit by digit
// gives what JSON.parse (and Number() in the general path) gives.
const HEAD = new RegExp(
  `\\{"event":"media","sequenceNumber":${INTEGER},"streamId":"${PLAIN}",` +
    `"media":\\{"track":"(?:inbound|outbound)","timestamp":${INTEGER},"chunk":${INTEGER},"payload":"`,
  'y',
);
const TAIL = new RegExp(`"\\}(?:,"extra_headers":"${PLAIN}")?\\}$`, 'y');

// Where the values sit in that layout: the offset of the first, and the text between them.
const SEQUENCE_NUMBER_AT = '{"event":"media","sequenceNumber":'.length;
const STREAM_ID_GAP = ',"streamId":"'.length;
const TRACK_GAP = '","media":{"track":"'.length;
const TIMESTAMP_GAP = ',"timestamp":'.length;
const CHUNK_GAP = ',"chunk":'.length;

/** The value of the last integer read by {@link readInteger}. */
let scanned = 0;

/** Texts that start so may take the fast path. */
export const MEDIA_PREFIX = '{"event":"media"';

/** Payloads decoding to more than this (340 ms of L16 at 24 kHz) take the general path. */
const SCRATCH_BYTES = 16 * 1024;
let scratch: Buffer | undefined;

/**
 * Parses a media message in the usual layout, or returns `undefined` when the general path must
 * decide. Exported with the general path for the test that holds them equal.
 *
 * `checkPayload: false` skips proving the payload is plain base64, for a caller that decodes it
 * with a strict base64 decoder right away (which proves the same) and, if that fails, asks
 * `parseMessage` for the exact error: the stream's hot path, so the payload is decoded once.
 *
 * @internal
 */
export function parseMediaFast(text: string, checkPayload = true): MediaMessage | undefined {
  HEAD.lastIndex = 0;
  if (!HEAD.test(text)) return undefined;
  const start = HEAD.lastIndex;
  const end = text.indexOf('"', start);
  if (end === -1) return undefined;
  const payload = text.slice(start, end);
  if (checkPayload && !isPlainBase64(payload)) return undefined;
  TAIL.lastIndex = end;
  if (!TAIL.test(text)) return undefined;
  // HEAD matched, so the layout is known: walk it to read the values.
  let i = readInteger(text, SEQUENCE_NUMBER_AT);
  const sequenceNumber = scanned;
  const streamIdEnd = text.indexOf('"', i + STREAM_ID_GAP);
  const streamId = text.slice(i + STREAM_ID_GAP, streamIdEnd);
  i = streamIdEnd + TRACK_GAP;
  const track: Track = text.charCodeAt(i) === 0x69 /* i */ ? 'inbound' : 'outbound';
  i = readInteger(text, i + (track === 'inbound' ? 8 : 9) + TIMESTAMP_GAP);
  const timestamp = scanned;
  readInteger(text, i + CHUNK_GAP);
  return createMediaMessage(sequenceNumber, streamId, track, timestamp, scanned, payload);
}

/** Reads an integer HEAD has vouched for (digits, maybe a sign, maybe quoted) into `scanned`. */
function readInteger(text: string, i: number): number {
  const quoted = text.charCodeAt(i) === 0x22;
  if (quoted) i++;
  const negative = text.charCodeAt(i) === 0x2d;
  if (negative) i++;
  let value = 0;
  for (let c = text.charCodeAt(i); c >= 0x30 && c <= 0x39; c = text.charCodeAt(++i)) {
    value = value * 10 + (c - 0x30);
  }
  scanned = negative ? -value : value;
  return quoted ? i + 1 : i;
}

/**
 * True when `payload` has only base64 alphabet characters (with up to two trailing `=`), which
 * makes it a plain JSON string. Node's decoder skips any other character (and stops at an inner
 * `=`), so it then writes fewer bytes than the data length predicts. A data length of 4k+1 is
 * refused: it decodes to as many bytes as 4k, which would hide one skipped character.
 */
function isPlainBase64(payload: string): boolean {
  const length = payload.length;
  let padding = 0;
  if (length > 0 && payload.charCodeAt(length - 1) === 0x3d /* = */) {
    padding = length > 1 && payload.charCodeAt(length - 2) === 0x3d ? 2 : 1;
  }
  const data = length - padding;
  if ((data & 3) === 1) return false;
  const bytes = Math.floor((data * 3) / 4);
  if (bytes === 0) return true;
  if (bytes > SCRATCH_BYTES) return false;
  scratch ??= Buffer.allocUnsafe(SCRATCH_BYTES);
  return scratch.write(payload, 0, bytes, 'base64') === bytes;
}
