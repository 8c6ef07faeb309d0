import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  sdkSignatureV3,
  sdkValidateV2,
  sdkValidateV3,
} from '../../../../test/helpers/plivo-signer.js';
import {
  VECTOR_NONCE as NONCE,
  VECTOR_PARAMS as P,
  VECTOR_TOKEN as TOKEN,
} from '../../../../test/helpers/status-callback-vector.js';
import { verifyCallbackSignature, type VerifyCallbackOptions } from './callback-signature.js';

const CB = 'https://app.example.com/stream-status';

function plivo(
  method: 'GET' | 'POST',
  url: string,
  params: VerifyCallbackOptions['params'],
  signature: string,
  extra: Partial<VerifyCallbackOptions> = {},
): boolean {
  return verifyCallbackSignature({
    method,
    url,
    params,
    headers: { 'X-Plivo-Signature-V3': signature, 'X-Plivo-Signature-V3-Nonce': NONCE },
    authToken: TOKEN,
    ...extra,
  });
}

describe('verifyCallbackSignature: Plivo V3', () => {
  it.each([
    ['POST', CB, P, 'XnisVi0yF1kLn5H/hiu1j3D1ZXvof975EUOFByfP35s='],
    ['POST', `${CB}?tenant=acme&b=2`, P, 'ZrsNXnDDgU6I3xYzy258CGTGisVw0F1GV3iA/IocnkQ='],
    ['POST', `${CB}?tenant=acme`, {}, 'wyASmZ4FivTbwhJRfHp56JEtCagXkVPtDbpej4EjSmk='],
    ['POST', CB, {}, '+HjROQkrAhRdB6H/zzLNh4NsOOLSZ2fG41sbaLrqnro='],
    ['GET', CB, P, '/mu2w3O7fjS/OV0V3+XquIwcVneJvLovi6O+0pyx3nw='],
    [
      'GET',
      `${CB}?tenant=acme`,
      { Event: 'StopStream', StreamID: 's1' },
      'Kx9Us4uuLuSSuYfnr4oqdd8aGUaa5onQng5IbyQNLNE=',
    ],
    [
      'POST',
      'https://app.example.com:8443/cb/',
      {
        Event: 'DroppedStream',
        Error: 'connection disconnected with the remote service',
        StreamID: 's1',
      },
      'EyHZstUkgyXElyiXCG+uMUmEJNN16Hq9LBUy7XeQ2cg=',
    ],
    [
      'POST',
      'https://app.example.com/cb?x=a%20b&y=c+d',
      { Event: 'StopStream' },
      'yES6W441RTqja5rWoTjLYsfa6dcqARQMt93SyGWN41Y=',
    ],
  ] as const)('accepts the CONTROL.md vector %s %s', (method, url, params, signature) => {
    expect(sdkValidateV3(method, url, NONCE, TOKEN, signature, { ...params })).toBe(true);
    expect(plivo(method, url, params, signature)).toBe(true);
  });

  it('accepts a GET callback given as the full request URL with no params', () => {
    const query = new URLSearchParams(P).toString();
    expect(plivo('GET', `${CB}?${query}`, {}, '/mu2w3O7fjS/OV0V3+XquIwcVneJvLovi6O+0pyx3nw=')).toBe(
      true,
    );
  });

  const key = fc.stringMatching(/^[A-Z][A-Za-z0-9_]{0,8}$/);
  const value = fc.oneof(
    fc.string({ maxLength: 12 }),
    fc.string({ unit: 'grapheme', maxLength: 6 }),
  );
  const params = fc.dictionary(
    key,
    fc.oneof(value, fc.array(value, { minLength: 1, maxLength: 3 })),
    {
      maxKeys: 6,
    },
  );
  const url = fc
    .tuple(
      fc.constantFrom(
        'https://app.example.com',
        'http://127.0.0.1:8080',
        'https://cb.example.io:8443',
      ),
      fc.stringMatching(/^(\/[A-Za-z0-9._~%-]{0,8}){0,3}\/?$/),
      fc.array(
        fc.tuple(
          fc.stringMatching(/^[a-z][a-z0-9]{0,4}$/),
          fc.stringMatching(/^([A-Za-z0-9.~+-]|%[0-9A-F]{2})*$/),
        ),
        { maxLength: 3 },
      ),
    )
    .map(([origin, path, pairs]) => {
      const query = pairs.map(([k, v]) => `${k}=${v}`).join('&');
      return `${origin}${path === '' ? '/' : path}${query === '' ? '' : `?${query}`}`;
    });
  const nonce = fc.stringMatching(/^[0-9]{1,20}$/);
  /** A generated request with the signature the SDK makes for it and the headers Plivo sends. */
  const signed = fc
    .tuple(fc.constantFrom('GET' as const, 'POST' as const), url, params, nonce)
    .map(([method, u, p, n]) => {
      const signature = sdkSignatureV3(method, u, p, n, TOKEN);
      const headers = { 'x-plivo-signature-v3': signature, 'x-plivo-signature-v3-nonce': n };
      return { method, u, p, n, signature, headers };
    });

  it('accepts every signature the SDK makes (GET and POST, generated URLs and params), as the SDK does', () => {
    fc.assert(
      fc.property(signed, ({ method, u, p, n, signature, headers }) => {
        expect(sdkValidateV3(method, u, n, TOKEN, signature, structuredClone(p))).toBe(true);
        expect(
          verifyCallbackSignature({ method, url: u, params: p, headers, authToken: TOKEN }),
        ).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('rejects SDK signatures after a changed, added or removed param, another path, nonce or token', () => {
    fc.assert(
      fc.property(signed, ({ method, u, p, n, headers }) => {
        const check = (over: Partial<VerifyCallbackOptions>): boolean =>
          verifyCallbackSignature({
            method,
            url: u,
            params: p,
            headers,
            authToken: TOKEN,
            ...over,
          });
        expect(check({ params: { ...p, Zadded: 'x' } })).toBe(false);
        const [first] = Object.keys(p);
        if (first !== undefined) {
          expect(check({ params: { ...p, [first]: `${String(p[first])}x` } })).toBe(false);
          const { [first]: _removed, ...rest } = p;
          expect(check({ params: rest })).toBe(false);
        }
        const { origin, pathname, search } = new URL(u);
        expect(check({ url: `${origin}${pathname}x${search}` })).toBe(false);
        expect(check({ url: `https://other.example.com${pathname}${search}` })).toBe(false);
        expect(check({ headers: { ...headers, 'x-plivo-signature-v3-nonce': `${n}1` } })).toBe(
          false,
        );
        expect(check({ authToken: `${TOKEN}x` })).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it('rejects a changed query parameter and a switched method', () => {
    const signature = 'ZrsNXnDDgU6I3xYzy258CGTGisVw0F1GV3iA/IocnkQ=';
    expect(plivo('POST', `${CB}?tenant=acme&b=2`, P, signature)).toBe(true);
    expect(plivo('POST', `${CB}?tenant=evil&b=2`, P, signature)).toBe(false);
    expect(plivo('GET', `${CB}?tenant=acme&b=2`, P, signature)).toBe(false);
  });

  it('accepts a header with several comma-separated signatures when one matches', () => {
    const good = 'XnisVi0yF1kLn5H/hiu1j3D1ZXvof975EUOFByfP35s=';
    const other = '+HjROQkrAhRdB6H/zzLNh4NsOOLSZ2fG41sbaLrqnro=';
    expect(plivo('POST', CB, P, `${other},${good}`)).toBe(true);
    expect(plivo('POST', CB, P, `${other}, ${good}`)).toBe(true);
    expect(plivo('POST', CB, P, `${other},${other}`)).toBe(false);
  });

  it('accepts X-Plivo-Signature-Ma-V3 signed with the main account token given as mainAuthToken', () => {
    const main = 'bWFpbi1hY2NvdW50LXRva2VuLXNlY3JldA';
    const subSignature = sdkSignatureV3('POST', CB, P, NONCE, 'sub-account-token');
    const mainSignature = sdkSignatureV3('POST', CB, P, NONCE, main);
    const headers = {
      'x-plivo-signature-v3': subSignature,
      'x-plivo-signature-ma-v3': mainSignature,
      'x-plivo-signature-v3-nonce': NONCE,
    };
    const check = (o: Partial<VerifyCallbackOptions>): boolean =>
      verifyCallbackSignature({
        method: 'POST',
        url: CB,
        params: P,
        headers,
        authToken: TOKEN,
        ...o,
      });
    expect(check({ mainAuthToken: main })).toBe(true);
    expect(check({})).toBe(false);
    expect(check({ authToken: 'sub-account-token' })).toBe(true);
    expect(check({ mainAuthToken: `${main}x` })).toBe(false);
  });

  it('tries the https form of an http URL (a TLS proxy in front) and the other way round', () => {
    const signature = sdkSignatureV3('POST', CB, P, NONCE, TOKEN);
    expect(plivo('POST', 'http://app.example.com/stream-status', P, signature)).toBe(true);
    expect(plivo('POST', 'http://app.example.com:80/stream-status', P, signature)).toBe(false);
  });

  it('returns false for missing headers, an empty token, another method or a bad URL', () => {
    const signature = 'XnisVi0yF1kLn5H/hiu1j3D1ZXvof975EUOFByfP35s=';
    const base = { method: 'POST', url: CB, params: P, authToken: TOKEN } as const;
    expect(
      verifyCallbackSignature({ ...base, headers: { 'x-plivo-signature-v3': signature } }),
    ).toBe(false);
    expect(
      verifyCallbackSignature({ ...base, headers: { 'x-plivo-signature-v3-nonce': NONCE } }),
    ).toBe(false);
    const headers = { 'x-plivo-signature-v3': signature, 'x-plivo-signature-v3-nonce': NONCE };
    expect(verifyCallbackSignature({ ...base, headers })).toBe(true);
    expect(verifyCallbackSignature({ ...base, headers, authToken: '' })).toBe(false);
    expect(verifyCallbackSignature({ ...base, headers, method: 'PUT' as 'POST' })).toBe(false);
    expect(verifyCallbackSignature({ ...base, headers, url: '/stream-status' })).toBe(false);
    expect(verifyCallbackSignature({ ...base, headers, params: null as never })).toBe(false);
  });
});

describe('verifyCallbackSignature: Vobiz', () => {
  const url = 'https://app.example.com/stream-status';
  const v3 = (u: string, nonce: string, token = TOKEN): string =>
    createHmac('sha256', token).update(`${u}.${nonce}`).digest('base64');
  const v2 = (u: string, nonce: string, token = TOKEN): string =>
    createHmac('sha256', token).update(`${u}${nonce}`).digest('base64');
  const vobiz = (
    headers: Record<string, string>,
    o: Partial<VerifyCallbackOptions> = {},
  ): boolean =>
    verifyCallbackSignature({
      method: 'POST',
      url,
      params: P,
      headers,
      authToken: TOKEN,
      platform: 'vobiz',
      ...o,
    });

  it('accepts V3 (url + "." + nonce) over the URL without its query; the body and query are not signed', () => {
    const headers = { 'X-Vobiz-Signature-V3': v3(url, '111'), 'X-Vobiz-Signature-V3-Nonce': '111' };
    expect(vobiz(headers)).toBe(true);
    expect(vobiz(headers, { url: `${url}?any=query`, params: { Event: 'StopStream' } })).toBe(true);
    expect(vobiz(headers, { method: 'GET', params: {} })).toBe(true);
  });

  it('accepts V2 (url + nonce), as plivo-node validateSignature computes it', () => {
    const signature = v2(url, '222');
    expect(sdkValidateV2(url, '222', signature, TOKEN)).toBe(true);
    expect(vobiz({ 'x-vobiz-signature-v2': signature, 'x-vobiz-signature-v2-nonce': '222' })).toBe(
      true,
    );
  });

  it('accepts the MA variants with the main account token', () => {
    const main = 'main-token';
    const headers = {
      'x-vobiz-signature-ma-v3': v3(url, '333', main),
      'x-vobiz-signature-v3-nonce': '333',
      'x-vobiz-signature-ma-v2': v2(url, '444', main),
      'x-vobiz-signature-v2-nonce': '444',
    };
    expect(vobiz(headers, { mainAuthToken: main })).toBe(true);
    expect(vobiz(headers)).toBe(false);
  });

  it('rejects another path, another nonce, another token, and Plivo headers', () => {
    const headers = { 'x-vobiz-signature-v3': v3(url, '555'), 'x-vobiz-signature-v3-nonce': '555' };
    expect(vobiz(headers, { url: 'https://app.example.com/other' })).toBe(false);
    expect(vobiz({ ...headers, 'x-vobiz-signature-v3-nonce': '556' })).toBe(false);
    expect(vobiz(headers, { authToken: 'other' })).toBe(false);
    expect(
      vobiz({ 'x-vobiz-signature-v2': v3(url, '555'), 'x-vobiz-signature-v2-nonce': '555' }),
    ).toBe(false);
    expect(
      vobiz({ 'x-plivo-signature-v3': v3(url, '555'), 'x-plivo-signature-v3-nonce': '555' }),
    ).toBe(false);
  });
});
