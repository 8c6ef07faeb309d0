import { isUtf8 } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createMediaDecoder, decodeWire } from '../codec/frame-codec.js';
import { CallstreamError } from '../errors.js';
import { kReceive } from '../stream/internal.js';
import { InboundReader, parseMessage, parseMessageGeneral } from './parse.js';
import {
  serializeClearedAudio,
  serializeDtmf,
  serializeMedia,
  serializePlayedStream,
  serializeStart,
  serializeStop,
} from './serialize-platform.js';
import { quietStream, STREAM_ID, typicalMedia } from './test-helpers.js';

/**
 * Bounded fuzzing of the inbound parse path (a few seconds in `pnpm test`): real messages of
 * every event, mutated at random, plus random text, through `parseMessage`, the stream's
 * `InboundReader` and a live `CallStream`. Each must give the general parser's result (plus the
 * strict payload rule), throw nothing but a `CallstreamError`, and cost time linear in the size.
 */

/** Strict standard base64, by definition: the alphabet in padded groups, and canonical. */
function isStrictBase64(text: string): boolean {
  return (
    /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text) &&
    Buffer.from(text, 'base64').toString('base64') === text
  );
}

type Outcome = { message: unknown; samples?: number[] } | { code: string };

function outcome(parse: (text: string) => unknown, text: string): Outcome {
  try {
    return { message: parse(text) };
  } catch (err) {
    if (err instanceof CallstreamError) return { code: err.code };
    throw err; // anything else fails the property
  }
}

/** The contract: the general path, and a media payload must be strict base64. */
function expected(text: string): Outcome {
  const general = outcome(parseMessageGeneral, text);
  if (!('message' in general)) return general;
  const message = general.message as { event: string; payload?: string };
  if (message.event !== 'media') return general;
  if (!isStrictBase64(message.payload as string)) return { code: 'ERR_INVALID_BASE64' };
  return general;
}

const reader = new InboundReader();
reader.decodeWith(createMediaDecoder({ encoding: 'audio/x-mulaw', sampleRate: 8000 }));

const START = serializeStart({
  sequenceNumber: 1,
  callId: 'c',
  streamId: STREAM_ID,
  accountId: 'MA1',
  tracks: ['inbound', 'outbound'],
  mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000 },
  extraHeaders: 'a=1;b=2',
});
const live = quietStream();
live[kReceive](START);
const liveErrors: string[] = [];
live.on('frameError', (err) => liveErrors.push(err.code));

/** Every path agrees on `text`, and the live stream counts it as its outcome says. */
function check(text: string): void {
  const want = expected(text);
  expect(outcome(parseMessage, text)).toStrictEqual(want);
  const got = outcome((t) => reader.read(t), text);
  if ('message' in want && (want.message as { event: string }).event === 'media') {
    const payload = (want.message as { payload: string }).payload;
    expect({ ...got, samples: Array.from(reader.samples ?? []) }).toStrictEqual({
      ...want,
      samples: Array.from(decodeWire(Buffer.from(payload, 'base64'), 'audio/x-mulaw')),
    });
  } else {
    expect(got).toStrictEqual(want);
  }
  const malformed = live.stats.malformed;
  const duplicateStart = 'message' in want && (want.message as { event: string }).event === 'start';
  live[kReceive](text); // never throws
  if ('code' in want) expect(liveErrors.at(-1)).toBe(want.code);
  expect(live.stats.malformed).toBe(malformed + ('code' in want || duplicateStart ? 1 : 0));
  checkBytes(Buffer.from(text));
}

/**
 * The reader's and the live stream's byte path: the text path's outcome on the decoded bytes;
 * for bytes that are not UTF-8, `ERR_SOCKET` and, on a stream of its own, the connection failed
 * with 1007 and nothing read after it.
 */
function checkBytes(data: Buffer): void {
  if (!isUtf8(data)) {
    expect(outcome(() => reader.readBytes(data), '')).toStrictEqual({ code: 'ERR_SOCKET' });
    const closes: number[] = [];
    const stream = quietStream({ fail: (code) => closes.push(code) });
    const errors: string[] = [];
    stream.on('frameError', (err) => errors.push(err.code));
    stream[kReceive](Buffer.from(START));
    stream[kReceive](data);
    stream[kReceive](Buffer.from(START)); // not read: it would be a duplicate start
    expect({ errors, closes, malformed: stream.stats.malformed }).toStrictEqual({
      errors: ['ERR_SOCKET'],
      closes: [1007],
      malformed: 1,
    });
    return;
  }
  const want = withSamples(outcome((t) => reader.read(t), data.toString('utf8')));
  expect(withSamples(outcome(() => reader.readBytes(data), ''))).toStrictEqual(want);
  const malformed = live.stats.malformed;
  const duplicateStart = 'message' in want && (want.message as { event: string }).event === 'start';
  live[kReceive](data); // never throws
  if ('code' in want) expect(liveErrors.at(-1)).toBe(want.code);
  expect(live.stats.malformed).toBe(malformed + ('code' in want || duplicateStart ? 1 : 0));
}

function withSamples(result: Outcome): Outcome {
  if (!('message' in result) || (result.message as { event: string }).event !== 'media') {
    return result;
  }
  return { ...result, samples: Array.from(reader.samples ?? []) };
}

