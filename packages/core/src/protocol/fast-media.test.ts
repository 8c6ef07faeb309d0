import { isUtf8 } from 'node:buffer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CallstreamError } from '../errors.js';
import { createMediaDecoder, decodeWire } from '../codec/frame-codec.js';
import { MEDIA_PREFIX, parseMediaFast } from './fast-media.js';
import { InboundReader, parseMessage, parseMessageGeneral } from './parse.js';

type Outcome = { message: unknown } | { code: string };

function outcome(parse: (text: string) => unknown, text: string): Outcome {
  try {
    return { message: parse(text) };
  } catch (err) {
    if (err instanceof CallstreamError) return { code: err.code };
    throw err;
  }
}

/** Strict standard base64, by definition: the alphabet in padded groups, and canonical. */
function isStrictBase64(text: string): boolean {
  return (
    /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text) &&
    Buffer.from(text, 'base64').toString('base64') === text
  );
}

/** The contract of parseMessage: the general path, and a media payload must be strict base64. */
function expected(text: string): Outcome {
  const general = outcome(parseMessageGeneral, text);
  const message =
    'message' in general ? (general.message as { event: string; payload?: string }) : undefined;
  if (message?.event === 'media' && !isStrictBase64(message.payload as string)) {
    return { code: 'ERR_INVALID_BASE64' };
  }
  return general;
}

const reader = new InboundReader();
reader.decodeWith(createMediaDecoder({ encoding: 'audio/x-mulaw', sampleRate: 8000 }));
/** The stream's per-frame path (`readMedia`), for mu-law and for L16. */
const mediaReaders = (['audio/x-mulaw', 'audio/x-l16'] as const).map((encoding) => {
  const r = new InboundReader();
  r.decodeWith(createMediaDecoder({ encoding, sampleRate: 8000 }));
  return { r, encoding };
});

/**
 * `readMedia` on `data` decides exactly when `decided` (the byte fast path read a media message
 * with a strict base64 payload, and for L16 an even number of bytes), with the fields of
 * `message` and the samples of its payload; otherwise it reads nothing.
 */
function readMediaAgrees(data: Buffer, decided: boolean, message: unknown): void {
  for (const { r, encoding } of mediaReaders) {
    const payload = decided ? (message as { payload: string }).payload : '';
    const bytes = Buffer.from(payload, 'base64');
    const expectRead = decided && (encoding === 'audio/x-mulaw' || bytes.length % 2 === 0);
    r.samples = undefined;
    expect(r.readMedia(data)).toBe(expectRead);
    if (!expectRead) {
      expect(r.samples).toBeUndefined();
      continue;
    }
    const { sequenceNumber, track, timestamp, chunk } = message as Record<string, unknown>;
    expect({
      sequenceNumber: r.sequenceNumber,
      track: r.track,
      timestamp: r.timestamp,
      chunk: r.chunk,
      payload: data.toString('latin1', r.payloadStart, r.payloadEnd),
      samples: Array.from(r.samples ?? []),
    }).toStrictEqual({
      sequenceNumber,
      track,
      timestamp,
      chunk,
      payload,
      samples: Array.from(decodeWire(bytes, encoding)),
    });
  }
}

/** The stream's path: the same outcome, and for media the samples of the payload. */
function streamOutcome(text: string): Outcome & { samples?: number[] } {
  const result = outcome((t) => reader.read(t), text);
  if (!('message' in result) || (result.message as { event: string }).event !== 'media') {
    return result;
  }
  return { ...result, samples: Array.from(reader.samples ?? []) };
}

/** How often the byte path decided, for the tests that must not be vacuous. */
let bytesDecided = 0;

/**
 * The stream's byte path: for valid UTF-8, exactly what the text path gives on its decoding
 * (message, error, samples); for anything else `ERR_SOCKET`, as ws reports invalid UTF-8. When the byte fast path
 * decides, its message is the general parser's. Returns whether it decided.
 */
