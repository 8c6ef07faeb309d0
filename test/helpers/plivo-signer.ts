/**
 * Signatures made by the official plivo Node SDK's own code: its V3 module's private
 * `construct_get_url`, `construct_post_url` and `get_signature_v3` (the SDK exports only the
 * validator), loaded from the installed SDK's file and nothing rewritten. The tests use them as
 * the platform's signer.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { runInThisContext } from 'node:vm';

// plivo is a devDependency of @callstream/control (and core), not of the root.
const requireFromControl = createRequire(
  new URL('../../packages/control/package.json', import.meta.url),
);
const file = requireFromControl.resolve('plivo/dist/utils/v3Security.js');

interface V3Internals {
  construct_get_url(uri: string, params: object): string;
  construct_post_url(uri: string, params: object): string;
  get_signature_v3(authToken: string, baseUrl: string, nonce: string): string;
  validateV3Signature(
    method: string,
    uri: string,
    nonce: string,
    authToken: string,
    signature: string,
    params?: object,
  ): boolean;
}

const wrapper = runInThisContext(
  `(function (exports, require, module, __filename, __dirname) {${readFileSync(file, 'utf8')}
return { construct_get_url, construct_post_url, get_signature_v3, validateV3Signature };
})`,
  { filename: file },
) as (...args: unknown[]) => V3Internals;
const sdk = wrapper(
  {},
  createRequire(file),
  { exports: {} },
  file,
  file.replace(/[/\\][^/\\]*$/, ''),
);
const utf8 = createRequire(file)('utf8') as { encode(text: string): string };

/** What Plivo puts in `X-Plivo-Signature-V3` for this request, computed by the SDK's code. */
export function sdkSignatureV3(
  method: 'GET' | 'POST',
  uri: string,
  params: Readonly<Record<string, string | readonly string[]>>,
  nonce: string,
  authToken: string,
): string {
  const encoded = utf8.encode(uri);
  // The SDK sorts array values in place: give it copies.
  const copy = Object.fromEntries(
    Object.entries(params).map(([k, v]) => [k, typeof v === 'string' ? v : [...v]]),
  );
  const base =
    method === 'GET' ? sdk.construct_get_url(encoded, copy) : sdk.construct_post_url(encoded, copy);
  return sdk.get_signature_v3(utf8.encode(authToken), base, utf8.encode(nonce));
}

/** The SDK's own validator, for cross-checks. */
export const sdkValidateV3 = sdk.validateV3Signature;

/** plivo-node's V2 validator (`validateSignature`: HMAC-SHA256 of the URL without query + nonce). */
export const sdkValidateV2 = (
  requireFromControl('plivo/dist/utils/security.js') as {
    validateSignature(uri: string, nonce: string, signature: string, authToken: string): boolean;
  }
).validateSignature;

/**
 * The `X-Plivo-Signature-V3` and `-Nonce` headers Plivo sends with this request, the signature
 * made by the SDK's code (see {@link sdkSignatureV3}).
 */
export function sdkSignedHeaders(
  method: 'GET' | 'POST',
  url: string,
  params: Readonly<Record<string, string | readonly string[]>>,
  nonce: string,
  authToken: string,
): { 'x-plivo-signature-v3': string; 'x-plivo-signature-v3-nonce': string } {
  return {
    'x-plivo-signature-v3': sdkSignatureV3(method, url, params, nonce, authToken),
    'x-plivo-signature-v3-nonce': nonce,
  };
}
