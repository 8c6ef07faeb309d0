/**
 * `extra_headers` arrives as one string in three observed forms (PROTOCOL.md §5): `k=v;k=v`,
 * `k=v,k=v`, or JSON text such as `"{}"` (always on Vobiz). This reads all three.
 */

import { MAX_HEADER_DEPTH, depthExceeds, isRecord } from './fields.js';

/**
 * Parses the raw `extra_headers` string of a `start` message into a record. Never throws.
 *
 * - JSON text (starting with `{` or `[`, once trimmed) that parses: an object gives its entries,
 *   strings as they are, numbers and booleans as text, objects and arrays as JSON text (skipped
 *   when nested deeper than 16 levels), `null` skipped; any other JSON value gives `{}`. Text that starts so but is not JSON is read as
 *   pairs.
 * - Pairs: separated by `;` when the string has one (so a `,` may sit in a value), else by `,`.
 *   Keys and values are trimmed; a value keeps any `=` after the first. A segment with no `=` or
 *   an empty key is ignored; `k=` gives `k: ''`. On a repeated key the last one wins.
 * - `undefined`, `''` and `"{}"` give `{}`.
 *
 * The record has no prototype, so a `__proto__` or `constructor` key is plain data: it can neither
 * change the record's prototype nor be shadowed by an inherited property.
 *
 * @example
 * parseExtraHeaders('userId=12345;sessionId=abc'); // { userId: '12345', sessionId: 'abc' }
 * parseExtraHeaders('a=1,b=x=y');                  // { a: '1', b: 'x=y' }
 * parseExtraHeaders('{"tenant":"acme","n":3}');    // { tenant: 'acme', n: '3' }
 */
export function parseExtraHeaders(raw: string | undefined): Record<string, string> {
  const headers: Record<string, string> = Object.create(null) as Record<string, string>;
  if (typeof raw !== 'string') return headers;
  const text = raw.trim();
  if (text === '') return headers;
  const first = text.charCodeAt(0);
  if (first === 0x7b /* { */ || first === 0x5b /* [ */) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return readPairs(text, headers);
    }
    if (isRecord(value)) readEntries(value, headers);
    return headers;
  }
  return readPairs(text, headers);
}

function readPairs(text: string, headers: Record<string, string>): Record<string, string> {
  for (const segment of text.split(text.includes(';') ? ';' : ',')) {
    const eq = segment.indexOf('=');
    if (eq === -1) continue;
    const key = segment.slice(0, eq).trim();
    if (key !== '') headers[key] = segment.slice(eq + 1).trim();
  }
  return headers;
}

function readEntries(object: Record<string, unknown>, headers: Record<string, string>): void {
  for (const key of Object.keys(object)) {
    const value = object[key];
    if (typeof value === 'string') headers[key] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') headers[key] = String(value);
    else if (
      value !== null &&
      typeof value === 'object' &&
      !depthExceeds(value, MAX_HEADER_DEPTH)
    ) {
      // Deeper nesting is not a header anyone sent: skipped before JSON.stringify walks it.
      headers[key] = JSON.stringify(value);
    }
  }
}
