import { hmacBase64, matchesAnySignature, plivoV3Signature } from '@callstream/core/internal';
import type { CallbackParams } from './stream-status.js';

/** Options of {@link verifyCallbackSignature}. */
export interface VerifyCallbackOptions {
  /** The callback's HTTP method. */
  method: 'GET' | 'POST';
  /**
   * The URL the platform requested, as configured (`statusCallbackUrl`): scheme, host, port and
   * path as the platform saw them (behind a proxy, the public ones), and the query. For a GET
   * callback either pass the full request URL (its query holds the parameters) with `params: {}`,
   * or the URL without the callback parameters and them in `params`: they are merged (appended,
   * as the SDK does), so never in both. Its http/https counterpart is tried too.
   */
  url: string;
  /** POST: the form body's parameters. GET: query parameters not in `url`. */
  params: CallbackParams;
  /** The request headers (any letter case). */
  headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** The auth token of the account the call belongs to. Empty: nothing verifies. */
  authToken: string;
  /** The main account's token, for a sub-account's callbacks (`X-Plivo-Signature-Ma-V3`). */
  mainAuthToken?: string;
  /** Whose headers and algorithm: `'plivo'` (default) or `'vobiz'`. */
  platform?: 'plivo' | 'vobiz';
}

const ORIGIN = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]+)/;
const COUNTERPART: Readonly<Record<string, string>> = { http: 'https', https: 'http' };

/**
 * True when a status callback carries a valid platform signature for its URL (and, on Plivo, its
 * parameters), never throws. Compared in constant time; a header may hold several
 * comma-separated signatures (one matching is enough).
 *
 * - Plivo: `X-Plivo-Signature-V3` (and `X-Plivo-Signature-Ma-V3`, signed with the main account's
 *   token) with `X-Plivo-Signature-V3-Nonce`, computed exactly as the official SDKs do
 *   (CONTROL.md §3.4): a GET signs the URL with its query sorted, a POST also every body
 *   parameter. A changed, added or removed parameter fails.
 * - Vobiz: `X-Vobiz-Signature-V3` / `-MA-V3` (`url + '.' + nonce`) or `X-Vobiz-Signature-V2` /
 *   `-MA-V2` (`url + nonce`), over the URL without its query. Vobiz does not sign the body, so
 *   its parameters are not covered.
 *
 * Each header is tried with `authToken` and `mainAuthToken`: a signature made with a token you
 * hold is genuine.
 *
 * @example
 * import { verifyCallbackSignature } from '@callstream/control';
 *
 * const ok = verifyCallbackSignature({
 *   method: 'POST',
 *   url: 'https://app.example.com/stream-status',
 *   params: Object.fromEntries(new URLSearchParams(body)),
 *   headers: req.headers,
 *   authToken: process.env.PLIVO_AUTH_TOKEN ?? '',
 * });
 */
export function verifyCallbackSignature(options: VerifyCallbackOptions): boolean {
  try {
    return verify(options);
  } catch {
    // Only hostile input (a throwing getter, a params object that is not one) gets here.
    return false;
  }
}

function verify(options: VerifyCallbackOptions): boolean {
  const { method, url, params, headers, platform = 'plivo' } = options;
  if (method !== 'GET' && method !== 'POST') return false;
  const tokens = [options.authToken, options.mainAuthToken].filter(
    (token): token is string => typeof token === 'string' && token !== '',
  );
  const match = typeof url === 'string' ? ORIGIN.exec(url) : null;
  if (tokens.length === 0 || match === null) return false;
  const scheme = match[1] as string;
  const authority = match[2] as string;
  const target = url.slice(match[0].length);
  const origins = [`${scheme}://${authority}`];
  const other = COUNTERPART[scheme.toLowerCase()];
  if (other !== undefined) origins.push(`${other}://${authority}`);
  const header = (name: string): string | undefined => headerText(headers, name);

  if (platform === 'vobiz') {
    const path = pathOf(target);
    let matched = false;
    for (const [signatureNames, nonceName, dot] of [
      [['x-vobiz-signature-v3', 'x-vobiz-signature-ma-v3'], 'x-vobiz-signature-v3-nonce', true],
      [['x-vobiz-signature-v2', 'x-vobiz-signature-ma-v2'], 'x-vobiz-signature-v2-nonce', false],
    ] as const) {
      const nonce = header(nonceName);
      if (nonce === undefined || nonce === '') continue;
      const expected = tokens.flatMap((authToken) =>
        origins.map((origin) =>
          dot
            ? plivoV3Signature({ method: 'GET', origin, target: path, nonce, authToken })
            : hmacBase64(authToken, `${origin}${path}${nonce}`),
        ),
      );
      for (const name of signatureNames) {
        const provided = header(name);
        if (provided !== undefined && matchesAnySignature(provided, expected)) matched = true;
      }
    }
    return matched;
  }

  const nonce = header('x-plivo-signature-v3-nonce');
  if (nonce === undefined || nonce === '') return false;
  const expected = tokens.flatMap((authToken) =>
    origins.map((origin) => plivoV3Signature({ method, origin, target, params, nonce, authToken })),
  );
  let matched = false;
  for (const name of ['x-plivo-signature-v3', 'x-plivo-signature-ma-v3']) {
    const provided = header(name);
    if (provided !== undefined && matchesAnySignature(provided, expected)) matched = true;
  }
  return matched;
}

/** The path of a request target, without query or fragment. */
function pathOf(target: string): string {
  const end = target.search(/[?#]/);
  return end === -1 ? target : target.slice(0, end);
}

function headerText(
  headers: Readonly<Record<string, string | readonly string[] | undefined>>,
  name: string,
): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name) continue;
    if (typeof value === 'string') return value;
    if (Array.isArray(value)) return value.join(',');
  }
  return undefined;
}