function bytesAgree(data: Buffer): boolean {
  const result = outcome(() => reader.readBytes(data), '');
  const got =
    'message' in result && (result.message as { event: string }).event === 'media'
      ? { ...result, samples: Array.from(reader.samples ?? []) }
      : result;
  expect(got).toStrictEqual(
    isUtf8(data) ? streamOutcome(data.toString('utf8')) : { code: 'ERR_SOCKET' },
  );
  // The byte path's fast path decides where the text fast path decides on ASCII bytes, and only
  // there: a byte above 0x7f is left to the general path.
  const latin1 = data.toString('latin1');
  // eslint-disable-next-line no-control-regex
  const fast = /^[\x00-\x7f]*$/.test(latin1) ? parseMediaFast(latin1) : undefined;
  const decided = fast !== undefined && isStrictBase64(fast.payload);
  readMediaAgrees(data, decided, fast);
  if (!decided) return false;
  expect({ message: fast }).toStrictEqual(outcome(parseMessageGeneral, data.toString('utf8')));
  bytesDecided++;
  return true;
}

/**
 * The fast path either declines or gives exactly the general result, parseMessage agrees with
 * the general path plus the strict payload check, and so does the stream's reader, with the
 * samples of the payload. Returns whether the fast path decided.
 */
function agrees(text: string): boolean {
  const want = expected(text);
  expect(outcome(parseMessage, text)).toStrictEqual(want);
  const payload =
    'message' in want && (want.message as { event: string }).event === 'media'
      ? (want.message as { payload: string }).payload
      : undefined;
  expect(streamOutcome(text)).toStrictEqual(
    payload === undefined
      ? want
      : {
          ...want,
          samples: Array.from(decodeWire(Buffer.from(payload, 'base64'), 'audio/x-mulaw')),
        },
  );
  const fast = parseMediaFast(text);
  const decided = fast !== undefined && isStrictBase64(fast.payload);
  // The bytes of the text decide exactly when the text does, unless it holds non-ASCII.
  // eslint-disable-next-line no-control-regex
  expect(bytesAgree(Buffer.from(text))).toBe(decided && /^[\x00-\x7f]*$/.test(text));
  if (!decided) return false;
  expect({ message: fast }).toStrictEqual(outcome(parseMessageGeneral, text));
  return true;
}

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

