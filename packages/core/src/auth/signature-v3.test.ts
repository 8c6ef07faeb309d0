import { describe, expect, it } from 'vitest';
// The oracle: the official SDK's own validator.
import { validateV3Signature } from 'plivo/dist/utils/v3Security.js';
import { plivoSignedPostUrl, plivoSignedUrl } from './plivo-signed-url.js';
import {
  VECTOR_NONCE as NONCE,
  VECTOR_ORIGIN as ORIGIN,
  VECTOR_PARAMS as P,
  VECTOR_TOKEN as TOKEN,
} from '../../../../test/helpers/status-callback-vector.js';
import { matchesAnySignature, plivoV3Signature } from './signature-v3.js';

// CONTROL.md §3.5: the vector's params as plivo-node and plivo-python sign them, and the
// signatures they accept.
const TAIL =
  'CallUUID9a0e0208-d01a-4572-9a04-fe583a05ac53ErrorEventStartStreamFrom918071387423ServiceURLwss://your-server.com/wsStreamID227d997a-0af4-447c-a3f3-b243e902e527Timestamp2025-11-06 09:58:40To919624705678';

describe('plivoSignedPostUrl and plivoSignedUrl with params', () => {
  it('build the exact strings of CONTROL.md §3.5', () => {
    expect(plivoSignedPostUrl(ORIGIN, '/stream-status', P)).toBe(`${ORIGIN}/stream-status?${TAIL}`);
    expect(plivoSignedPostUrl(ORIGIN, '/stream-status?tenant=acme&b=2', P)).toBe(
      `${ORIGIN}/stream-status?b=2&tenant=acme.${TAIL}`,
    );
    expect(plivoSignedPostUrl(ORIGIN, '/stream-status?tenant=acme', {})).toBe(
      `${ORIGIN}/stream-status?tenant=acme`,
    );
    expect(plivoSignedPostUrl(ORIGIN, '/cb?x=a%20b&y=c+d', { Event: 'StopStream' })).toBe(
      `${ORIGIN}/cb?x=a b&y=c d.EventStopStream`,
    );
    expect(
      plivoSignedUrl(ORIGIN, '/stream-status?tenant=acme', { Event: 'StopStream', StreamID: 's1' }),
    ).toBe(`${ORIGIN}/stream-status?Event=StopStream&StreamID=s1&tenant=acme`);
  });

  it('sorts the values of a repeated key, in the body and merged into the query', () => {
    expect(plivoSignedPostUrl(ORIGIN, '/cb', { Tag: ['b', 'a'], A: '1' })).toBe(
      `${ORIGIN}/cb?A1TagaTagb`,
    );
    expect(plivoSignedUrl(ORIGIN, '/cb?Tag=c', { Tag: ['b', 'a'] })).toBe(
      `${ORIGIN}/cb?Tag=a&Tag=b&Tag=c`,
    );
  });
});

describe('plivoV3Signature', () => {
  it.each([
    ['POST', '/stream-status', P, 'XnisVi0yF1kLn5H/hiu1j3D1ZXvof975EUOFByfP35s='],
    ['POST', '/stream-status?tenant=acme&b=2', P, 'ZrsNXnDDgU6I3xYzy258CGTGisVw0F1GV3iA/IocnkQ='],
    ['POST', '/stream-status', {}, '+HjROQkrAhRdB6H/zzLNh4NsOOLSZ2fG41sbaLrqnro='],
    ['GET', '/stream-status', P, '/mu2w3O7fjS/OV0V3+XquIwcVneJvLovi6O+0pyx3nw='],
  ] as const)('gives the CONTROL.md signature for %s %s', (method, target, params, expected) => {
    expect(
      plivoV3Signature({ method, origin: ORIGIN, target, params, nonce: NONCE, authToken: TOKEN }),
    ).toBe(expected);
    expect(
      validateV3Signature(method, ORIGIN + target, NONCE, TOKEN, expected, { ...params }),
    ).toBe(true);
  });
});

describe('matchesAnySignature', () => {
  it('matches one of several comma-separated, trimmed signatures, and nothing else', () => {
    expect(matchesAnySignature('a=, b=', ['b='])).toBe(true);
    expect(matchesAnySignature('a=,b=', ['c=', 'a='])).toBe(true);
    expect(matchesAnySignature('a=,b=', ['c='])).toBe(false);
    expect(matchesAnySignature('', [''])).toBe(false);
    expect(matchesAnySignature('ab', ['abc'])).toBe(false);
  });
});
