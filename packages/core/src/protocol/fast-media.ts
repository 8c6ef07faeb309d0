/**
 * The media fast path. `JSON.parse` walks every character of a media message, and most of them
 * are the base64 payload (216-1280 characters for 20 ms). This scanner checks the JSON grammar of
 * everything around the payload and jumps over the payload itself with `indexOf`, then proves
 * the payload is a plain JSON string (no escape, no control character) with one native base64
 * decode into a scratch buffer: any character outside the base64 alphabet makes Node write fewer
 * bytes than the length predicts.
 *
 * Contract: for every input it returns exactly what the general path (`JSON.parse` + narrowing)
 * returns, or `undefined`, "use the general path". Anything unusual (an escape sequence, a
 * duplicate key, `null`, a fraction, nesting other than `media`, invalid input of any kind)
 * gives `undefined`, so only well-formed, plain media messages are decided here.
 */

import { createMediaMessage } from './fields.js';
import type { MediaMessage, Track } from './messages.js';

/** Texts that start so are tried on the fast path. */
export const MEDIA_PREFIX = '{"event":"media"';

const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const QUOTE = 0x22;
const COMMA = 0x2c;
const MINUS = 0x2d;
const ZERO = 0x30;
const NINE = 0x39;
const COLON = 0x3a;
const EQUALS = 0x3d;
const OPEN = 0x7b;
const CLOSE = 0x7d;
const BACKSLASH = 0x5c;

/** More digits than this may not be exact in a double: leave those to `JSON.parse`. */
const MAX_DIGITS = 15;
/** Payloads decoding to more than this (340 ms of L16 at 24 kHz) take the general path. */
const SCRATCH_BYTES = 16 * 1024;

let scratch: Buffer | undefined;
/** The value of the last number read by {@link scanInteger} or {@link readIntegerString}. */
let scannedNumber = 0;

/**
 * Parses a text that starts with {@link MEDIA_PREFIX}, or returns `undefined` when the general
 * path must decide. Exported with the general path for the test that holds them equal.
 *
 * @internal
 */
export function parseMediaFast(text: string): MediaMessage | undefined {
  let sequenceNumber: number | undefined;
  let streamId: string | undefined;
  let track: Track | undefined;
  let timestamp: number | undefined;
  let chunk: number | undefined;
  let payload: string | undefined;
  let seen = 0; // a bit per known key: on a duplicate, JSON.parse keeps the last one, so bail
  let inMedia = false;
  let afterValue = true; // false only right after the `{` of media, where no comma comes first
  let i = MEDIA_PREFIX.length;

  for (;;) {
    i = skipWhitespace(text, i);
    let c = text.charCodeAt(i);
    if (c === CLOSE) {
      if (!inMedia) break;
      inMedia = false;
      afterValue = true;
      i++;
      continue;
    }
    if (afterValue) {
      if (c !== COMMA) return undefined;
      i = skipWhitespace(text, i + 1);
      c = text.charCodeAt(i);
    }
    afterValue = true;
    if (c !== QUOTE) return undefined;
    const keyStart = i + 1;
    const keyEnd = plainStringEnd(text, keyStart);
    if (keyEnd < 0) return undefined;
    i = skipWhitespace(text, keyEnd + 1);
    if (text.charCodeAt(i) !== COLON) return undefined;
    i = skipWhitespace(text, i + 1);
    const key = inMedia ? mediaKey(text, keyStart, keyEnd) : topKey(text, keyStart, keyEnd);
    if ((seen & key) !== 0) return undefined;
    seen |= key;
    switch (key) {
      case SEQUENCE_NUMBER:
      case TIMESTAMP:
      case CHUNK:
        i = readNumberValue(text, i);
        if (i < 0) return undefined;
        if (key === SEQUENCE_NUMBER) sequenceNumber = scannedNumber;
        else if (key === TIMESTAMP) timestamp = scannedNumber;
        else chunk = scannedNumber;
        break;
      case STREAM_ID:
      case TRACK: {
        if (text.charCodeAt(i) !== QUOTE) return undefined;
        const end = plainStringEnd(text, i + 1);
        if (end < 0) return undefined;
        const value = text.slice(i + 1, end);
        if (key === STREAM_ID) streamId = value;
        else if (value === 'inbound' || value === 'outbound') track = value;
        else return undefined;
        i = end + 1;
        break;
      }
      case PAYLOAD: {
        if (text.charCodeAt(i) !== QUOTE) return undefined;
        // The jump this path exists for; isPlainBase64 then vouches for what was jumped over.
        const end = text.indexOf('"', i + 1);
        if (end < 0) return undefined;
        payload = text.slice(i + 1, end);
        if (!isPlainBase64(payload)) return undefined;
        i = end + 1;
        break;
      }
      case MEDIA:
        if (text.charCodeAt(i) !== OPEN) return undefined;
        inMedia = true;
        afterValue = false;
        i++;
        break;
      case EVENT:
        return undefined;
      default:
        i = skipScalar(text, i);
        if (i < 0) return undefined;
    }
  }
  if (payload === undefined || skipWhitespace(text, i + 1) !== text.length) return undefined;
  return createMediaMessage(sequenceNumber, streamId, track ?? 'inbound', timestamp, chunk, payload);
}

