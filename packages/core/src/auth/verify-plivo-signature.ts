/**
 * Plivo's request signature V3 (PROTOCOL.md §5), checked on the WebSocket upgrade request, before
 * the upgrade completes. Which scheme the platform signs the upgrade URL with is ambiguous
 * (http/https or ws/wss), and behind a TLS proxy the local one is wrong anyway, so the URL is
 * rebuilt from the public origin (or the Host header) and every plausible scheme is tried.
 */

import type { IncomingMessage } from 'node:http';
import { matchesAnySignature, plivoV3Signature } from './signature-v3.js';

/** Options of {@link verifyPlivoSignature}. */
export interface VerifyPlivoSignatureOptions {
  /** The (sub)account auth token the platform signs with. Empty: every request fails. */
  authToken: string;
  /**
   * The origin the platform dials, as in your `<Stream>` URL (`'wss://bot.example.com'`,
   * `'wss://bot.example.com:8443'`). When set, the Host header is not trusted; the path and query
   * come from the request, and only the scheme and host[:port] of `publicUrl` are used. Both its
   * scheme and the matching http(s)/ws(s) one are tried. Default: built from the Host header,
   * trying http, https, ws and wss. A value that is not `scheme://host` fails every request.
   */
  publicUrl?: string;
  /** Which headers carry the signature: `X-Plivo-Signature-V3` (default) or `X-Vobiz-Signature-V3`. */
  header?: 'plivo' | 'vobiz';
}

/** The same endpoint's other scheme: a TLS WebSocket URL may be signed as https, and so on. */
const COUNTERPART = new Map([
  ['wss', 'https'],
  ['https', 'wss'],
  ['ws', 'http'],
  ['http', 'ws'],
]);
const HOST_SCHEMES = ['wss', 'https', 'ws', 'http'] as const;
/** A Host header value: a name or address, an optional port. Nothing that could add a path. */
const HOST = /^(?:[A-Za-z0-9._~-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;
const ORIGIN = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]+)/;
const ABSOLUTE_TARGET = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/;

/**
 * True when the request carries a valid Plivo signature V3 for its URL: `X-Plivo-Signature-V3`
 * (one or several comma-separated signatures; one matching is enough) is
 * `base64(HMAC-SHA256(authToken, url + '.' + nonce))` with `X-Plivo-Signature-V3-Nonce`, the URL
 * built as Plivo's SDKs build it (query parameters sorted by key). Compared in constant time.
 *
 * Returns false, never throws, when the token, a header or the nonce is missing, when the
 * request is not a GET (a POST signature also covers its body, which this cannot see), or when
 * nothing matches. Without `publicUrl` the Host header is trusted, so a signature made for one
 * of your other hosts would pass on this one: set `publicUrl` in production.
 *
 * @example
 * const server = createStreamServer({
 *   port: 8080,
 *   authenticate: (req) =>
 *     verifyPlivoSignature(req, {
 *       authToken: process.env.PLIVO_AUTH_TOKEN ?? '',
 *       publicUrl: 'wss://bot.example.com',
 *     }),
 * });
 */
export function verifyPlivoSignature(
  req: IncomingMessage,
  options: VerifyPlivoSignatureOptions,
): boolean {
  try {
    return verify(req, options);
  } catch {
    // Only a hostile object (a throwing getter) gets here; a request that cannot be read is
    // not authenticated.
    return false;
  }
}

function verify(req: IncomingMessage, options: VerifyPlivoSignatureOptions): boolean {
  const { authToken } = options;
  if (typeof authToken !== 'string' || authToken === '' || req.method !== 'GET') return false;
  const name = options.header === 'vobiz' ? 'x-vobiz-signature-v3' : 'x-plivo-signature-v3';
  const signatures = headerText(req.headers[name]);
  const nonce = headerText(req.headers[`${name}-nonce`]);
  if (signatures === undefined || nonce === undefined || nonce === '') return false;
  const target = requestTarget(req.url);
  if (target === undefined) return false;
  const origins =
    options.publicUrl === undefined
      ? hostOrigins(req.headers.host)
      : publicOrigins(options.publicUrl);

  const expected = origins.map((origin) =>
    plivoV3Signature({ method: 'GET', origin, target, nonce, authToken }),
  );
  return matchesAnySignature(signatures, expected);
}

function headerText(value: string | string[] | undefined): string | undefined {
  if (typeof value === 'string') return value;
  return Array.isArray(value) ? value.join(',') : undefined;
}

/** The path and query of the request (`req.url`), also from an absolute-form target. */
function requestTarget(url: string | undefined): string | undefined {
  if (typeof url !== 'string') return undefined;
  if (url.startsWith('/')) return url;
  const prefix = ABSOLUTE_TARGET.exec(url);
  if (prefix === null) return undefined;
  const rest = url.slice(prefix[0].length);
  return rest.startsWith('/') ? rest : `/${rest}`;
}

function publicOrigins(publicUrl: string): string[] {
  const match = typeof publicUrl === 'string' ? ORIGIN.exec(publicUrl) : null;
  if (match === null) return [];
  const scheme = match[1] as string;
  const authority = match[2] as string;
  const origins = [`${scheme}://${authority}`];
  const other = COUNTERPART.get(scheme.toLowerCase());
  if (other !== undefined) origins.push(`${other}://${authority}`);
  return origins;
}

function hostOrigins(host: string | undefined): string[] {
  if (typeof host !== 'string' || !HOST.test(host)) return [];
  return HOST_SCHEMES.map((scheme) => `${scheme}://${host}`);
}
