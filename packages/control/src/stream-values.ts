/**
 * The value checks behind the stream rules: each returns the normalised value (JSON for REST,
 * text for XML), or undefined when the value breaks the rule.
 */

/** A normalised setting: the JSON value sent over REST, the text written in XML. */
export interface Normalised {
  json: string | number | boolean;
  text: string;
}

export type Normalise = (value: unknown) => Normalised | undefined;

/** The documented limit of `extraHeaders` (CONTROL.md §8.4: `<` or `<=`; `<=` here). */
export const EXTRA_HEADERS_MAX_BYTES = 512;
const ALNUM = /^[A-Za-z0-9]+$/;
/**
 * What must never reach the XML: characters the SDK would emit raw into an attribute (`"` breaks
 * it), markup, whitespace, C0 controls, DEL, and text XML 1.0 cannot hold (lone surrogates,
 * U+FFFE/U+FFFF).
 */
const UNSAFE_URL_TEXT =
  // eslint-disable-next-line no-control-regex
  /["<>\s\u0000-\u001f\u007f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
export const URL_TEXT_NOTE = 'without ", <, >, whitespace or control characters';

export function flag(value: unknown): { json: boolean; text: string } | undefined {
  if (value === true || value === 'true') return { json: true, text: 'true' };
  if (value === false || value === 'false') return { json: false, text: 'false' };
  return undefined;
}

export function oneOf(values: readonly string[]): Normalise {
  return (value) =>
    typeof value === 'string' && values.includes(value) ? { json: value, text: value } : undefined;
}

export function integer(min: number, max: number): Normalise {
  return (value) =>
    typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max
      ? { json: value, text: String(value) }
      : undefined;
}

/** True for an absolute URL written `scheme://host…` with one of `schemes`, safe to put in XML. */
export function isUrlOf(value: unknown, schemes: readonly string[]): value is string {
  if (typeof value !== 'string' || UNSAFE_URL_TEXT.test(value)) return false;
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(value)?.[1]?.toLowerCase();
  if (scheme === undefined || !schemes.includes(scheme)) return false;
  try {
    return new URL(value).hostname !== '';
  } catch {
    return false;
  }
}

export function url(schemes: readonly string[]): Normalise {
  return (value) => (isUrlOf(value, schemes) ? { json: value, text: value } : undefined);
}

export function extraHeaders(value: unknown): { json: string; text: string } | undefined {
  let text: string;
  if (typeof value === 'string') {
    text = value;
  } else if (isPlainRecord(value)) {
    const pairs: string[] = [];
    for (const [k, v] of Object.entries(value)) {
      if (typeof v !== 'string') return undefined;
      pairs.push(`${k}=${v}`);
    }
    text = pairs.join(',');
    if (text === '') return { json: '', text: '' };
  } else {
    return undefined;
  }
  if (Buffer.byteLength(text, 'utf8') > EXTRA_HEADERS_MAX_BYTES) return undefined;
  const valid = text.split(',').every((pair) => {
    const eq = pair.indexOf('=');
    return eq > 0 && ALNUM.test(pair.slice(0, eq)) && ALNUM.test(pair.slice(eq + 1));
  });
  return valid ? { json: text, text } : undefined;
}

export function isPlainRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