// One bit per known key (0 for the others, which are only checked and skipped).
const SEQUENCE_NUMBER = 1;
const STREAM_ID = 2;
const MEDIA = 4;
const EVENT = 8;
const TRACK = 16;
const TIMESTAMP = 32;
const CHUNK = 64;
const PAYLOAD = 128;

function topKey(text: string, start: number, end: number): number {
  switch (end - start) {
    case 14:
      return text.startsWith('sequenceNumber', start) ? SEQUENCE_NUMBER : 0;
    case 8:
      return text.startsWith('streamId', start) ? STREAM_ID : 0;
    case 5:
      if (text.startsWith('media', start)) return MEDIA;
      return text.startsWith('event', start) ? EVENT : 0;
    default:
      return 0;
  }
}

function mediaKey(text: string, start: number, end: number): number {
  switch (end - start) {
    case 7:
      return text.startsWith('payload', start) ? PAYLOAD : 0;
    case 5:
      if (text.startsWith('track', start)) return TRACK;
      return text.startsWith('chunk', start) ? CHUNK : 0;
    case 9:
      return text.startsWith('timestamp', start) ? TIMESTAMP : 0;
    default:
      return 0;
  }
}

function skipWhitespace(text: string, i: number): number {
  for (;;) {
    const c = text.charCodeAt(i);
    if (c !== SPACE && c !== LF && c !== CR && c !== TAB) return i;
    i++;
  }
}

/**
 * The index of the quote closing a string whose content starts at `start`, or -1 when the
 * string is unterminated or holds an escape or a control character (JSON forbids the latter;
 * the former changes the value, so both go to `JSON.parse`).
 */
function plainStringEnd(text: string, start: number): number {
  const length = text.length;
  for (let k = start; k < length; k++) {
    const c = text.charCodeAt(k);
    if (c === QUOTE) return k;
    if (c < SPACE || c === BACKSLASH) return -1;
  }
  return -1;
}

/**
 * Reads an integer number token (JSON grammar, at most 15 digits) into {@link scannedNumber} and
 * returns the index after it, or -1. A fraction or exponent is left in place for the caller to
 * trip over (it expects `,` or `}` next), which sends the text to `JSON.parse`.
 */
function scanInteger(text: string, i: number): number {
  const negative = text.charCodeAt(i) === MINUS;
  const first = negative ? i + 1 : i;
  let k = first;
  let value = 0;
  for (;;) {
    const c = text.charCodeAt(k);
    if (!(c >= ZERO && c <= NINE)) break;
    value = value * 10 + (c - ZERO);
    k++;
  }
  const digits = k - first;
  if (digits === 0 || digits > MAX_DIGITS) return -1;
  if (digits > 1 && text.charCodeAt(first) === ZERO) return -1; // JSON has no leading zeros
  scannedNumber = negative ? -value : value;
  return k;
}

/**
 * Reads a number field given as a number token or as a string of digits (Plivo's timestamps),
 * as the general path coerces it, into {@link scannedNumber}; returns the index after it or -1.
 */
function readNumberValue(text: string, i: number): number {
  if (text.charCodeAt(i) !== QUOTE) return scanInteger(text, i);
  const end = plainStringEnd(text, i + 1);
  if (end < 0) return -1;
  const negative = text.charCodeAt(i + 1) === MINUS;
  const first = negative ? i + 2 : i + 1;
  const digits = end - first;
  if (digits === 0 || digits > MAX_DIGITS) return -1;
  let value = 0;
  for (let k = first; k < end; k++) {
    const c = text.charCodeAt(k);
    if (c < ZERO || c > NINE) return -1;
    value = value * 10 + (c - ZERO);
  }
  scannedNumber = negative ? -value : value;
  return end + 1;
}

/** Skips the value of a key the fast path ignores: a plain string, an integer, true/false/null. */
function skipScalar(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c === QUOTE) {
    const end = plainStringEnd(text, i + 1);
    return end < 0 ? -1 : end + 1;
  }
  if (c === MINUS || (c >= ZERO && c <= NINE)) return scanInteger(text, i);
  if (text.startsWith('null', i) || text.startsWith('true', i)) return i + 4;
  return text.startsWith('false', i) ? i + 5 : -1;
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
  if (length > 0 && payload.charCodeAt(length - 1) === EQUALS) {
    padding = length > 1 && payload.charCodeAt(length - 2) === EQUALS ? 2 : 1;
  }
  const data = length - padding;
  if ((data & 3) === 1) return false;
  const bytes = Math.floor((data * 3) / 4);
  if (bytes === 0) return true;
  if (bytes > SCRATCH_BYTES) return false;
  scratch ??= Buffer.allocUnsafe(SCRATCH_BYTES);
  return scratch.write(payload, 0, bytes, 'base64') === bytes;
}