// Pieces of JSON text: "clean" ones are what platforms send, "odd" ones are legal or not.
const integer = fc.oneof(fc.integer({ min: 0, max: 2 ** 46 }), fc.integer({ min: -99, max: 99 }));
const cleanNumber = fc.oneof(
  integer.map(String),
  integer.map((n) => `"${n}"`),
  fc.constantFrom('"007"', '"-0"', '-0', '0'),
);
const oddNumber = fc.constantFrom(
  ...['1.5', '"1.5"', '1e3', '"1e3"', '007', 'null', '"x"', '""', 'true', '[]', '- 1', '1.'],
  ...[
    '12345678901234567',
    '"12345678901234567"',
    '1234567890123456',
    '"-1234567890123456"',
    '"\\u0031"',
    '+1',
    '"Infinity"',
    '"1 "',
  ],
);
const cleanPayload = fc.uint8Array({ maxLength: 1000 }).map((bytes) => `"${b64(bytes)}"`);
const oddPayload = fc.oneof(
  fc.constantFrom(
    ...['"AAAA\\/"', '"\\u0041AAA"', '"AA AA"', '"AA\nA"', '"AA\u0001A"', '"-_-_"', '"AAé="'],
    ...['"QQ==QUJD"', '"QUJDQ="', '"QUJD\u0001="', '"AAAAA"', '"A"', '"=="', '"QQ==="', '12'],
    ...['null', '"AAAA\\"', '"AAAA\\\\"', '{"a":1}', '"\ud800AAA"', '"AA\u0141A"'],
  ),
  fc.string({ maxLength: 12 }).map((s) => JSON.stringify(s)),
);
/** What keeps a string from being plain JSON content: quote, backslash, control, lone surrogate. */
// eslint-disable-next-line no-control-regex
const NOT_PLAIN = /["\\\0-\x1f\ud800-\udfff]/;
const cleanString = fc
  .oneof(
    fc.uuid(),
    fc.string({ unit: 'binary', maxLength: 20 }).filter((s) => !NOT_PLAIN.test(s)),
  )
  .map((s) => JSON.stringify(s));
const oddString = fc.oneof(
  fc.string({ maxLength: 10 }).map((s) => JSON.stringify(s)),
  fc.constantFrom('"a\\u0062c"', '"tab\there"', '7', 'null', '{}', '"\\""'),
);
const cleanTrack = fc.constantFrom('"inbound"', '"outbound"');
const oddTrack = fc.constantFrom('"both"', '"INBOUND"', 'null', '1', '"in\\u0062ound"');

interface Parts {
  sequenceNumber: string;
  streamId: string;
  track: string;
  timestamp: string;
  chunk: string;
  payload: string;
  extraHeaders: string | undefined;
}

function parts(clean: boolean): fc.Arbitrary<Parts> {
  const pick = (good: fc.Arbitrary<string>, odd: fc.Arbitrary<string>): fc.Arbitrary<string> =>
    clean ? good : fc.oneof({ arbitrary: good, weight: 5 }, { arbitrary: odd, weight: 1 });
  return fc.record({
    sequenceNumber: pick(cleanNumber, oddNumber),
    streamId: pick(cleanString, oddString),
    track: pick(cleanTrack, oddTrack),
    timestamp: pick(cleanNumber, oddNumber),
    chunk: pick(cleanNumber, oddNumber),
    payload: pick(cleanPayload, oddPayload),
    extraHeaders: fc.option(pick(cleanString, oddString), { nil: undefined }),
  });
}

/** The layout platforms send (PROTOCOL.md §2). */
const canonical = (p: Parts): string =>
  `{"event":"media","sequenceNumber":${p.sequenceNumber},"streamId":${p.streamId},"media":{"track":${p.track},"timestamp":${p.timestamp},"chunk":${p.chunk},"payload":${p.payload}}${p.extraHeaders === undefined ? '' : `,"extra_headers":${p.extraHeaders}`}}`;

type Entry = [key: string, value: string];
const ws = fc.constantFrom('', '', ' ', '\n', '\t', '\r\n  ');

/** The same members in any order, some left out, with whitespace and extra keys. */
function reordered(clean: boolean): fc.Arbitrary<string> {
  const object = (entries: Entry[], gap: string): string =>
    entries.map(([k, v]) => `${gap}${k}${gap}:${gap}${v}${gap}`).join(',');
  const extra = fc.constantFrom<Entry>(
    ['"x"', '1'],
    ['"payload"', '"AAAA"'],
    ['"event"', '"dtmf"'],
    ['"sequenceNumber"', '2'],
    ['"\\u0065vent"', '"x"'],
  );
  return fc
    .record({
      p: parts(clean),
      gap: ws,
      more: fc.option(extra, { nil: undefined }),
      mediaOrder: fc.shuffledSubarray([0, 1, 2, 3]),
      topOrder: fc.shuffledSubarray([0, 1, 2, 3, 4], { minLength: 5 }),
    })
    .map(({ p, gap, more, mediaOrder, topOrder }) => {
      const mediaAll: Entry[] = [
        ['"track"', p.track],
        ['"timestamp"', p.timestamp],
        ['"chunk"', p.chunk],
        ['"payload"', p.payload],
      ];
      const media = object(
        mediaOrder.map((i) => mediaAll[i] as Entry),
        gap,
      );
      const topAll: (Entry | undefined)[] = [
        ['"sequenceNumber"', p.sequenceNumber],
        ['"streamId"', p.streamId],
        ['"media"', `{${media}}`],
        p.extraHeaders === undefined ? undefined : ['"extra_headers"', p.extraHeaders],
        more,
      ];
      const top = topOrder.map((i) => topAll[i]).filter((e): e is Entry => e !== undefined);
      return `${MEDIA_PREFIX},${object(top, gap)}}`;
    });
}

type Mutation = { kind: 'truncate' | 'delete' | 'insert' | 'replace'; at: number; char: string };
const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom('truncate', 'delete', 'insert', 'replace'),
  at: fc.nat(),
  char: fc.constantFrom(...'"{}[],:\\ 0159-.eE+ntfAZ=/\u0000\u001f\u00e9\ud800'.split('')),
});

