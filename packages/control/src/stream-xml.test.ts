import { CallstreamError } from '@callstream/core';
import fc from 'fast-check';
// The oracle: the official SDK's own XML builder (its types declare `Response(): any`).
import plivo from 'plivo';

interface SdkResponse {
  addStream(url: string, attributes: Record<string, unknown>): unknown;
  addSpeak(text: string): unknown;
  toXML(): string;
}
const SdkResponse = plivo.Response as unknown as new () => SdkResponse;
import { describe, expect, it } from 'vitest';
import {
  checkStreamAttributes,
  streamElement,
  streamXml,
  type StreamAttributes,
} from './stream-xml.js';

/** What the official SDK writes for the same input. */
function sdkXml(url: string, attributes: Record<string, unknown>): string {
  const response = new SdkResponse();
  response.addStream(url, attributes);
  return response.toXML();
}

/** The SDK takes extraHeaders as a string only; callstream also joins a record. */
function forSdk(attributes: StreamAttributes): Record<string, unknown> {
  const { extraHeaders } = attributes;
  if (extraHeaders === undefined || typeof extraHeaders === 'string') return { ...attributes };
  const joined = Object.entries(extraHeaders)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  // Same key position as in the caller's object.
  return Object.fromEntries(
    Object.entries(attributes).map(([k, v]) => [k, k === 'extraHeaders' ? joined : v]),
  );
}

const U = 'wss://example.com/ws';

function rejection(fn: () => unknown): CallstreamError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(CallstreamError);
    expect((err as CallstreamError).code).toBe('ERR_INVALID_STREAM_XML');
    return err as CallstreamError;
  }
  throw new Error('expected ERR_INVALID_STREAM_XML');
}

// --- generators of valid input -------------------------------------------------------------

const unreserved = fc.stringMatching(/^(?:[A-Za-z0-9._~-]|%[0-9A-F]{2}){0,10}$/);
const queryValue = fc.stringMatching(/^(?:[A-Za-z0-9._~+=:/-]|%[0-9A-Fa-f]{2}){0,12}$/);
const query = fc
  .array(fc.tuple(fc.stringMatching(/^[A-Za-z0-9_%-]{1,6}$/), queryValue), { maxLength: 4 })
  .map((pairs) => (pairs.length === 0 ? '' : `?${pairs.map(([k, v]) => `${k}=${v}`).join('&')}`));
const host = fc.constantFrom(
  'example.com',
  'bot.example.com:8443',
  '127.0.0.1:8080',
  'a-b.example.io',
  '[::1]:9000',
);
const path = fc.array(unreserved, { maxLength: 4 }).map((s) => (s.length ? `/${s.join('/')}` : ''));
const wsUrl = fc
  .tuple(fc.constantFrom('ws', 'wss'), host, path, query)
  .map(([scheme, h, p, q]) => `${scheme}://${h}${p}${q}`);
const httpUrl = fc
  .tuple(fc.constantFrom('http', 'https'), host, path, query)
  .map(([scheme, h, p, q]) => `${scheme}://${h}${p}${q}`);
const flag = fc.constantFrom(true, false, 'true' as const, 'false' as const);
const alnum = fc.stringMatching(/^[A-Za-z0-9]{1,8}$/);
const headerPairs = fc.uniqueArray(fc.tuple(alnum, alnum), {
  minLength: 1,
  maxLength: 5,
  selector: ([k]) => k,
});
const extraHeaders = fc.oneof(
  headerPairs.map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join(',')),
  headerPairs.map((pairs) => Object.fromEntries(pairs)),
);

const SDK_NAMES = [
  'bidirectional',
  'audioTrack',
  'streamTimeout',
  'statusCallbackUrl',
  'statusCallbackMethod',
  'contentType',
  'extraHeaders',
  'keepCallAlive',
] as const;

const values = fc.record({
  bidirectional: flag,
  audioTrack: fc.constantFrom('inbound' as const, 'outbound' as const, 'both' as const),
  streamTimeout: fc.integer({ min: 1, max: 200_000 }),
  statusCallbackUrl: httpUrl,
  statusCallbackMethod: fc.constantFrom('GET' as const, 'POST' as const),
  contentType: fc.constantFrom(
    'audio/x-l16;rate=8000' as const,
    'audio/x-l16;rate=16000' as const,
    'audio/x-mulaw;rate=8000' as const,
  ),
  extraHeaders,
  keepCallAlive: flag,
});

