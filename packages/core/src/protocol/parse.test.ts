import { describe, expect, it } from 'vitest';
import { CallstreamError } from '../errors.js';
import type { CallstreamErrorCode } from '../errors.js';
import { parseMessage } from './parse.js';

const CALL = '9b1a8c3e-6f1c-4d7e-9a3e-1c2b3d4e5f60';
const STREAM = 'b77e037d-4119-44b5-902d-25826b654b0e';

function codeOf(text: string): CallstreamErrorCode | 'no error' {
  try {
    parseMessage(text);
    return 'no error';
  } catch (err) {
    if (err instanceof CallstreamError) return err.code;
    throw err;
  }
}

const start = (inner: Record<string, unknown>, outer: Record<string, unknown> = {}): string =>
  JSON.stringify({
    event: 'start',
    sequenceNumber: 1,
    start: {
      callId: CALL,
      streamId: STREAM,
      accountId: 'MAZDQ5ZTM4ODI1NTEwYT',
      tracks: ['inbound'],
      mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000 },
      ...inner,
    },
    extra_headers: 'userId=12345;sessionId=abc',
    ...outer,
  });

describe('parseMessage: start', () => {
  it('reads the Plivo start message, streamId nested and extra_headers kept raw', () => {
    expect(parseMessage(start({}))).toStrictEqual({
      event: 'start',
      sequenceNumber: 1,
      callId: CALL,
      streamId: STREAM,
      accountId: 'MAZDQ5ZTM4ODI1NTEwYT',
      tracks: ['inbound'],
      mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000 },
      extraHeaders: 'userId=12345;sessionId=abc',
    });
  });

  it('reads a Vobiz start: sequenceNumber 0 as a string, numeric accountId, JSON extra_headers', () => {
    const msg = parseMessage(
      start(
        { accountId: 500025, mediaFormat: { encoding: 'audio/x-l16', sampleRate: '16000' } },
        { sequenceNumber: '0', extra_headers: '{}' },
      ),
    );
    expect(msg).toMatchObject({
      sequenceNumber: 0,
      accountId: '500025',
      mediaFormat: { encoding: 'audio/x-l16', sampleRate: 16000 },
      extraHeaders: '{}',
    });
  });

  it('takes a top-level streamId when start has none', () => {
    const msg = parseMessage(start({ streamId: undefined }, { streamId: 'top' }));
    expect(msg).toMatchObject({ event: 'start', streamId: 'top' });
  });

  it('takes the rate from a ;rate= suffix when sampleRate is missing, and keeps sampleRate first', () => {
    expect(
      parseMessage(start({ mediaFormat: { encoding: 'audio/x-L16; rate=16000' } })),
    ).toMatchObject({ mediaFormat: { encoding: 'audio/x-l16', sampleRate: 16000 } });
    expect(
      parseMessage(
        start({ mediaFormat: { encoding: 'audio/x-l16;rate=16000', sampleRate: 8000 } }),
      ),
    ).toMatchObject({ mediaFormat: { encoding: 'audio/x-l16', sampleRate: 8000 } });
  });

  it('keeps both tracks once each, in order', () => {
    expect(parseMessage(start({ tracks: ['outbound', 'inbound', 'outbound'] }))).toMatchObject({
      tracks: ['outbound', 'inbound'],
    });
  });

  it('gives an empty accountId and no extraHeaders when they are missing', () => {
    const msg = parseMessage(start({ accountId: undefined }, { extra_headers: undefined }));
    expect(msg).toMatchObject({ accountId: '', extraHeaders: undefined });
  });

  it.each([
    ['no start object', start({}, { start: 'x' })],
    ['no callId', start({ callId: undefined })],
    ['an empty callId', start({ callId: '' })],
    ['no streamId anywhere', start({ streamId: undefined })],
    ['a numeric streamId', start({ streamId: 42 })],
    ['no tracks', start({ tracks: undefined })],
    ['empty tracks', start({ tracks: [] })],
    ['a track that is not one', start({ tracks: ['both'] })],
    ['no mediaFormat', start({ mediaFormat: undefined })],
    ['an unknown encoding', start({ mediaFormat: { encoding: 'audio/wav', sampleRate: 8000 } })],
    ['no sampleRate and no suffix', start({ mediaFormat: { encoding: 'audio/x-mulaw' } })],
    [
      'a fractional sampleRate',
      start({ mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000.5 } }),
    ],
    ['a zero sampleRate', start({ mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 0 } })],
    [
      'a word as sampleRate',
      start({ mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 'fast' } }),
    ],
    ['a boolean sequenceNumber', start({}, { sequenceNumber: true })],
  ])('refuses a start with %s (ERR_INVALID_START)', (_, text) => {
    expect(codeOf(text)).toBe('ERR_INVALID_START');
  });

  it('names the unusable field in the error message', () => {
    expect(() => parseMessage(start({ tracks: ['both'] }))).toThrow(/start\.tracks holds "both"/);
  });
});

