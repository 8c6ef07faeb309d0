/**
 * The stream's per-frame path: a media message in the layout platforms send, read from the bytes
 * the socket delivers, with no string made of it at all. On bytes that are ASCII it decides exactly
 * what the text fast path (`fast-media.ts`: `parseMediaFast`) decides on their text, by walking
 * the same layout byte by byte (a byte above 0x7f outside the payload is left to the general path):
 *
 *   {"event":"media","sequenceNumber":N,"streamId":"…","media":{"track":"inbound|outbound",
 *   "timestamp":N,"chunk":N,"payload":"…"}[,"extra_headers":"…"]}
 *
 * Numbers as JSON integers of at most 15 digits (no leading zero) or strings of 1-15 digits, an
 * optional minus in both; string content printable ASCII without `"` or `\` (DEL allowed, as
 * JSON allows it); the payload up to the first `"` after it, left to the caller's strict base64
 * decoder. Walking the bytes is linear and stops at the first byte out of place.
 *
 * The regular expressions of the text fast path need the message as a string; this walk costs
 * about as much as making a Latin-1 copy of it, and a mu-law payload is decoded from the same
 * bytes (`codec/base64-bytes.ts`), so neither the message nor the payload becomes a string.
 */

import type { Track } from './messages.js';

const codes = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0));

const HEAD = codes('{"event":"media","sequenceNumber":');
const STREAM_ID = codes(',"streamId":"');
const TRACK = codes('","media":{"track":"');
const INBOUND = codes('inbound');
const OUTBOUND = codes('outbound');
const TIMESTAMP = codes('","timestamp":');
const CHUNK = codes(',"chunk":');
const PAYLOAD = codes(',"payload":"');
const EXTRA_HEADERS = codes(',"extra_headers":"');

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const MINUS = 0x2d;
const ZERO = 0x30;
const CLOSE_BRACE = 0x7d;
const COMMA = 0x2c;
const MAX_DIGITS = 15;

/** The fields of a media message read by {@link scanMediaBytes}. */
export interface MediaLayout {
  sequenceNumber: number;
  track: Track;
  timestamp: number;
  chunk: number;
  /** Where the stream id's characters start and end (its quotes excluded). */
  streamIdStart: number;
  streamIdEnd: number;
  /** Where the payload's characters start and end (its quotes excluded). */
  payloadStart: number;
  payloadEnd: number;
}

/** The value of the last integer {@link integerAt} read. */
let scanned = 0;

/** The index after `literal` at `i`, or -1 when the bytes there differ. */
function literalAt(data: Uint8Array, i: number, literal: Uint8Array): number {
  const n = literal.length;
  if (i + n > data.length) return -1;
  for (let k = 0; k < n; k++) if (data[i + k] !== literal[k]) return -1;
  return i + n;
}

/**
 * Reads a JSON integer (no leading zero) or a string of digits, each with an optional minus and
 * 1-15 digits, into {@link scanned}; returns the index after it, or -1.
 */
function integerAt(data: Uint8Array, i: number): number {
  const length = data.length;
  const quoted = data[i] === QUOTE;
  if (quoted) i++;
  const negative = data[i] === MINUS;
  if (negative) i++;
  const first = i;
  let value = 0;
  for (; i < length; i++) {
    const digit = data[i]! - ZERO;
    if (digit < 0 || digit > 9) break;
    value = value * 10 + digit;
  }
  const digits = i - first;
  if (digits === 0 || digits > MAX_DIGITS) return -1;
  if (quoted) {
    if (data[i] !== QUOTE) return -1;
    i++;
  } else if (digits > 1 && data[first] === ZERO) {
    return -1;
  }
  scanned = negative ? -value : value;
  return i;
}

/** The index of the quote that ends plain ASCII string content starting at `i`, or -1. */
function plainEnd(data: Uint8Array, i: number): number {
  const length = data.length;
  for (; i < length; i++) {
    const c = data[i]!;
    if (c === QUOTE) return i;
    if (c < 0x20 || c > 0x7f || c === BACKSLASH) return -1;
  }
  return -1;
}

/**
 * Reads a media message in the platforms' layout from `data` into `out` and returns true, or
 * returns false (and `out` means nothing) when the text may be anything else: the caller then
 * takes the general path. For ASCII `data`, returns true exactly when `parseMediaFast` returns a
 * message for its text, with the same values, `data[streamIdStart … streamIdEnd)` its stream
 * id's bytes and `data[payloadStart … payloadEnd)` its payload's; it returns false for anything
 * else.
 */
export function scanMediaBytes(data: Uint8Array, out: MediaLayout): boolean {
  let i = literalAt(data, 0, HEAD);
  if (i < 0 || (i = integerAt(data, i)) < 0) return false;
  out.sequenceNumber = scanned;
  if ((i = literalAt(data, i, STREAM_ID)) < 0) return false;
  out.streamIdStart = i;
  if ((i = plainEnd(data, i)) < 0) return false;
  out.streamIdEnd = i;
  if ((i = literalAt(data, i, TRACK)) < 0) return false;
  let after = literalAt(data, i, INBOUND);
  if (after >= 0) out.track = 'inbound';
  else if ((after = literalAt(data, i, OUTBOUND)) >= 0) out.track = 'outbound';
  else return false;
  if ((i = literalAt(data, after, TIMESTAMP)) < 0 || (i = integerAt(data, i)) < 0) return false;
  out.timestamp = scanned;
  if ((i = literalAt(data, i, CHUNK)) < 0 || (i = integerAt(data, i)) < 0) return false;
  out.chunk = scanned;
  if ((i = literalAt(data, i, PAYLOAD)) < 0) return false;
  const end = data.indexOf(QUOTE, i);
  if (end < 0) return false;
  out.payloadStart = i;
  out.payloadEnd = end;
  // The tail: `"}`, maybe `,"extra_headers":"…"`, then `}` and nothing after it.
  i = end + 1;
  if (data[i] !== CLOSE_BRACE) return false;
  i++;
  if (data[i] === COMMA) {
    if ((i = literalAt(data, i, EXTRA_HEADERS)) < 0 || (i = plainEnd(data, i)) < 0) return false;
    i++;
  }
  return data[i] === CLOSE_BRACE && i + 1 === data.length;
}