/** A subset of the 8 SDK attributes, in a random order, with valid values. */
const attributes = fc
  .tuple(fc.shuffledSubarray([...SDK_NAMES]), values)
  .map(([names, v]) => Object.fromEntries(names.map((n) => [n, v[n]])) as StreamAttributes)
  .filter(
    (a) =>
      !(
        (a.bidirectional === true || a.bidirectional === 'true') &&
        (a.audioTrack === 'outbound' || a.audioTrack === 'both')
      ),
  );

describe('streamXml: parity with the official plivo SDK', () => {
  it('writes the same bytes as plivo.Response().addStream().toXML() for generated valid input, in both dialects', () => {
    fc.assert(
      fc.property(
        wsUrl,
        attributes,
        fc.constantFrom('plivo', 'vobiz') as fc.Arbitrary<'plivo' | 'vobiz'>,
        (url, attrs, dialect) => {
          expect(streamXml(url, attrs, { dialect })).toBe(sdkXml(url, forSdk(attrs)));
        },
      ),
      { numRuns: 600 },
    );
  });

  it('matches the SDK for every subset of the 8 attributes, in SDK order and reversed', () => {
    const all: StreamAttributes = {
      bidirectional: true,
      audioTrack: 'inbound',
      streamTimeout: 3600,
      statusCallbackUrl: 'https://cb.example.com/s?x=1&y=2',
      statusCallbackMethod: 'POST',
      contentType: 'audio/x-l16;rate=16000',
      extraHeaders: 'tenant=acme,agentId=42',
      keepCallAlive: 'true',
    };
    const url = 'wss://example.com/ws?s=1&t=%20x';
    for (let mask = 0; mask < 1 << SDK_NAMES.length; mask++) {
      const names = SDK_NAMES.filter((_, i) => (mask & (1 << i)) !== 0);
      for (const order of [names, [...names].reverse()]) {
        const attrs = Object.fromEntries(order.map((n) => [n, all[n]])) as StreamAttributes;
        expect(streamXml(url, attrs)).toBe(sdkXml(url, { ...attrs }));
      }
    }
  });

  it('writes the exact strings CONTROL.md records from the SDK', () => {
    expect(streamXml(U)).toBe('<Response><Stream>wss://example.com/ws</Stream></Response>');
    expect(streamXml('wss://example.com/ws?session=abc&tenant=acme', {})).toBe(
      '<Response><Stream>wss://example.com/ws?session=abc&amp;tenant=acme</Stream></Response>',
    );
    expect(streamXml(U, { bidirectional: 'true', keepCallAlive: 'true' })).toBe(
      '<Response><Stream bidirectional="true" keepCallAlive="true">wss://example.com/ws</Stream></Response>',
    );
    expect(streamXml(U, { bidirectional: true, keepCallAlive: false })).toBe(
      '<Response><Stream bidirectional="true" keepCallAlive="false">wss://example.com/ws</Stream></Response>',
    );
    expect(
      streamXml(U, {
        audioTrack: 'both',
        contentType: 'audio/x-mulaw;rate=8000',
        streamTimeout: 120,
      }),
    ).toBe(
      '<Response><Stream audioTrack="both" contentType="audio/x-mulaw;rate=8000" streamTimeout="120">wss://example.com/ws</Stream></Response>',
    );
  });

  it('writes the API.md example, joining an extraHeaders record', () => {
    expect(
      streamXml('wss://bot.example.com/stream', {
        bidirectional: true,
        keepCallAlive: true,
        contentType: 'audio/x-l16;rate=16000',
        extraHeaders: { tenant: 'acme' },
      }),
    ).toBe(
      '<Response><Stream bidirectional="true" keepCallAlive="true" contentType="audio/x-l16;rate=16000" extraHeaders="tenant=acme">wss://bot.example.com/stream</Stream></Response>',
    );
  });

  it('streamElement is the element the SDK puts before the next verb', () => {
    const response = new SdkResponse();
    response.addStream('wss://a/b?x=1&y=2', { keepCallAlive: true, bidirectional: true });
    response.addSpeak('Bye & thanks');
    expect(
      `<Response>${streamElement('wss://a/b?x=1&y=2', { keepCallAlive: true, bidirectional: true })}<Speak>Bye &amp; thanks</Speak></Response>`,
    ).toBe(response.toXML());
  });

  it('skips undefined values, leaves out an empty extraHeaders record, and adds a declaration on request', () => {
    expect(streamXml(U, { bidirectional: undefined, extraHeaders: {}, streamTimeout: 60 })).toBe(
      '<Response><Stream streamTimeout="60">wss://example.com/ws</Stream></Response>',
    );
    expect(streamXml(U, {}, { declaration: true })).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Stream>wss://example.com/ws</Stream></Response>',
    );
  });

  it('writes the dialect-only attributes in their own dialect', () => {
    expect(streamXml(U, { bidirectional: true, maxRetries: 3 }, { dialect: 'vobiz' })).toBe(
      '<Response><Stream bidirectional="true" maxRetries="3">wss://example.com/ws</Stream></Response>',
    );
    expect(streamXml(U, { noiseCancellation: true, noiseCancellationLevel: 85 })).toBe(
      '<Response><Stream noiseCancellation="true" noiseCancellationLevel="85">wss://example.com/ws</Stream></Response>',
    );
  });
});

