/**
 * The signature headers the fake puts on the requests it sends (answer URL, status callbacks) and
 * on WebSocket upgrades, computed with core's one implementation of the arithmetic (the same code
 * `verifyPlivoSignature` and `@callstream/control`'s verifier check them with).
 *
 * - Plivo: `X-Plivo-Signature-V3` (and `-Ma-V3`, the same value: the fake has one account) with
 *   `X-Plivo-Signature-V3-Nonce`, over CONTROL.md §3.4's string for the method and params.
 * - Vobiz requests: `X-Vobiz-Signature-V3`/`-MA-V3` with `-V3-Nonce` and `X-Vobiz-Signature-V2`/
 *   `-MA-V2` with `-V2-Nonce`, over the URL without its query (the body is not signed).
 * - Upgrades: the GET form of Plivo's V3 over the service URL as given (`ws://`/`wss://`, query
 *   sorted), under the platform's header names: what `verifyPlivoSignature` checks (with
 *   `header: 'vobiz'` for Vobiz). For a URL without a query both Vobiz forms coincide.
 */
import { randomInt } from 'node:crypto';
import { hmacBase64, plivoV3Signature } from '@callstream/core/internal';
import type { SignedParams } from '@callstream/core/internal';
import type { Platform } from './platform-options.js';

const URL_PARTS = /^([A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*)([^#]*)/;

/** `scheme://host[:port]` and the rest (`/path?query`, no fragment) of an absolute URL. */
function splitUrl(url: string): { origin: string; target: string } {
  const match = URL_PARTS.exec(url);
  if (match === null) throw new TypeError(`not an absolute URL: ${url}`);
  return { origin: match[1] as string, target: match[2] as string };
}

/** 20 random digits, like the platforms' nonces. */
export function nonce(): string {
  let digits = '';
  for (let i = 0; i < 20; i++) digits += String(randomInt(10));
  return digits;
}

/** Signature headers for an HTTP request the platform sends. */
export function requestSignatureHeaders(
  platform: Platform,
  method: 'GET' | 'POST',
  url: string,
  params: SignedParams,
  authToken: string,
): Record<string, string> {
  if (platform === 'vobiz') {
    const { origin, target } = splitUrl(url);
    const end = target.indexOf('?');
    const base = origin + (end === -1 ? target : target.slice(0, end));
    const n3 = nonce();
    const n2 = nonce();
    const v3 = hmacBase64(authToken, `${base}.${n3}`);
    const v2 = hmacBase64(authToken, `${base}${n2}`);
    return {
      'X-Vobiz-Signature-V3': v3,
      'X-Vobiz-Signature-MA-V3': v3,
      'X-Vobiz-Signature-V3-Nonce': n3,
      'X-Vobiz-Signature-V2': v2,
      'X-Vobiz-Signature-MA-V2': v2,
      'X-Vobiz-Signature-V2-Nonce': n2,
    };
  }
  const n = nonce();
  const signature = plivoV3Signature({ method, ...splitUrl(url), params, nonce: n, authToken });
  return {
    'X-Plivo-Signature-V3': signature,
    'X-Plivo-Signature-Ma-V3': signature,
    'X-Plivo-Signature-V3-Nonce': n,
  };
}

/** Signature headers for the WebSocket upgrade to `serviceUrl`. */
export function upgradeSignatureHeaders(
  platform: Platform,
  serviceUrl: string,
  authToken: string,
): Record<string, string> {
  const n = nonce();
  const signature = plivoV3Signature({
    method: 'GET',
    ...splitUrl(serviceUrl),
    nonce: n,
    authToken,
  });
  const prefix = platform === 'vobiz' ? 'X-Vobiz-Signature-V3' : 'X-Plivo-Signature-V3';
  return { [prefix]: signature, [`${prefix}-Nonce`]: n };
}
