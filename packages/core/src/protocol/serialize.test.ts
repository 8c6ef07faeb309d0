import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CallstreamError } from '../errors.js';
import { parseCommand } from './parse-command.js';
import { parseMessage } from './parse.js';
import {
  serializeCheckpoint,
  serializeClearAudio,
  serializePlayAudio,
  serializePlayAudioBytes,
  serializeSendDtmf,
  serializeStopCommand,
} from './serialize.js';
import {
  serializeClearedAudio,
  serializeDtmf,
  serializeMedia,
  serializePlayedStream,
  serializeStart,
  serializeStop,
} from './serialize-platform.js';

const STREAM = 'b77e037d-4119-44b5-902d-25826b654b0e';

describe('server → platform commands', () => {
  it('writes playAudio with a bare contentType, a numeric sampleRate and the streamId', () => {
    const text = serializePlayAudio(STREAM, 'audio/x-l16', 16000, 'AAABAP//AAEA//9/AIA=');
    expect(text).toBe(
      `{"event":"playAudio","streamId":"${STREAM}","media":{"contentType":"audio/x-l16","sampleRate":16000,"payload":"AAABAP//AAEA//9/AIA="}}`,
    );
    expect(parseCommand(text)).toStrictEqual({
      event: 'playAudio',
      streamId: STREAM,
      media: { contentType: 'audio/x-l16', sampleRate: 16000, payload: 'AAABAP//AAEA//9/AIA=' },
    });
  });

  it('rebuilds the playAudio prefix when the stream or format changes', () => {
    serializePlayAudio('a', 'audio/x-l16', 16000, 'AA==');
    expect(serializePlayAudio('b', 'audio/x-mulaw', 8000, '/w==')).toBe(
      '{"event":"playAudio","streamId":"b","media":{"contentType":"audio/x-mulaw","sampleRate":8000,"payload":"/w=="}}',
    );
    expect(serializePlayAudio('b', 'audio/x-mulaw', 16000, '/w==')).toContain('"sampleRate":16000');
  });

  it('writes playAudio bytes equal to the text, base64 by the loop and by Node, for every length', () => {
    // Every length from 0 to beyond the loop's limit, and 20 ms frames of every format.
    const lengths = [...Array.from({ length: 400 }, (_, n) => n), 640, 960, 4800];
    for (const n of lengths) {
      const wire = new Uint8Array(n).map((_, i) => (i * 151 + n) & 0xff);
      const base64 = Buffer.from(wire).toString('base64');
      for (const [id, encoding, rate] of [
        [STREAM, 'audio/x-mulaw', 8000],
        ['é-"\\-😀', 'audio/x-l16', 24000],
      ] as const) {
        const bytes = serializePlayAudioBytes(id, encoding, rate, wire);
        expect(bytes.toString('utf8')).toBe(serializePlayAudio(id, encoding, rate, base64));
      }
    }
  });

  it('writes playAudio bytes from a view inside a larger buffer, and a fresh buffer each time', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 700 }), fc.nat(16), (data, skip) => {
        const big = Buffer.concat([Buffer.alloc(skip, 0xaa), Buffer.from(data), Buffer.alloc(3)]);
        const view = big.subarray(skip, skip + data.length);
        const first = serializePlayAudioBytes(STREAM, 'audio/x-l16', 16000, view);
        const text = serializePlayAudio(
          STREAM,
          'audio/x-l16',
          16000,
          Buffer.from(data).toString('base64'),
        );
        expect(first.toString('utf8')).toBe(text);
        serializePlayAudioBytes(STREAM, 'audio/x-l16', 16000, new Uint8Array(data.length).fill(1));
        expect(first.toString('utf8')).toBe(text); // the next message did not overwrite it
      }),
      { numRuns: 300 },
    );
    expect(() => serializePlayAudioBytes(STREAM, 'audio/x-mulaw', 0.5, new Uint8Array(3))).toThrow(
      /sampleRate must be a positive integer/,
    );
  });

  it('escapes a streamId that needs it', () => {
    const text = serializePlayAudio('a"b\\c', 'audio/x-mulaw', 8000, '');
    expect(JSON.parse(text)).toMatchObject({ streamId: 'a"b\\c' });
  });

  it('refuses a contentType with a rate suffix and a non-integer rate', () => {
    expect(() =>
      serializePlayAudio(STREAM, 'audio/x-mulaw;rate=8000' as 'audio/x-mulaw', 8000, ''),
    ).toThrow(CallstreamError);
    expect(() => serializePlayAudio(STREAM, 'audio/x-mulaw', Number.NaN, '')).toThrow(
      /sampleRate must be a positive integer/,
    );
  });

  it('writes checkpoint, clearAudio, sendDTMF and stop exactly', () => {
    expect(serializeCheckpoint(STREAM, 'greeting-1')).toBe(
      `{"event":"checkpoint","streamId":"${STREAM}","name":"greeting-1"}`,
    );
    expect(serializeClearAudio(STREAM)).toBe(`{"event":"clearAudio","streamId":"${STREAM}"}`);
    expect(serializeSendDtmf('123#')).toBe('{"event":"sendDTMF","dtmf":"123#"}');
    expect(serializeStopCommand(STREAM)).toBe(`{"event":"stop","streamId":"${STREAM}"}`);
  });

  it('writes commands parseCommand accepts back unchanged', () => {
    expect(parseCommand(serializeCheckpoint('s', 'n"1'))).toStrictEqual({
      event: 'checkpoint',
      streamId: 's',
      name: 'n"1',
    });
    expect(parseCommand(serializeClearAudio('s'))).toStrictEqual({
      event: 'clearAudio',
      streamId: 's',
    });
    expect(parseCommand(serializeSendDtmf('9*'))).toStrictEqual({ event: 'sendDTMF', dtmf: '9*' });
    expect(parseCommand(serializeStopCommand('s'))).toStrictEqual({ event: 'stop', streamId: 's' });
  });
});

