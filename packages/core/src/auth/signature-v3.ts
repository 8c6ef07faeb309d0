/**
 * The signature V3 arithmetic shared by every verifier: Plivo's upgrade check in this package and
 * the status-callback check of `@callstream/control`. One implementation, so the two cannot drift.
 */

import { createHmac, timingSafeEqual } from 'node:crypto';
import {
  plivoSignedPostUrl,
  plivoSignedUrl,
  utf8Binary,
  type SignedParams,
} from './plivo-signed-url.js';

/** What {@link plivoV3Signature} signs: a request as the platform sent it. */
export interface SignatureV3Input {
  /** `'GET'` signs the query (and `params`) as `k=v&…`; `'POST'` appends the body `params` as `keyvalue…`. */
  method: 'GET' | 'POST';
  /** `scheme://host[:port]` the platform called. */
  origin: string;
  /** The request target: `/path?query`. */
  target: string;
  /** Body parameters (POST) or extra query parameters (GET). Default none. */
  params?: SignedParams;
  nonce: string;
  authToken: string;
}

/**
 * `base64(HMAC-SHA256(authToken, signedUrl + '.' + nonce))`, the signed URL built as plivo-node
 * builds it (`plivoSignedUrl` for GET, `plivoSignedPostUrl` for POST). Internal: used by
 * `@callstream/control`.
 */
export function plivoV3Signature(input: SignatureV3Input): string {
  const { method, origin, target, params = {} } = input;
  const url =
    method === 'POST'
      ? plivoSignedPostUrl(origin, target, params)
      : plivoSignedUrl(origin, target, params);
  return hmacBase64(input.authToken, `${url}.${utf8Binary(input.nonce)}`);
}

/** `base64(HMAC-SHA256(key, message))`, the key encoded as plivo-node encodes the auth token. */
export function hmacBase64(key: string, message: string): string {
  return createHmac('sha256', utf8Binary(key)).update(message).digest('base64');
}

/**
 * True when one of the comma-separated signatures in `header` (each trimmed) equals one of
 * `expected`. Every pair is compared in constant time, and every pair is compared, so the time
 * taken does not depend on which one matched.
 */
export function matchesAnySignature(header: string, expected: readonly string[]): boolean {
  const provided = header
    .split(',')
    .map((signature) => Buffer.from(signature.trim(), 'utf8'))
    .filter((signature) => signature.length > 0);
  let matched = false;
  for (const want of expected) {
    const wanted = Buffer.from(want, 'utf8');
    for (const signature of provided) {
      // timingSafeEqual needs equal lengths; the expected length (44) is no secret.
      if (signature.length === wanted.length && timingSafeEqual(signature, wanted)) matched = true;
    }
  }
  return matched;
}
