/**
 * The DTMF digits of the protocol (PROTOCOL.md §2 `dtmf`, §3 `sendDTMF`): `0-9`, `*`, `#` and
 * `A-D`. The one table behind `parseMessage`, the serializers, `CallStream.sendDtmf`, the
 * simulator's options and its command checker.
 */

import { CallstreamError } from '../errors.js';

/** Every DTMF digit, in keypad order. */
export const DTMF_DIGITS = [
  '1',
  '2',
  '3',
  'A',
  '4',
  '5',
  '6',
  'B',
  '7',
  '8',
  '9',
  'C',
  '*',
  '0',
  '#',
  'D',
] as const;

/** One DTMF digit. */
export type DtmfDigit = (typeof DTMF_DIGITS)[number];

/** The digit set as a character class, for messages. */
export const DTMF_DIGIT_CLASS = '[0-9A-D*#]';

const DIGITS: ReadonlySet<string> = new Set(DTMF_DIGITS);

/**
 * True when `value` is exactly one DTMF digit (letters uppercase).
 *
 * @example
 * isDtmfDigit('#'); // true
 * isDtmfDigit('a'); // false: the wire form is uppercase
 */
export function isDtmfDigit(value: unknown): value is DtmfDigit {
  return typeof value === 'string' && DIGITS.has(value);
}

/**
 * True when `value` is a non-empty string of DTMF digits (letters uppercase).
 *
 * @example
 * isDtmfDigits('123#'); // true
 * isDtmfDigits(''); // false
 */
export function isDtmfDigits(value: unknown): value is string {
  if (typeof value !== 'string' || value.length === 0) return false;
  for (const c of value) if (!DIGITS.has(c)) return false;
  return true;
}

/**
 * Throws `ERR_INVALID_DIGITS` unless `digits` is a non-empty string of DTMF digits.
 *
 * @example
 * checkDtmfDigits('12#'); // fine
 * checkDtmfDigits('12E'); // throws CallstreamError ERR_INVALID_DIGITS
 */
export function checkDtmfDigits(digits: unknown): asserts digits is string {
  if (!isDtmfDigits(digits)) {
    throw new CallstreamError(
      'ERR_INVALID_DIGITS',
      `Invalid DTMF digits ${JSON.stringify(digits) ?? String(digits)}: use ${DTMF_DIGIT_CLASS}`,
    );
  }
}