describe('streamXml: strict rules', () => {
  it('rejects an unknown attribute name, listing the allowed ones', () => {
    const err = rejection(() => streamXml(U, { audio_track: 'inbound' } as StreamAttributes));
    expect(err.message).toContain('"audio_track"');
    expect(err.message).toContain(
      'bidirectional, audioTrack, streamTimeout, statusCallbackUrl, statusCallbackMethod, contentType, extraHeaders, keepCallAlive, noiseCancellation, noiseCancellationLevel',
    );
  });

  it.each([
    ['bidirectional', 1, "true, false, 'true', 'false'"],
    ['keepCallAlive', 'yes', "true, false, 'true', 'false'"],
    ['streamTimeout', '3600', 'an integer number of seconds >= 1'],
    ['statusCallbackMethod', null, 'GET, POST'],
    ['extraHeaders', ['a=1'], "'key=value,key=value'"],
  ])('rejects a wrong type for %s', (name, value, allowed) => {
    const err = rejection(() => streamXml(U, { [name]: value } as StreamAttributes));
    expect(err.message).toContain(`"${name}"`);
    expect(err.message).toContain(allowed);
  });

  it.each([
    ['audioTrack', 'sideways', 'inbound, outbound, both'],
    ['statusCallbackMethod', 'PUT', 'GET, POST'],
    ['statusCallbackMethod', 'post', 'GET, POST'],
    [
      'contentType',
      'raw',
      'audio/x-l16;rate=8000, audio/x-l16;rate=16000, audio/x-mulaw;rate=8000',
    ],
    ['contentType', 'audio/ogg', 'audio/x-mulaw;rate=8000'],
  ])('rejects %s %j outside its enum', (name, value, allowed) => {
    const err = rejection(() => streamXml(U, { [name]: value } as StreamAttributes));
    expect(err.message).toContain(`"${name}"`);
    expect(err.message).toContain(allowed);
  });

  it.each(['both', 'outbound'] as const)('rejects bidirectional with audioTrack %s', (track) => {
    for (const bidirectional of [true, 'true'] as const) {
      const err = rejection(() => streamXml(U, { bidirectional, audioTrack: track }));
      expect(err.message).toContain('"audioTrack"');
      expect(err.message).toContain('expected inbound');
    }
    expect(streamXml(U, { bidirectional: false, audioTrack: track })).toContain(
      `audioTrack="${track}"`,
    );
  });

  it.each([0, -5, 1.5, Number.NaN, Number.POSITIVE_INFINITY])(
    'rejects streamTimeout %s (a positive integer is required)',
    (streamTimeout) => {
      const err = rejection(() => streamXml(U, { streamTimeout }));
      expect(err.message).toContain('"streamTimeout"');
      expect(err.message).toContain('>= 1');
    },
  );

  it.each(['a=1,b', 'a=1,,b=2', '=1', 'a=', 'a-b=1', 'a=1 ', 'tenant=acme&x', '{"a":"b"}', ''])(
    'rejects extraHeaders %j (pairs of [A-Za-z0-9]+)',
    (value) => {
      const err = rejection(() => streamXml(U, { extraHeaders: value }));
      expect(err.message).toContain('"extraHeaders"');
      expect(err.message).toContain('[A-Za-z0-9]');
    },
  );

  it('rejects an extraHeaders record with a bad key or value, or a value that is not a string', () => {
    rejection(() => streamXml(U, { extraHeaders: { 'x-tenant': 'acme' } }));
    rejection(() => streamXml(U, { extraHeaders: { tenant: 'ac me' } }));
    rejection(() => streamXml(U, { extraHeaders: { n: 42 } as unknown as Record<string, string> }));
  });

  it('accepts extraHeaders of exactly 512 bytes and rejects 513', () => {
    const exactly = `k=${'v'.repeat(510)}`;
    expect(streamXml(U, { extraHeaders: exactly })).toContain(`extraHeaders="${exactly}"`);
    const err = rejection(() => streamXml(U, { extraHeaders: `${exactly}v` }));
    expect(err.message).toContain('at most 512 bytes');
  });

  it.each([
    'https://example.com/ws',
    'wss:example.com/ws',
    '',
    'ws://',
    'example.com/ws',
    'wss://:80/x',
  ])('rejects the stream URL %j (not ws:// or wss://)', (url) => {
    const err = rejection(() => streamXml(url));
    expect(err.message).toContain('<Stream> URL');
    expect(err.message).toContain('ws:// or wss://');
  });

  it.each([
    'wss://example.com/ws?a="b"',
    'wss://example.com/<x>',
    'wss://example.com/a>b',
    'wss://example.com/a b',
    'wss://example.com/a\nb',
    'wss://example.com/a\rb',
    'wss://example.com/a\u0001b',
    'wss://example.com/a\u007fb',
    'wss://example.com/a\ud800b',
  ])('rejects a stream URL holding a character that breaks the XML: %j', (url) => {
    const err = rejection(() => streamXml(url));
    expect(err.message).toContain('without ", <, >, whitespace or control characters');
  });

  it('rejects a statusCallbackUrl that is not http(s) or holds a quote', () => {
    for (const statusCallbackUrl of [
      'wss://cb.example.com/s',
      'ftp://x/y',
      'https://cb/x?a="b"',
      '/relative',
    ]) {
      const err = rejection(() => streamXml(U, { statusCallbackUrl }));
      expect(err.message).toContain('"statusCallbackUrl"');
      expect(err.message).toContain('http:// or https://');
    }
  });

  it('rejects maxRetries in the plivo dialect and noiseCancellation* in the vobiz dialect', () => {
    const retries = rejection(() => streamXml(U, { maxRetries: 2 }));
    expect(retries.message).toContain('"maxRetries" is Vobiz-only');
    expect(retries.message).toContain('expected one of bidirectional');
    for (const name of ['noiseCancellation', 'noiseCancellationLevel']) {
      const value = name === 'noiseCancellation' ? true : 80;
      const err = rejection(() =>
        streamXml(U, { [name]: value } as StreamAttributes, { dialect: 'vobiz' }),
      );
      expect(err.message).toContain(`"${name}" is Plivo-only`);
      expect(err.message).toContain('maxRetries');
    }
  });

  it('rejects maxRetries outside 0..10 and noiseCancellationLevel outside 60..100 or without noiseCancellation', () => {
    for (const maxRetries of [-1, 11, 2.5]) {
      expect(rejection(() => streamXml(U, { maxRetries }, { dialect: 'vobiz' })).message).toContain(
        'an integer from 0 to 10',
      );
    }
    expect(streamXml(U, { maxRetries: 0 }, { dialect: 'vobiz' })).toContain('maxRetries="0"');
    for (const noiseCancellationLevel of [59, 101, 85.5]) {
      expect(
        rejection(() => streamXml(U, { noiseCancellation: true, noiseCancellationLevel })).message,
      ).toContain('an integer from 60 to 100');
    }
    for (const noiseCancellation of [undefined, false] as const) {
      expect(
        rejection(() => streamXml(U, { noiseCancellation, noiseCancellationLevel: 70 })).message,
      ).toContain('needs noiseCancellation true');
    }
  });

  it('rejects attributes that are not a plain object, and an unknown dialect', () => {
    rejection(() => streamXml(U, ['bidirectional'] as unknown as StreamAttributes));
    expect(() => streamXml(U, {}, { dialect: 'twilio' as 'plivo' })).toThrow(TypeError);
  });
});

describe('checkStreamAttributes', () => {
  it('returns the warnings the builders do not throw, and the errors they would', () => {
    expect(checkStreamAttributes(U, { keepCallAlive: true })).toEqual([
      {
        level: 'warning',
        attribute: 'keepCallAlive',
        message: 'keepCallAlive is documented for bidirectional streams only',
      },
    ]);
    expect(checkStreamAttributes(U, { contentType: 'audio/x-l16;rate=24000' })[0]).toMatchObject({
      level: 'warning',
      attribute: 'contentType',
    });
    expect(checkStreamAttributes(U, { bidirectional: true, keepCallAlive: true })).toEqual([]);
    expect(checkStreamAttributes(U, { bidirectional: 'true' })).toEqual([
      {
        level: 'warning',
        attribute: 'keepCallAlive',
        message:
          'bidirectional without keepCallAlive: unless another verb follows the <Stream>, the call ends at once',
      },
    ]);
    expect(checkStreamAttributes('http://x', { audioTrack: 'up' as 'both' })).toMatchObject([
      { level: 'error', attribute: 'url' },
      { level: 'error', attribute: 'audioTrack' },
    ]);
  });
});