const payload = fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b).toString('base64'));
const track = fc.constantFrom('inbound' as const, 'outbound' as const);
const message = fc.oneof(
  fc
    .record({ seq: fc.nat(), chunk: fc.nat(), ts: fc.nat(), payload, track })
    .map(({ seq, chunk, ts, payload, track }) =>
      serializeMedia({
        sequenceNumber: seq,
        streamId: STREAM_ID,
        track,
        timestamp: 1_705_312_200_000 + ts,
        chunk,
        payload,
        extraHeaders: 'a=1',
      }),
    ),
  fc.constant(START),
  fc
    .record({ digit: fc.constantFrom(...'0123456789*#ABCD'), track })
    .map(({ digit, track }) =>
      serializeDtmf({ sequenceNumber: 3, streamId: STREAM_ID, track, digit, timestamp: 5 }),
    ),
  fc.constant(serializePlayedStream({ sequenceNumber: 4, streamId: STREAM_ID, name: 'm-1' })),
  fc.constant(serializeClearedAudio({ sequenceNumber: 5, streamId: STREAM_ID })),
  fc.constant(serializeStop({ sequenceNumber: 6, streamId: STREAM_ID, reason: 'hangup' })),
);

/** One edit of a message: what a broken or hostile sender produces. */
const edit = fc.record({
  kind: fc.constantFrom('truncate', 'delete', 'insert', 'replace', 'duplicate', 'swap'),
  at: fc.nat(),
  length: fc.integer({ min: 1, max: 40 }),
  text: fc.oneof(
    fc.constantFrom(...'"{}[],:\\ 0159-.eE+ntfAZ=/\u0000\u001f\u00e9\ud800'.split('')),
    fc.constantFrom('null', 'true', '"x"', '{}', '[]', '1e400', '-0', '"007"', '\\u0041', '\\"'),
    fc.string({ maxLength: 8 }),
  ),
});
type Edit = typeof edit extends fc.Arbitrary<infer T> ? T : never;

function apply(text: string, e: Edit): string {
  const at = e.at % (text.length + 1);
  const end = Math.min(text.length, at + e.length);
  switch (e.kind) {
    case 'truncate':
      return text.slice(0, at);
    case 'delete':
      return text.slice(0, at) + text.slice(end);
    case 'insert':
      return text.slice(0, at) + e.text + text.slice(at);
    case 'replace':
      return text.slice(0, at) + e.text + text.slice(end);
    case 'duplicate':
      return text.slice(0, end) + text.slice(at, end) + text.slice(end);
    default: {
      const other = (at * 7919) % (text.length + 1);
      const [a, b] = at < other ? [at, other] : [other, at];
      return (
        text.slice(0, a) +
        text.slice(b, b + 1) +
        text.slice(a + 1, b) +
        text.slice(a, a + 1) +
        text.slice(b + 1)
      );
    }
  }
}

describe('fuzzing the inbound parse path', () => {
  it('gives the general result, or its CallstreamError, for mutated messages of every event', () => {
    fc.assert(
      fc.property(message, fc.array(edit, { minLength: 0, maxLength: 4 }), (text, edits) => {
        check(edits.reduce(apply, text));
      }),
      { numRuns: 4000 },
    );
  });

  it('gives the general result, or its CallstreamError, for random text', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 120 }),
          fc.string({ unit: 'binary', maxLength: 120 }),
          fc.json({ maxDepth: 3 }).map((j) => `{"event":"media",${j.slice(1)}`),
          fc.json({ maxDepth: 3 }),
        ),
        check,
      ),
      { numRuns: 800 },
    );
  });

  it('gives the text path result, or fails the connection on invalid UTF-8, for the bytes of messages with random bytes', () => {
    const bytes = fc.uint8Array({ minLength: 1, maxLength: 4 });
    fc.assert(
      fc.property(message, fc.nat(), bytes, fc.boolean(), (text, at, inserted, replace) => {
        const data = Buffer.from(text);
        const i = at % (data.length + 1);
        const rest = data.subarray(replace ? Math.min(i + inserted.length, data.length) : i);
        checkBytes(Buffer.concat([data.subarray(0, i), inserted, rest]));
      }),
      { numRuns: 2000 },
    );
  });

  it('costs time linear in the size: a slice repeated to 32 KB parses within a factor of a normal frame per character', () => {
    const normal = typicalMedia();
    const run = (text: string): void => {
      try {
        parseMessage(text);
      } catch (err) {
        if (!(err instanceof CallstreamError)) throw err;
      }
      live[kReceive](text);
    };
    const perChar = (text: string, calls: number, rounds: number): number => {
      let best = Infinity;
      for (let r = 0; r < rounds; r++) {
        const start = process.hrtime.bigint();
        for (let i = 0; i < calls; i++) run(text);
        best = Math.min(best, Number(process.hrtime.bigint() - start) / calls);
      }
      return best / text.length;
    };
    const base = perChar(normal, 2000, 5);
    const over: { text: string; ratio: number }[] = [];
    fc.assert(
      fc.property(message, fc.nat(), fc.integer({ min: 1, max: 30 }), (text, at, length) => {
        const from = at % text.length;
        const slice = text.slice(from, from + length);
        const times = Math.ceil(32_768 / slice.length);
        const big = text.slice(0, from) + slice.repeat(times) + text.slice(from);
        const ratio = perChar(big, 1, 3) / base;
        if (ratio > 100) over.push({ text: `${big.slice(0, 80)}…`, ratio: Math.round(ratio) });
      }),
      { numRuns: 40 },
    );
    expect(over).toEqual([]);
  });
});
