/**
 * Field readers of the parsers: the lenient rules (numeric strings, `null` read as absent, the
 * default track) live here, once. The media fast path (`fast-media.ts`) builds its result with
 * the same {@link createMediaMessage} as the general path, so the two cannot differ in shape.
 */

import { CallstreamError, ERROR_CODES } from '../errors.js';
import type { CallstreamErrorCode } from '../errors.js';
import type { MediaMessage, Track } from './messages.js';

/**
 * Whether `text` is a decimal number: what JSON allows for a number, plus leading zeros and a bare
 * fraction (`"007"`, `".5"`, `"1."`), that is `-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?`. No
 * whitespace, hex, `Infinity` or empty string: `Number()` would read those too, but no platform
 * sends them.
 *
 * One pass over the text, not a regular expression: the obvious expression backtracks
 * quadratically on a long digit string that does not match, and a hostile frame may hold one.
 */
export function isNumericText(text: string): boolean {
  const length = text.length;
  let i = text.charCodeAt(0) === 0x2d /* - */ ? 1 : 0;
  const integerStart = i;
  while (i < length && isDigit(text.charCodeAt(i))) i++;
  let digits = i - integerStart;
  if (i < length && text.charCodeAt(i) === 0x2e /* . */) {
    const fractionStart = ++i;
    while (i < length && isDigit(text.charCodeAt(i))) i++;
    digits += i - fractionStart;
  }
  if (digits === 0) return false;
  const e = text.charCodeAt(i);
  if (e === 0x65 /* e */ || e === 0x45 /* E */) {
    const sign = text.charCodeAt(++i);
    if (sign === 0x2b /* + */ || sign === 0x2d /* - */) i++;
    const exponentStart = i;
    while (i < length && isDigit(text.charCodeAt(i))) i++;
    if (i === exponentStart) return false;
  }
  return i === length;
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** Marks a value of the wrong type; callers turn it into their event's error code. */
export const INVALID = Symbol('invalid');

/**
 * Reads an optional numeric field: a finite number as is, a numeric string coerced, `undefined`
 * or `null` as absent; anything else is {@link INVALID}.
 */
export function readNumber(value: unknown): number | undefined | typeof INVALID {
  if (typeof value === 'number') return Number.isFinite(value) ? value : INVALID;
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string' && isNumericText(value)) {
    const n = Number(value);
    return Number.isFinite(n) ? n : INVALID;
  }
  return INVALID;
}

/** Reads an optional string field: `undefined`/`null` as absent, a non-string as {@link INVALID}. */
export function readString(value: unknown): string | undefined | typeof INVALID {
  if (typeof value === 'string') return value;
  return value === undefined || value === null ? undefined : INVALID;
}

/** Reads a track: absent means `inbound` (Plivo's default `audioTrack`). */
export function readTrack(value: unknown): Track | typeof INVALID {
  if (value === 'inbound' || value === 'outbound') return value;
  return value === undefined || value === null ? 'inbound' : INVALID;
}

/**
 * Builds a media message. Both parse paths call this, so their results have the same shape and
 * key order (and V8 gives them one hidden class).
 */
export function createMediaMessage(
  sequenceNumber: number | undefined,
  streamId: string | undefined,
  track: Track,
  timestamp: number | undefined,
  chunk: number | undefined,
  payload: string,
): MediaMessage {
  return { event: 'media', sequenceNumber, streamId, track, timestamp, chunk, payload };
}

/** Describes a value for an error message without echoing large or hostile input. */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') {
    return value.length <= 40 ? JSON.stringify(value) : `${JSON.stringify(value.slice(0, 40))}...`;
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return `a ${typeof value}`;
}

/** True for a JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A {@link CallstreamError} whose message is the code's message plus what exactly is wrong. */
export function fieldError(code: CallstreamErrorCode, detail: string): CallstreamError {
  return new CallstreamError(code, `${ERROR_CODES[code].message}: ${detail}`);
}

/**
 * `JSON.parse` for an untrusted text frame that must hold an object: `ERR_INVALID_MESSAGE` for
 * a non-string or a non-object, `ERR_INVALID_JSON` for text that is not JSON. `what` names the
 * frame in the messages ("Frame", "Command").
 */
export function parseJsonObject(text: unknown, what: string): Record<string, unknown> {
  if (typeof text !== 'string') {
    throw new CallstreamError(
      'ERR_INVALID_MESSAGE',
      `Expected a text frame, got ${describe(text)}`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new CallstreamError('ERR_INVALID_JSON', `${what} is not valid JSON`, { cause: err });
  }
  if (!isRecord(value)) {
    throw new CallstreamError(
      'ERR_INVALID_MESSAGE',
      `${what} is ${describe(value)}, not an object`,
    );
  }
  return value;
}

/** Deeper than this, an object in `extra_headers` is not headers anyone sent: it is dropped. */
export const MAX_HEADER_DEPTH = 16;

/**
 * Whether `value` nests objects or arrays deeper than `limit`. Walks with its own stack and stops
 * at the first level past the limit, so a hostile nesting costs nothing beyond `JSON.parse`, and
 * `JSON.stringify` never meets one (it would recurse until the stack overflows).
 */
export function depthExceeds(value: object, limit: number): boolean {
  const stack: [object, number][] = [[value, 1]];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    const [node, depth] = item;
    for (const child of Object.values(node)) {
      if (typeof child !== 'object' || child === null) continue;
      if (depth + 1 > limit) return true;
      stack.push([child as object, depth + 1]);
    }
  }
  return false;
}
