import { CallstreamError } from '@callstream/core';
import {
  checkStreamSettings,
  type Dialect,
  type StreamFlag,
  type StreamIssue,
  type StreamSettings,
} from './stream-rules.js';

/**
 * The attributes of a `<Stream>` element: the shared {@link StreamSettings}, plus the XML-only
 * ones. The key order is the attribute order in the output, as with the official SDK.
 */
export interface StreamAttributes extends StreamSettings {
  /** The stream runs alone; the verbs after it wait until it ends. Default false. */
  keepCallAlive?: StreamFlag;
  /** Vobiz only: reconnection attempts, an integer from 0 to 10 (default 0). */
  maxRetries?: number;
}

/** Options of {@link streamXml}. */
export interface StreamXmlOptions {
  /** Whose documented attributes apply: `'plivo'` (default) or `'vobiz'`. */
  dialect?: Dialect;
  /**
   * Prepend `<?xml version="1.0" encoding="UTF-8"?>` (as in the platforms' docs; the official SDK
   * writes none). Default false.
   */
  declaration?: boolean;
}

const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';

/**
 * The answer-URL response that connects a call to a media stream:
 * `<Response><Stream …>url</Stream></Response>`. For valid input the string is byte-identical to
 * the official plivo Node SDK's `new plivo.Response().addStream(url, attributes).toXML()`:
 * attributes in your key order, booleans as `"true"`/`"false"`, `&` and `<` escaped, no
 * whitespace. Unlike the SDK it checks every value against the platform's documentation
 * (CONTROL.md §1.1) and never writes malformed XML.
 *
 * @throws {CallstreamError} `ERR_INVALID_STREAM_XML`, naming the attribute and the allowed values:
 * an unknown attribute, a wrong type, a value outside its enum or range, `bidirectional` with
 * `audioTrack` `outbound`/`both`, a URL that is not `ws(s)://` or holds `"`, `<`, `>`,
 * whitespace or control characters, bad `extraHeaders`, or an attribute of the other dialect.
 *
 * @example
 * import { streamXml } from '@callstream/control';
 *
 * const xml = streamXml('wss://bot.example.com/stream', {
 *   bidirectional: true,
 *   keepCallAlive: true,
 *   contentType: 'audio/x-l16;rate=16000',
 *   extraHeaders: { tenant: 'acme' },
 * });
 * // '<Response><Stream bidirectional="true" keepCallAlive="true" contentType="audio/x-l16;rate=16000" extraHeaders="tenant=acme">wss://bot.example.com/stream</Stream></Response>'
 */
export function streamXml(
  url: string,
  attributes?: StreamAttributes,
  options: StreamXmlOptions = {},
): string {
  const xml = `<Response>${streamElement(url, attributes, options)}</Response>`;
  return options.declaration === true ? DECLARATION + xml : xml;
}

/**
 * The `<Stream>` element alone, to compose with other verbs (the SDK's output for
 * `response.addStream(url, attributes)` between `<Response>` and the next verb). Same checks and
 * errors as {@link streamXml}.
 *
 * @example
 * import { streamElement } from '@callstream/control';
 *
 * const xml = `<Response><Speak>Connecting you</Speak>${streamElement(
 *   'wss://bot.example.com/stream',
 *   { bidirectional: true, keepCallAlive: true },
 * )}</Response>`;
 */
export function streamElement(
  url: string,
  attributes?: StreamAttributes,
  options: Pick<StreamXmlOptions, 'dialect'> = {},
): string {
  const { issues, entries } = checkStreamSettings(url, attributes, 'xml', dialectOf(options));
  const error = issues.find((issue) => issue.level === 'error');
  if (error !== undefined) throw new CallstreamError('ERR_INVALID_STREAM_XML', error.message);
  let xml = '<Stream';
  for (const entry of entries) xml += ` ${entry.name}="${escapeAttribute(entry.text)}"`;
  return `${xml}>${escapeText(url)}</Stream>`;
}

/**
 * Every error and warning the builders would see for these attributes, without throwing.
 * Warnings (never thrown): `keepCallAlive` without `bidirectional`; `bidirectional` without
 * `keepCallAlive` (the call ends at once unless another verb follows); the 24 kHz `contentType`,
 * which the docs list for the REST API only.
 *
 * @example
 * import { checkStreamAttributes } from '@callstream/control';
 *
 * for (const issue of checkStreamAttributes('wss://bot.example.com/s', { keepCallAlive: true })) {
 *   log.warn(issue.message); // keepCallAlive is documented for bidirectional streams only
 * }
 */
export function checkStreamAttributes(
  url: string,
  attributes?: StreamAttributes,
  dialect: Dialect = 'plivo',
): StreamIssue[] {
  return checkStreamSettings(url, attributes, 'xml', dialectOf({ dialect })).issues;
}

function dialectOf(options: { dialect?: unknown }): Dialect {
  const { dialect = 'plivo' } = options ?? {};
  if (dialect !== 'plivo' && dialect !== 'vobiz') {
    throw new TypeError(`Invalid option "dialect": 'plivo' or 'vobiz' (got ${String(dialect)})`);
  }
  return dialect;
}

// The official SDK's escaping (xmlbuilder 9, then `toXML()` turning `&quot;` back into `"`).
// Checked values never hold the characters past `&` and `<`; these keep the parity anyway.
function escapeText(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r/g, '&#xD;');
}

function escapeAttribute(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/\t/g, '&#x9;')
    .replace(/\n/g, '&#xA;')
    .replace(/\r/g, '&#xD;');
}
