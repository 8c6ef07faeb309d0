import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CallstreamError } from '../errors.js';
import { isNumericText } from './fields.js';
import { createMediaDecoder } from '../codec/frame-codec.js';
import { InboundReader, parseMessage } from './parse.js';

/** Parses, and fails the property on anything thrown that is not a CallstreamError. */
function parsesOrRefuses(text: string): void {
  try {
    const msg = parseMessage(text);
    expect(typeof msg.event).toBe('string');
  } catch (err) {
    if (!(err instanceof CallstreamError)) throw err;
    expect(err.code).toMatch(/^ERR_INVALID_(JSON|MESSAGE|START|MEDIA|DTMF|FIELD|BASE64)$/);
  }
}

/** Every UTF-16 code unit, lone surrogates included. */
const anyCodeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));

const validMessages = [
  {
    event: 'start',
    sequenceNumber: 1,
    start: {
      callId: 'c',
      streamId: 's',
      accountId: 'MA1',
      tracks: ['inbound', 'outbound'],
      mediaFormat: { encoding: 'audio/x-l16', sampleRate: 16000 },
    },
    extra_headers: 'a=1;b=2',
  },
  {
    event: 'media',
    sequenceNumber: 2,
    streamId: 's',
    media: { track: 'outbound', timestamp: '1705312200000', chunk: 1, payload: 'AAAA' },
    extra_headers: '{}',
  },
  {
    event: 'dtmf',
    sequenceNumber: 3,
    streamId: 's',
    dtmf: { track: 'inbound', digit: '#', timestamp: '5' },
  },
  { event: 'playedStream', sequenceNumber: 4, streamId: 's', name: 'n' },
  { sequenceNumber: 5, event: 'clearedAudio', streamId: 's' },
  { event: 'stop', sequenceNumber: 6, streamId: 's', reason: 'r' },
];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Paths to every value inside a JSON value. */
function paths(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  const out = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...prefix, i])));
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
  }
  return out;
}

/** A copy of `value` with the value at `path` replaced (or deleted when `replacement` is undefined). */
function mutate(value: Json, path: (string | number)[], replacement: Json | undefined): Json {
  if (path.length === 0) return replacement ?? null;
  const [head, ...rest] = path as [string | number, ...(string | number)[]];
  const copy: Json = Array.isArray(value) ? [...value] : { ...(value as Record<string, Json>) };
  const container = copy as Record<string | number, Json>;
  if (rest.length === 0 && replacement === undefined) {
    if (Array.isArray(copy)) copy.splice(head as number, 1);
    else delete container[head];
  } else {
    container[head] = mutate(container[head] as Json, rest, replacement);
  }
  return copy;
}

/** The stream's byte path, before and after start, on any bytes: a message or a CallstreamError. */
const readers = [new InboundReader(), new InboundReader()];
readers[1]?.decodeWith(createMediaDecoder({ encoding: 'audio/x-l16', sampleRate: 16000 }));
function readsOrRefuses(data: Uint8Array): void {
  for (const reader of readers) {
    try {
      expect(typeof reader.readBytes(Buffer.from(data)).event).toBe('string');
    } catch (err) {
      if (!(err instanceof CallstreamError)) throw err;
      expect(err.code).toMatch(
        /^ERR_(INVALID_(JSON|MESSAGE|START|MEDIA|DTMF|FIELD|BASE64)|ODD_LENGTH|SOCKET)$/,
      );
    }
  }
}

describe('InboundReader.readBytes on arbitrary input', () => {
  it('returns a message or throws a CallstreamError for any bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), readsOrRefuses), { numRuns: 2000 });
  });

  it('returns a message or throws a CallstreamError for a media prefix followed by any bytes', () => {
    const prefix = Buffer.from('{"event":"media","sequenceNumber":1,"streamId":"s","media":{');
    const data = fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.concat([prefix, b]));
    fc.assert(fc.property(data, readsOrRefuses), { numRuns: 1000 });
  });
});

describe('parseMessage on arbitrary input', () => {
  it('returns a message or throws a CallstreamError for any string', () => {
    fc.assert(fc.property(fc.string({ unit: anyCodeUnit, maxLength: 200 }), parsesOrRefuses), {
      numRuns: 2000,
    });
  });

  it('returns a message or throws a CallstreamError for any JSON text', () => {
    const text = fc.oneof(
      fc.json({ maxDepth: 4 }),
      fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value)),
    );
    fc.assert(fc.property(text, parsesOrRefuses), { numRuns: 2000 });
  });

  it('returns a message or throws a CallstreamError for any JSON object with a known event', () => {
    const event = fc.constantFrom(
      'start',
      'media',
      'dtmf',
      'playedStream',
      'played',
      'clearedAudio',
      'stop',
    );
    const message = fc
      .tuple(event, fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 })))
      .map(([e, rest]) => JSON.stringify({ ...rest, event: e }));
    fc.assert(fc.property(message, parsesOrRefuses), { numRuns: 2000 });
  });

  it('returns a message or throws a CallstreamError for valid messages with a field deleted or retyped', () => {
    const mutated = fc
      .constantFrom(...(validMessages as unknown as Json[]))
      .chain((message) =>
        fc.tuple(
          fc.constant(message),
          fc.constantFrom(...paths(message)),
          fc.option(fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>, { nil: undefined }),
        ),
      )
      .map(([message, path, replacement]) => JSON.stringify(mutate(message, path, replacement)));
    fc.assert(fc.property(mutated, parsesOrRefuses), { numRuns: 3000 });
  });

  it('parses every unmutated valid message', () => {
    for (const message of validMessages) {
      expect(parseMessage(JSON.stringify(message)).event).toBe(
        message.event === 'played' ? 'playedStream' : message.event,
      );
    }
  });

  it('drops an extra_headers object nested deeper than JSON.stringify can recurse', () => {
    const deep = `${'{"a":'.repeat(200_000)}1${'}'.repeat(200_000)}`;
    const text = `{"event":"start","start":{"callId":"c","streamId":"s","tracks":["inbound"],"mediaFormat":{"encoding":"audio/x-mulaw","sampleRate":8000}},"extra_headers":${deep}}`;
    expect(parseMessage(text)).toMatchObject({ event: 'start', extraHeaders: undefined });
  });

  it('keeps an extra_headers object as its JSON text', () => {
    const text = `{"event":"start","start":{"callId":"c","streamId":"s","tracks":["inbound"],"mediaFormat":{"encoding":"audio/x-mulaw","sampleRate":8000}},"extra_headers":{"a":"1"}}`;
    expect(parseMessage(text)).toMatchObject({ extraHeaders: '{"a":"1"}' });
  });
});

describe('isNumericText', () => {
  // The expression it replaces, as the definition (it backtracks, so only on short text).
  const NUMERIC = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
  const numberish = fc.string({
    unit: fc.constantFrom(...'0123456789.eE+- x'.split('')),
    maxLength: 12,
  });

  it('accepts exactly what the decimal-number expression accepts', () => {
    fc.assert(
      fc.property(numberish, (text) => {
        expect(isNumericText(text)).toBe(NUMERIC.test(text));
      }),
      { numRuns: 5000 },
    );
    for (const text of ['007', '.5', '1.', '-0', '1e5', '1E+5', '2.5e-3', '-.5'])
      expect(isNumericText(text)).toBe(true);
    for (const text of [
      '',
      '-',
      '.',
      'e5',
      '1e',
      '1e+',
      '+1',
      ' 1',
      '1 ',
      '0x1',
      'Infinity',
      '1..2',
    ])
      expect(isNumericText(text)).toBe(false);
  });
});