describe('platform → server messages', () => {
  it('writes start with streamId nested and extra_headers at the top level', () => {
    const text = serializeStart({
      sequenceNumber: 1,
      callId: 'c1',
      streamId: STREAM,
      accountId: 'MAZDQ5ZTM4ODI1NTEwYT',
      tracks: ['inbound'],
      mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000 },
      extraHeaders: 'userId=12345;sessionId=abc',
    });
    expect(text).toBe(
      `{"event":"start","sequenceNumber":1,"start":{"callId":"c1","streamId":"${STREAM}","accountId":"MAZDQ5ZTM4ODI1NTEwYT","tracks":["inbound"],"mediaFormat":{"encoding":"audio/x-mulaw","sampleRate":8000}},"extra_headers":"userId=12345;sessionId=abc"}`,
    );
    expect(parseMessage(text)).toStrictEqual({
      event: 'start',
      sequenceNumber: 1,
      callId: 'c1',
      streamId: STREAM,
      accountId: 'MAZDQ5ZTM4ODI1NTEwYT',
      tracks: ['inbound'],
      mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000 },
      extraHeaders: 'userId=12345;sessionId=abc',
    });
  });

  it('leaves optional start fields out', () => {
    expect(
      serializeStart({
        callId: 'c',
        streamId: 's',
        tracks: ['inbound', 'outbound'],
        mediaFormat: { encoding: 'audio/x-l16', sampleRate: 16000 },
      }),
    ).toBe(
      '{"event":"start","start":{"callId":"c","streamId":"s","tracks":["inbound","outbound"],"mediaFormat":{"encoding":"audio/x-l16","sampleRate":16000}}}',
    );
  });

  it('writes media with the timestamp as a string of milliseconds', () => {
    const fields = {
      sequenceNumber: 42,
      streamId: STREAM,
      track: 'inbound' as const,
      timestamp: 1705312200000,
      chunk: 41,
      payload: '//79/A==',
    };
    const text = serializeMedia({ ...fields, extraHeaders: 'a=1' });
    expect(text).toBe(
      `{"event":"media","sequenceNumber":42,"streamId":"${STREAM}","media":{"track":"inbound","timestamp":"1705312200000","chunk":41,"payload":"//79/A=="},"extra_headers":"a=1"}`,
    );
    expect(parseMessage(text)).toStrictEqual({ event: 'media', ...fields });
    expect(serializeMedia(fields)).not.toContain('extra_headers');
  });

  it('writes dtmf, defaulting the track to inbound', () => {
    const text = serializeDtmf({
      sequenceNumber: 310,
      streamId: 's',
      digit: '5',
      timestamp: 1705312206180,
    });
    expect(text).toBe(
      '{"event":"dtmf","sequenceNumber":310,"streamId":"s","dtmf":{"track":"inbound","digit":"5","timestamp":"1705312206180"}}',
    );
    expect(parseMessage(text)).toStrictEqual({
      event: 'dtmf',
      sequenceNumber: 310,
      streamId: 's',
      track: 'inbound',
      digit: '5',
      timestamp: 1705312206180,
    });
  });

  it('writes playedStream with and without streamId (Vobiz omits it)', () => {
    const plivo = serializePlayedStream({ sequenceNumber: 57, streamId: 's', name: 'greeting-1' });
    expect(plivo).toBe(
      '{"event":"playedStream","sequenceNumber":57,"streamId":"s","name":"greeting-1"}',
    );
    const vobiz = serializePlayedStream({ name: 'greeting-1' });
    expect(vobiz).toBe('{"event":"playedStream","name":"greeting-1"}');
    expect(parseMessage(vobiz)).toStrictEqual({
      event: 'playedStream',
      sequenceNumber: undefined,
      streamId: undefined,
      name: 'greeting-1',
    });
  });

  it('writes clearedAudio with sequenceNumber first, as captured', () => {
    const text = serializeClearedAudio({ sequenceNumber: 0, streamId: 's' });
    expect(text).toBe('{"sequenceNumber":0,"event":"clearedAudio","streamId":"s"}');
    expect(parseMessage(text)).toStrictEqual({
      event: 'clearedAudio',
      sequenceNumber: 0,
      streamId: 's',
    });
  });

  it('writes stop with an optional reason', () => {
    const text = serializeStop({ sequenceNumber: 900, streamId: 's', reason: 'hangup' });
    expect(text).toBe('{"event":"stop","sequenceNumber":900,"streamId":"s","reason":"hangup"}');
    expect(parseMessage(text)).toStrictEqual({
      event: 'stop',
      sequenceNumber: 900,
      streamId: 's',
      reason: 'hangup',
    });
    expect(serializeStop({ streamId: 's' })).toBe('{"event":"stop","streamId":"s"}');
  });
});