const media = (inner: Record<string, unknown>, outer: Record<string, unknown> = {}): string =>
  JSON.stringify({
    event: 'media',
    sequenceNumber: 42,
    streamId: STREAM,
    media: {
      track: 'inbound',
      timestamp: '1705312200000',
      chunk: 41,
      payload: '//79/A==',
      ...inner,
    },
    extra_headers: 'userId=12345;sessionId=abc',
    ...outer,
  });

describe('parseMessage: media', () => {
  it('reads a Plivo media message, timestamp coerced from its string', () => {
    expect(parseMessage(media({}))).toStrictEqual({
      event: 'media',
      sequenceNumber: 42,
      streamId: STREAM,
      track: 'inbound',
      timestamp: 1705312200000,
      chunk: 41,
      payload: '//79/A==',
    });
  });

  it('coerces numeric strings and defaults a missing track to inbound', () => {
    expect(
      parseMessage(
        media({ track: undefined, chunk: '7', timestamp: 140 }, { sequenceNumber: '9' }),
      ),
    ).toMatchObject({ track: 'inbound', chunk: 7, timestamp: 140, sequenceNumber: 9 });
  });

  it('leaves missing chunk, timestamp, sequenceNumber and streamId undefined', () => {
    const msg = parseMessage('{"event":"media","media":{"payload":"AAAA"}}');
    expect(msg).toStrictEqual({
      event: 'media',
      sequenceNumber: undefined,
      streamId: undefined,
      track: 'inbound',
      timestamp: undefined,
      chunk: undefined,
      payload: 'AAAA',
    });
  });

  it('reads null fields as absent', () => {
    expect(parseMessage(media({ track: null, chunk: null }, { streamId: null }))).toMatchObject({
      track: 'inbound',
      chunk: undefined,
      streamId: undefined,
    });
  });

  it.each([['not base64!'], ['AAA'], ['AA=A'], ['QR=='], ['AA AA'], ['-_-_'], ['QUJDRA']])(
    'refuses the payload %j, which is not strict base64 (ERR_INVALID_BASE64)',
    (payload) => {
      expect(() => parseMessage(media({ payload }))).toThrow(
        expect.objectContaining({ code: 'ERR_INVALID_BASE64' }),
      );
    },
  );

  it('takes a strict base64 payload, written with JSON escapes too', () => {
    expect(parseMessage(media({ payload: 'QUJDRA==' }))).toMatchObject({ payload: 'QUJDRA==' });
    const escaped = media({ payload: 'QUJDRA==' }).replace('QUJDRA==', 'QUJD\\u0052A==');
    expect(parseMessage(escaped)).toMatchObject({ payload: 'QUJDRA==' });
  });

  it.each([
    ['no media object', media({}, { media: undefined })],
    ['media as an array', media({}, { media: [] })],
    ['no payload', media({ payload: undefined })],
    ['a numeric payload', media({ payload: 12 })],
    ['an unknown track', media({ track: 'both' })],
    ['a word as chunk', media({ chunk: 'one' })],
    ['an empty string as timestamp', media({ timestamp: '' })],
    ['an object as timestamp', media({ timestamp: {} })],
    ['a boolean sequenceNumber', media({}, { sequenceNumber: false })],
    ['a numeric streamId', media({}, { streamId: 7 })],
    ['a number too large for a double', media({ timestamp: '1e999' })],
  ])('refuses a media message with %s (ERR_INVALID_MEDIA)', (_, text) => {
    expect(codeOf(text)).toBe('ERR_INVALID_MEDIA');
  });
});

