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
 * closing quote, and a second expression checks the rest: `"}`, an optional plain
 * `"extra_headers"` string, `}` and the end of the text. Only then are the values read, by
 * walking the layout the expression vouched for (no capture groups: their match array and the
 * `Number()` of a 13-digit timestamp string cost a quarter of the time).
 *
 * The payload is not checked here: the caller proves it strict base64 (`parse.ts`), which also
 * proves it a plain JSON string (no quote, backslash or control character), and so that the
 * text is exactly the layout above. The expressions cannot backtrack: every repetition is
 * bounded or stops at the one character that must follow it, so the work is linear.
 *
 * A hand-written character scanner was measured first: V8's `charCodeAt` loop over the ~190
 * characters around the payload cost as much as `JSON.parse` of the whole message. The regular
 * expression runs as native code. See bench/protocol-parse.ts.
 *
 * Contract: for every input whose payload (as returned) is strict base64, the result is exactly
 * what the general path (`JSON.parse` + narrowing) returns, or `undefined`, "use the general
 * path". Anything else (other key orders,
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

/**
 * Parses a media message in the usual layout, or returns `undefined` when the general path must
 * decide. The payload is not checked (see the module comment): use it only once it has been
 * proven strict base64, else ask the general path. Exported for the test that holds the two
 * paths equal.
 *
 * @internal
 */
export function parseMediaFast(text: string): MediaMessage | undefined {
  HEAD.lastIndex = 0;
  if (!HEAD.test(text)) return undefined;
  const start = HEAD.lastIndex;
  const end = text.indexOf('"', start);
  if (end === -1) return undefined;
  TAIL.lastIndex = end;
  if (!TAIL.test(text)) return undefined;
  return readMedia(text, text.slice(start, end));
}

/** Reads the values from `text`, which starts with a head HEAD has matched. */
function readMedia(text: string, payload: string): MediaMessage {
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
