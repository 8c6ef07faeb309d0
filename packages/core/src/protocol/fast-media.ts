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
const head = (plain: string): RegExp =>
  new RegExp(
    `\\{"event":"media","sequenceNumber":${INTEGER},"streamId":"${plain}",` +
      `"media":\\{"track":"(?:inbound|outbound)","timestamp":${INTEGER},"chunk":${INTEGER},"payload":"`,
    'y',
  );
const tail = (plain: string): RegExp => new RegExp(`"\\}(?:,"extra_headers":"${plain}")?\\}$`, 'y');
const HEAD = head(PLAIN);
const TAIL = tail(PLAIN);
/** The same, with string content limited to ASCII: for text read from bytes as Latin-1. */
const PLAIN_ASCII = '[^"\\\\\\x00-\\x1f\\x80-\\xff]*';
const HEAD_ASCII = head(PLAIN_ASCII);
const TAIL_ASCII = tail(PLAIN_ASCII);

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
  return parseLayout(text, HEAD, TAIL);
}

function parseLayout(text: string, headExpr: RegExp, tailExpr: RegExp): MediaMessage | undefined {
  headExpr.lastIndex = 0;
  if (!headExpr.test(text)) return undefined;
  const start = headExpr.lastIndex;
  const end = text.indexOf('"', start);
  if (end === -1) return undefined;
  tailExpr.lastIndex = end;
  if (!tailExpr.test(text)) return undefined;
  return readMedia(text, text.slice(start, end));
}

const PREFIX_CODES = Array.from(MEDIA_PREFIX, (c) => c.charCodeAt(0));

/**
 * {@link parseMediaFast} on the UTF-8 bytes of a message: for every `data`, the result is what
 * `parseMediaFast(data.toString('utf8'))` gives, or `undefined` (the caller then takes the
 * general path). The same caveat holds: the payload is not checked.
 *
 * The bytes are read as Latin-1, a plain copy, one byte per character, without the UTF-8
 * decoder's validation. The same expressions, with string content limited to ASCII, prove
 * everything but the payload ASCII, where Latin-1 and UTF-8 read the same; a payload byte above
 * 0x7f becomes a character that the strict base64 check refuses.
 *
 * @internal
 */
export function parseMediaFastBytes(data: Buffer): MediaMessage | undefined {
  // Decline other events before copying a long message.
  if (data.length < PREFIX_CODES.length) return undefined;
  for (let i = 0; i < PREFIX_CODES.length; i++) if (data[i] !== PREFIX_CODES[i]) return undefined;
  return parseLayout(data.toString('latin1'), HEAD_ASCII, TAIL_ASCII);
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