describe('parseMessage: dtmf, playedStream, clearedAudio, stop', () => {
  it('reads a dtmf digit, uppercasing a-d and coercing the timestamp', () => {
    const text = `{"event":"dtmf","sequenceNumber":310,"streamId":"${STREAM}","dtmf":{"track":"inbound","digit":"b","timestamp":"1705312206180"},"extra_headers":"x=1"}`;
    expect(parseMessage(text)).toStrictEqual({
      event: 'dtmf',
      sequenceNumber: 310,
      streamId: STREAM,
      track: 'inbound',
      digit: 'B',
      timestamp: 1705312206180,
    });
  });

  it('reads a digit sent as a number', () => {
    expect(parseMessage('{"event":"dtmf","dtmf":{"digit":5}}')).toMatchObject({ digit: '5' });
  });

  it.each([['"E"'], ['"12"'], ['""'], ['null'], ['10']])(
    'refuses the dtmf digit %s (ERR_INVALID_DTMF)',
    (digit) => {
      expect(codeOf(`{"event":"dtmf","dtmf":{"digit":${digit}}}`)).toBe('ERR_INVALID_DTMF');
    },
  );

  it('refuses a dtmf message without a dtmf object', () => {
    expect(codeOf('{"event":"dtmf","digit":"5"}')).toBe('ERR_INVALID_DTMF');
  });

  it('reads playedStream, and the legacy name played, with or without streamId', () => {
    expect(
      parseMessage(
        `{"event":"playedStream","sequenceNumber":57,"streamId":"${STREAM}","name":"greeting-1"}`,
      ),
    ).toStrictEqual({
      event: 'playedStream',
      sequenceNumber: 57,
      streamId: STREAM,
      name: 'greeting-1',
    });
    expect(parseMessage('{"event":"played","name":"g"}')).toStrictEqual({
      event: 'playedStream',
      sequenceNumber: undefined,
      streamId: undefined,
      name: 'g',
    });
  });

  it('refuses a playedStream without a string name (ERR_INVALID_FIELD)', () => {
    expect(codeOf('{"event":"playedStream","name":3}')).toBe('ERR_INVALID_FIELD');
    expect(codeOf('{"event":"played"}')).toBe('ERR_INVALID_FIELD');
  });

  it('reads clearedAudio with sequenceNumber first, as captured', () => {
    expect(
      parseMessage(`{"sequenceNumber":0,"event":"clearedAudio","streamId":"${STREAM}"}`),
    ).toStrictEqual({
      event: 'clearedAudio',
      sequenceNumber: 0,
      streamId: STREAM,
    });
  });

  it('reads stop with and without a reason', () => {
    expect(
      parseMessage('{"event":"stop","sequenceNumber":900,"streamId":"s","reason":"hangup"}'),
    ).toStrictEqual({
      event: 'stop',
      sequenceNumber: 900,
      streamId: 's',
      reason: 'hangup',
    });
    expect(parseMessage('{"event":"stop"}')).toMatchObject({ event: 'stop', reason: undefined });
    expect(codeOf('{"event":"stop","reason":{}}')).toBe('ERR_INVALID_FIELD');
  });
});

describe('parseMessage: anything else', () => {
  it('returns an unknown event with the original name and the whole object', () => {
    const text = '{"event":"playFailed","streamId":"s","reason":"incorrectPayload"}';
    expect(parseMessage(text)).toStrictEqual({
      event: 'unknown',
      originalEvent: 'playFailed',
      raw: { event: 'playFailed', streamId: 's', reason: 'incorrectPayload' },
    });
  });

  it.each([
    ['ERR_INVALID_JSON', ''],
    ['ERR_INVALID_JSON', '{"event":"media"'],
    ['ERR_INVALID_JSON', 'event=media'],
    ['ERR_INVALID_MESSAGE', 'null'],
    ['ERR_INVALID_MESSAGE', '[{"event":"media"}]'],
    ['ERR_INVALID_MESSAGE', '"media"'],
    ['ERR_INVALID_MESSAGE', '{"event":1}'],
    ['ERR_INVALID_MESSAGE', '{"type":"media"}'],
  ])('throws %s for %j', (code, text) => {
    expect(codeOf(text)).toBe(code);
  });

  it('keeps the JSON error as the cause', () => {
    const err = (() => {
      try {
        parseMessage('{');
      } catch (e) {
        return e as CallstreamError;
      }
      return undefined;
    })();
    expect(err?.cause).toBeInstanceOf(SyntaxError);
  });
});
