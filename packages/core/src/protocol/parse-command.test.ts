import { describe, expect, it } from 'vitest';
import { CallstreamError } from '../errors.js';
import { parseCommand } from './parse-command.js';

function refusal(text: string): { code: string; message: string } | undefined {
  try {
    parseCommand(text);
    return undefined;
  } catch (err) {
    if (!(err instanceof CallstreamError)) throw err;
    return { code: err.code, message: err.message };
  }
}

const playAudio = (media: Record<string, unknown>, top: Record<string, unknown> = {}): string =>
  JSON.stringify({
    event: 'playAudio',
    streamId: 's1',
    media: { contentType: 'audio/x-mulaw', sampleRate: 8000, payload: '/w==', ...media },
    ...top,
  });

describe('parseCommand', () => {
  it('reads each command of PROTOCOL.md §3', () => {
    expect(parseCommand(playAudio({}))).toStrictEqual({
      event: 'playAudio',
      streamId: 's1',
      media: { contentType: 'audio/x-mulaw', sampleRate: 8000, payload: '/w==' },
    });
    expect(parseCommand('{"event":"checkpoint","streamId":"s1","name":"g"}')).toStrictEqual({
      event: 'checkpoint',
      streamId: 's1',
      name: 'g',
    });
    expect(parseCommand('{"event":"clearAudio","streamId":"s1"}')).toStrictEqual({
      event: 'clearAudio',
      streamId: 's1',
    });
    expect(parseCommand('{"event":"sendDTMF","dtmf":"123#"}')).toStrictEqual({
      event: 'sendDTMF',
      dtmf: '123#',
    });
    expect(parseCommand('{"event":"stop","streamId":"s1"}')).toStrictEqual({
      event: 'stop',
      streamId: 's1',
    });
  });

  it('refuses a contentType with a ;rate= suffix, naming the rule', () => {
    expect(refusal(playAudio({ contentType: 'audio/x-mulaw;rate=8000' }))).toStrictEqual({
      code: 'ERR_INVALID_FIELD',
      message: expect.stringMatching(
        /contentType "audio\/x-mulaw;rate=8000" must be bare/,
      ) as string,
    });
  });

  it.each([
    ['an unknown contentType', { contentType: 'audio/wav' }, /not audio\/x-l16 or audio\/x-mulaw/],
    [
      'an uppercase contentType',
      { contentType: 'audio/X-L16' },
      /not audio\/x-l16 or audio\/x-mulaw/,
    ],
    ['no sampleRate', { sampleRate: undefined }, /sampleRate is nothing, not a number/],
    ['a string sampleRate', { sampleRate: '8000' }, /sampleRate is "8000", not a number/],
    ['a fractional sampleRate', { sampleRate: 8000.5 }, /not a positive integer/],
    ['a negative sampleRate', { sampleRate: -8000 }, /not a positive integer/],
    ['a payload that is not a string', { payload: [1, 2] }, /payload is an array/],
    ['no payload', { payload: undefined }, /payload is nothing/],
  ])('refuses playAudio with %s', (_, media, message) => {
    const result = refusal(playAudio(media));
    expect(result?.code).toBe('ERR_INVALID_FIELD');
    expect(result?.message).toMatch(message);
  });

  it.each([
    ['playAudio', playAudio({}, { streamId: undefined })],
    ['playAudio', playAudio({}, { streamId: '' })],
    ['checkpoint', '{"event":"checkpoint","name":"g"}'],
    ['clearAudio', '{"event":"clearAudio"}'],
    ['stop', '{"event":"stop","streamId":5}'],
  ])('refuses %s without a streamId', (event, text) => {
    expect(refusal(text)).toStrictEqual({
      code: 'ERR_INVALID_FIELD',
      message: expect.stringContaining(`${event} streamId is`) as string,
    });
  });

  it('refuses playAudio without a media object, a checkpoint without a name, sendDTMF without digits', () => {
    expect(refusal('{"event":"playAudio","streamId":"s"}')?.message).toMatch(/media is nothing/);
    expect(refusal('{"event":"checkpoint","streamId":"s","name":""}')?.code).toBe(
      'ERR_INVALID_FIELD',
    );
    expect(refusal('{"event":"sendDTMF","dtmf":12}')?.message).toMatch(/dtmf is 12/);
  });

  it.each([
    ['ERR_INVALID_JSON', 'playAudio'],
    ['ERR_INVALID_JSON', '{"event":"clearAudio","streamId":"s"'],
    ['ERR_INVALID_MESSAGE', '[]'],
    ['ERR_INVALID_MESSAGE', '{"streamId":"s"}'],
    ['ERR_INVALID_MESSAGE', '{"event":"sendDtmf","dtmf":"1"}'],
    ['ERR_INVALID_MESSAGE', '{"event":"media","streamId":"s"}'],
  ])('throws %s for %j', (code, text) => {
    expect(refusal(text)?.code).toBe(code);
  });

  it('names an unknown event and the ones it expected', () => {
    expect(refusal('{"event":"sendDtmf","dtmf":"1"}')?.message).toMatch(
      /Unknown command event "sendDtmf" \(expected playAudio, checkpoint, clearAudio, sendDTMF or stop\)/,
    );
  });
});
