import { describe, expect, it } from 'vitest';
import { readAnswerDocument } from './answer-document.js';

const URL = 'wss://bot.example.com/ws?s=1&amp;t=2';

describe('readAnswerDocument', () => {
  it('reads every <Stream> attribute into the stream to place', () => {
    const xml =
      `<Response><Stream bidirectional="true" audioTrack="inbound" streamTimeout="3600" ` +
      `statusCallbackUrl="https://cb.example.com/s?x=1&amp;y=2" statusCallbackMethod="GET" ` +
      `contentType="audio/x-l16;rate=16000" extraHeaders="tenant=acme,agentId=42" keepCallAlive="true">` +
      `${URL}</Stream></Response>`;
    expect(readAnswerDocument(xml, 'plivo')).toEqual({
      problems: [],
      verbs: [
        {
          verb: 'Stream',
          spec: {
            serviceUrl: 'wss://bot.example.com/ws?s=1&t=2',
            bidirectional: true,
            audioTrack: 'inbound',
            streamTimeout: 3600,
            statusCallbackUrl: 'https://cb.example.com/s?x=1&y=2',
            statusCallbackMethod: 'GET',
            contentType: 'audio/x-l16;rate=16000',
            format: { encoding: 'audio/x-l16', sampleRate: 16000 },
            tracks: ['inbound'],
            extraHeaders: [
              ['tenant', 'acme'],
              ['agentId', '42'],
            ],
            keepCallAlive: true,
            retries: 2,
          },
        },
      ],
    });
  });

  it('applies the documented defaults, and maps audioTrack and contentType', () => {
    const { verbs } = readAnswerDocument(
      `<Response><Stream audioTrack="both" contentType="audio/x-mulaw;rate=8000">${URL}</Stream>` +
        `<Stream>wss://b/</Stream><Wait length="3"/><Speak>hi</Speak><Hangup/></Response>`,
      'plivo',
    );
    expect(verbs.map((v) => (v.verb === 'Stream' ? [v.spec.tracks, v.spec.format] : v))).toEqual([
      [['inbound', 'outbound'], { encoding: 'audio/x-mulaw', sampleRate: 8000 }],
      [['inbound'], { encoding: 'audio/x-l16', sampleRate: 8000 }],
      { verb: 'Wait', seconds: 3 },
      { verb: 'held', name: 'Speak' },
      { verb: 'Hangup' },
    ]);
    const [, plain] = verbs;
    expect(plain).toMatchObject({
      spec: {
        bidirectional: false,
        keepCallAlive: false,
        streamTimeout: 86400,
        statusCallbackMethod: 'POST',
      },
    });
  });

  it('reads Vobiz maxRetries as Vobiz does: capped at 10, below 0 or not an integer as 0', () => {
    const retries = (value: string): unknown => {
      const { verbs } = readAnswerDocument(
        `<Response><Stream maxRetries="${value}">wss://b/</Stream></Response>`,
        'vobiz',
      );
      return verbs[0]?.verb === 'Stream' ? verbs[0].spec.retries : verbs;
    };
    expect([retries('3'), retries('99'), retries('-2'), retries('1.5'), retries('x')]).toEqual([
      3, 10, 0, 0, 0,
    ]);
  });

  it('takes audio/x-l16;rate=24000 on Vobiz only, as the format table of core says', () => {
    const xml =
      '<Response><Stream contentType="audio/x-l16;rate=24000">wss://b/</Stream></Response>';
    const vobiz = readAnswerDocument(xml, 'vobiz').verbs[0];
    expect(vobiz?.verb === 'Stream' && vobiz.spec.format).toEqual({
      encoding: 'audio/x-l16',
      sampleRate: 24000,
    });
    expect(readAnswerDocument(xml, 'plivo').problems.map((p) => p.code)).toEqual([
      'invalid-stream',
    ]);
  });

  it('reports every problem of the document at once and runs none of it', () => {
    const { verbs, problems } = readAnswerDocument(
      `<Response><Speak>ok</Speak><Stream bidirectional="true" audioTrack="both">${URL}</Stream>` +
        `<Stream noise="1" extraHeaders="a=1,b-c=2" statusCallbackMethod="PUT">http://not-ws/</Stream>` +
        `<Stream streamTimeout="0" contentType="audio/ogg" maxRetries="2"></Stream><Gather/></Response>`,
      'plivo',
    );
    expect(verbs).toEqual([]);
    expect(problems).toEqual([
      {
        code: 'invalid-stream',
        message: '<Stream> attribute audioTrack="both" must be inbound when bidirectional is true',
      },
      { code: 'invalid-stream', message: '<Stream> has an unknown attribute noise' },
      {
        code: 'invalid-stream',
        message: 'element text must be a ws:// or wss:// URL, got http://not-ws/',
      },
      {
        code: 'invalid-stream',
        message: '<Stream> attribute statusCallbackMethod="PUT" must be GET or POST',
      },
      {
        code: 'invalid-stream',
        message:
          '<Stream> attribute extraHeaders="a=1,b-c=2" must be k=v pairs of letters and digits separated by commas, got "b-c=2"',
      },
      { code: 'invalid-stream', message: 'element text is required (a ws:// or wss:// URL)' },
      {
        code: 'invalid-stream',
        message: '<Stream> attribute streamTimeout="0" must be a positive integer (seconds)',
      },
      {
        code: 'invalid-stream',
        message:
          '<Stream> attribute contentType="audio/ogg" must be one of audio/x-l16;rate=8000, audio/x-l16;rate=16000, audio/x-mulaw;rate=8000',
      },
      { code: 'invalid-stream', message: '<Stream> attribute maxRetries="2" is Vobiz only' },
      { code: 'unknown-verb', message: 'unknown verb <Gather>' },
    ]);
  });

  it.each([
    ['not XML', '{"stream":"wss://x"}', 'not-xml', /^not XML: expected the root element/],
    ['HTML', '<html><body>Not Found</body></html>', 'not-response', /root element is <html>/],
    ['text in Response', '<Response>wss://x/</Response>', 'not-response', /text directly inside/],
    ['a bad Wait', '<Response><Wait length="soon"/></Response>', 'invalid-verb', /length="soon"/],
    [
      'extraHeaders over 512 bytes',
      `<Response><Stream extraHeaders="a=${'b'.repeat(511)}">wss://x/</Stream></Response>`,
      'invalid-stream',
      /at most 512 bytes/,
    ],
    [
      'noiseCancellation on Vobiz',
      '<Response><Stream noiseCancellation="true">wss://x/</Stream></Response>',
      'invalid-stream',
      /not supported by Vobiz/,
    ],
  ])('reports %s', (_name, xml, code, message) => {
    const { verbs, problems } = readAnswerDocument(xml, 'vobiz');
    expect(verbs).toEqual([]);
    expect(problems[0]?.code).toBe(code);
    expect(problems[0]?.message).toMatch(message);
  });
});