function applyMutation(text: string, m: Mutation): string {
  const at = m.at % (text.length + 1);
  if (m.kind === 'truncate') return text.slice(0, at);
  if (m.kind === 'delete') return text.slice(0, at) + text.slice(at + 1);
  if (m.kind === 'insert') return text.slice(0, at) + m.char + text.slice(at);
  return text.slice(0, at) + m.char + text.slice(at + 1);
}

describe('the media fast path', () => {
  it('decides every media message in the platforms layout, exactly as the general path does', () => {
    const before = bytesDecided;
    fc.assert(
      fc.property(parts(true), (p) => {
        expect(agrees(canonical(p))).toBe(true);
      }),
      { numRuns: 2000 },
    );
    // The byte path declines only texts with non-ASCII characters (some stream ids here).
    expect(bytesDecided - before).toBeGreaterThan(1000);
  });

  it('agrees with the general path on that layout with odd values, escapes and invalid text', () => {
    let decided = 0;
    fc.assert(
      fc.property(parts(false), (p) => {
        if (agrees(canonical(p))) decided++;
      }),
      { numRuns: 3000 },
    );
    // Not vacuous: with one odd value in six, about a third of these still have the clean shape.
    expect(decided).toBeGreaterThan(300);
  });

  it('agrees with the general path on other key orders, missing keys, whitespace and extra keys', () => {
    fc.assert(
      fc.property(fc.oneof(reordered(true), reordered(false)), (text) => {
        agrees(text);
      }),
      { numRuns: 2000 },
    );
  });

  it('agrees with the general path on truncated and mutated media messages', () => {
    fc.assert(
      fc.property(parts(true), fc.array(mutation, { minLength: 1, maxLength: 3 }), (p, ms) => {
        agrees(ms.reduce(applyMutation, canonical(p)));
      }),
      { numRuns: 3000 },
    );
  });

  it('agrees with the general path on the prefix followed by anything', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (tail) => {
        agrees(MEDIA_PREFIX + tail);
      }),
      { numRuns: 1000 },
    );
  });

  it('decides the 20 ms payload sizes of every format (160, 320, 640, 960 bytes)', () => {
    for (const bytes of [160, 320, 640, 960]) {
      const payload = b64(new Uint8Array(bytes).map((_, i) => i * 7));
      const text = `{"event":"media","sequenceNumber":42,"streamId":"s","media":{"track":"inbound","timestamp":"1705312200000","chunk":41,"payload":"${payload}"},"extra_headers":"a=1"}`;
      expect(parseMediaFast(text)).toStrictEqual({
        event: 'media',
        sequenceNumber: 42,
        streamId: 's',
        track: 'inbound',
        timestamp: 1705312200000,
        chunk: 41,
        payload,
      });
    }
  });

  const body =
    '"sequenceNumber":1,"streamId":"s","media":{"track":"inbound","timestamp":"1","chunk":1';
  it.each([
    ['a second event key', `{"event":"media",${body},"payload":"AAAA"},"event":"dtmf"}`],
    ['a fraction', `{"event":"media",${body}.5,"payload":"AAAA"}}`],
    ['text after the object', `{"event":"media",${body},"payload":"AAAA"}}x`],
  ])('leaves %s to the general path', (_, text) => {
    expect(parseMediaFast(text)).toBeUndefined();
  });

  it('leaves a payload that is not plain base64 to the general path, which decides', () => {
    const control = `{"event":"media",${body},"payload":"AA\u0001A"}}`;
    expect(outcome(parseMessage, control)).toStrictEqual({ code: 'ERR_INVALID_JSON' });
    const escaped = `{"event":"media",${body},"payload":"AA\\/A"}}`;
    expect(parseMessage(escaped)).toMatchObject({ event: 'media', payload: 'AA/A' });
    expect(outcome(parseMessage, `{"event":"media",${body},"payload":"AA A"}}`)).toStrictEqual({
      code: 'ERR_INVALID_BASE64',
    });
    for (const text of [control, escaped]) agrees(text);
  });

  it('reads a payload larger than its scratch buffer exactly', () => {
    const payload = 'A'.repeat(24_000);
    const text = `{"event":"media",${body},"payload":"${payload}"}}`;
    expect(parseMessage(text)).toMatchObject({ event: 'media', payload });
    expect(outcome(parseMessage, `{"event":"media",${body},"payload":"${payload}A"}}`)).toEqual({
      code: 'ERR_INVALID_BASE64',
    });
  });

  it('reads the bytes of a message as the general parser reads its text, whatever the bytes', () => {
    // Bytes above 0x7f anywhere: multi-byte characters, cut or stray continuation bytes,
    // overlong forms, surrogates and the like, in the payload or in the other fields.
    const odd = fc.constantFrom(
      ...[[0xc3, 0xa9], [0xe2, 0x82, 0xac], [0xf0, 0x9f, 0x98, 0x80], [0xc3], [0xa9], [0xe2, 0x82]],
      ...[[0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xff], [0xfe, 0xff], [0x80]],
    );
    const edit = fc.record({ at: fc.nat(), bytes: odd, replace: fc.boolean() });
    fc.assert(
      fc.property(parts(true), fc.array(edit, { minLength: 1, maxLength: 3 }), (p, edits) => {
        let data = Buffer.from(canonical(p));
        for (const { at, bytes, replace } of edits) {
          const i = at % (data.length + 1);
          const rest = data.subarray(replace ? Math.min(i + bytes.length, data.length) : i);
          data = Buffer.concat([data.subarray(0, i), Buffer.from(bytes), rest]);
        }
        bytesAgree(data);
      }),
      { numRuns: 3000 },
    );
  });

  it('gives multi-byte characters in the fields other than the payload the general result', () => {
    const reader0 = new InboundReader();
    for (const streamId of ['é', 'caf\u00e9', '😀-€', 'Ł']) {
      for (const extra of ['', ',"extra_headers":"ü=1"', ',"extra_headers":"a=1"']) {
        const text = `{"event":"media","sequenceNumber":1,"streamId":"${streamId}","media":{"track":"inbound","timestamp":"1","chunk":1,"payload":"AAAA"}${extra}}`;
        expect(bytesAgree(Buffer.from(text))).toBe(false);
        const message = reader.readBytes(Buffer.from(text));
        expect(message).toStrictEqual(parseMessageGeneral(text));
        expect(message).toMatchObject({ streamId: JSON.parse(`"${streamId}"`) as string });
        // Before start (no decoder), the same: the general parser on the decoded text.
        expect(reader0.readBytes(Buffer.from(text))).toStrictEqual(parseMessageGeneral(text));
      }
    }
  });

  it('refuses bytes that are not UTF-8 with ERR_SOCKET, before start and after', () => {
    const text = `{"event":"media",${body},"payload":"AAAA"}}`;
    const bad = Buffer.from(text.replace('"s"', '"s\udcff"'));
    bad[bad.indexOf('"s') + 2] = 0xff;
    expect(isUtf8(bad)).toBe(false);
    expect(outcome(() => reader.readBytes(bad), '')).toStrictEqual({ code: 'ERR_SOCKET' });
    expect(outcome(() => new InboundReader().readBytes(bad), '')).toStrictEqual({
      code: 'ERR_SOCKET',
    });
    // A stop with a lone surrogate encoded in UTF-8 (not UTF-8): refused, not replaced.
    const stop = Buffer.concat([
      Buffer.from('{"event":"stop","streamId":"s","reason":"'),
      Buffer.from([0xed, 0xa0, 0x80]),
      Buffer.from('"}'),
    ]);
    expect(outcome(() => reader.readBytes(stop), '')).toStrictEqual({ code: 'ERR_SOCKET' });
  });

  it('decides the 20 ms payload sizes of every format from the bytes', () => {
    for (const bytes of [160, 320, 640, 960]) {
      const payload = b64(new Uint8Array(bytes).map((_, i) => i * 7));
      const text = `{"event":"media","sequenceNumber":42,"streamId":"s","media":{"track":"outbound","timestamp":1705312200000,"chunk":"41","payload":"${payload}"}}`;
      expect(reader.readBytes(Buffer.from(text))).toStrictEqual({
        event: 'media',
        sequenceNumber: 42,
        streamId: 's',
        track: 'outbound',
        timestamp: 1705312200000,
        chunk: 41,
        payload,
      });
    }
  });
});
