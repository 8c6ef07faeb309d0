import { describe, expect, it } from 'vitest';
import { CallstreamError } from '../errors.js';
import { kReceive } from '../stream/internal.js';
import { parseExtraHeaders } from './extra-headers.js';
import { parseMessage } from './parse.js';
import { serializeStart } from './serialize-platform.js';
import { quietStream, STREAM_ID, typicalMedia } from './test-helpers.js';

/**
 * Large hostile frames cost what their size costs: per character, within a generous factor of
 * a normal media frame's per-character cost, measured here in the same process (never an
 * absolute time). Quadratic work (the backtracking numeric expression this replaced) measured
 * 75,000-145,000 times over it on 64 KB; linear work measures 0.1-20 times (deep nesting the
 * most: `JSON.parse` builds an object per level), so a factor of 100 leaves room for noise.
 */
const FACTOR = 100;
const SIZE = 64 * 1024;

const normal = typicalMedia();

const digits = (n: number): string => '1'.repeat(n);
const media = (fields: string): string =>
  `{"event":"media","sequenceNumber":1,"streamId":"s","media":{${fields}}}`;
const fill = (make: (n: number) => string): string => make(SIZE - make(0).length);

/** Texts of about 64 KB, each built to make some part of the parser work hard. */
const hostile: [string, string][] = [
  ['a digit run in a numeric string', fill((n) => media(`"chunk":"${digits(n)}x","payload":""`))],
  [
    'a digit run with a dot',
    fill((n) => media(`"chunk":"${digits(n)}.${digits(3)}.","payload":""`)),
  ],
  ['a digit run in an exponent', fill((n) => media(`"chunk":"1e${digits(n)}x","payload":""`))],
  ['a digit run as a JSON number', fill((n) => media(`"chunk":${digits(n)},"payload":""`))],
  [
    'a digit run in sequenceNumber on the fast path',
    fill((n) => `{"event":"media","sequenceNumber":${digits(n)},"streamId":"s"}`),
  ],
  [
    'a digit run in a start sampleRate',
    fill(
      (n) =>
        `{"event":"start","start":{"callId":"c","streamId":"s","tracks":["inbound"],"mediaFormat":{"encoding":"audio/x-l16","sampleRate":"${digits(n)}x"}}}`,
    ),
  ],
  [
    'a digit run in a dtmf timestamp',
    fill((n) => `{"event":"dtmf","dtmf":{"digit":"1","timestamp":"${digits(n)}-"}}`),
  ],
  [
    'deep array nesting',
    fill((n) => `{"event":"x","a":${'['.repeat(n >> 1)}${']'.repeat(n >> 1)}}`),
  ],
  [
    'deep object nesting',
    fill((n) => `{"event":"x","a":${'{"a":'.repeat(n / 6)}1${'}'.repeat(n / 6)}}`),
  ],
  ['unclosed deep nesting', fill((n) => `{"event":"x","a":${'['.repeat(n)}`)],
  [
    'deep nesting in start extra_headers',
    fill(
      (n) =>
        `{"event":"start","start":{"callId":"c","streamId":"s","tracks":["inbound"],"mediaFormat":{"encoding":"audio/x-mulaw","sampleRate":8000}},"extra_headers":${'{"a":'.repeat(n / 6)}1${'}'.repeat(n / 6)}}`,
    ),
  ],
  [
    'a long streamId',
    fill((n) => `{"event":"media","sequenceNumber":1,"streamId":"${'s'.repeat(n)}"`),
  ],
  ['a long string of escapes', fill((n) => media(`"payload":"${'\\u0041'.repeat(n / 6)}"`))],
  [
    'a long payload, not base64',
    fill((n) => media(`"payload":"${'A'.repeat(Math.max(0, n - 1))}!"`)),
  ],
  ['a long payload, valid base64', fill((n) => media(`"payload":"${'A'.repeat(n & ~3)}"`))],
  ['a long run of whitespace', fill((n) => `{"event":"media"${' '.repeat(n)},"x":1}`)],
  [
    'many keys',
    fill(
      (n) =>
        `{"event":"x"${Array.from({ length: Math.floor(n / 11) }, (_, i) => `,"k${String(i).padStart(5, '0')}":0`).join('')}}`,
    ),
  ],
  [
    'many extra_headers pairs at start',
    fill(
      (n) =>
        `{"event":"start","start":{"callId":"c","streamId":"s","tracks":["inbound"],"mediaFormat":{"encoding":"audio/x-mulaw","sampleRate":8000}},"extra_headers":"${'a=1;'.repeat(n / 4)}"}`,
    ),
  ],
  ['an unterminated string', fill((n) => `{"event":"media","streamId":"${'x'.repeat(n)}`)],
];

/** Nanoseconds per character of `run(text)`, the least of `rounds` timed batches. */
function perChar(run: (text: string) => void, text: string, calls: number, rounds: number): number {
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < calls; i++) run(text);
    best = Math.min(best, Number(process.hrtime.bigint() - start) / calls);
  }
  return best / text.length;
}

/** Per-character cost of each hostile frame over that of the normal frame. */
function ratios(
  normalRun: (text: string) => void,
  run: (text: string) => void,
): { name: string; ratio: number }[] {
  const base = perChar(normalRun, normal, 2000, 5);
  return hostile.map(([name, text]) => {
    // One call first: a quadratic parser takes seconds here, so do not repeat it then.
    const once = perChar(run, text, 1, 1);
    const cost = once > base * FACTOR * 20 ? once : perChar(run, text, 3, 5);
    if (process.env['PARSE_RATIOS'] !== undefined) console.log(name, (cost / base).toFixed(1));
    return { name, ratio: Math.round(cost / base) };
  });
}

function tryParse(text: string): void {
  try {
    parseMessage(text);
  } catch (err) {
    if (!(err instanceof CallstreamError)) throw err;
  }
}

const start = serializeStart({
  sequenceNumber: 1,
  callId: 'c',
  streamId: STREAM_ID,
  accountId: 'MA1',
  tracks: ['inbound'],
  mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000 },
  extraHeaders: '',
});

describe('parsing hostile frames takes time linear in their size', () => {
  it('builds frames of the size it means to', () => {
    for (const [name, text] of hostile) {
      expect({ name, off: Math.abs(text.length - SIZE) < 16 }).toEqual({ name, off: true });
    }
  });

  it('parseMessage: every hostile frame costs per character within a factor of a normal media frame', () => {
    expect(ratios(tryParse, tryParse).filter(({ ratio }) => ratio > FACTOR)).toEqual([]);
  });

  it('the stream, before and after start: every hostile frame costs per character within a factor of a normal one', () => {
    const before = quietStream();
    const after = quietStream();
    after[kReceive](start);
    expect(after.tracks).toEqual(['inbound']);
    const receiveNormal = (t: string): void => after[kReceive](t);
    for (const stream of [before, after]) {
      const receive = (t: string): void => stream[kReceive](t);
      expect(ratios(receiveNormal, receive).filter(({ ratio }) => ratio > FACTOR)).toEqual([]);
    }
    expect(after.stats.frames.inbound).toBeGreaterThan(2000); // the normal frames were decoded
  });

  it('the stream on the bytes of each frame: every hostile frame costs per character within a factor of a normal one', () => {
    const before = quietStream();
    const after = quietStream();
    after[kReceive](Buffer.from(start));
    expect(after.tracks).toEqual(['inbound']);
    // Encoded once, outside the timed loops (the texts are ASCII: as many bytes as characters).
    const encoded = new Map<string, Buffer>();
    const bytes = (t: string): Buffer => {
      let data = encoded.get(t);
      if (data === undefined) encoded.set(t, (data = Buffer.from(t)));
      return data;
    };
    const receiveNormal = (t: string): void => after[kReceive](bytes(t));
    for (const stream of [before, after]) {
      const receive = (t: string): void => stream[kReceive](bytes(t));
      expect(ratios(receiveNormal, receive).filter(({ ratio }) => ratio > FACTOR)).toEqual([]);
    }
    expect(after.stats.frames.inbound).toBeGreaterThan(2000); // the normal frames were decoded
  });

  it('parseExtraHeaders: hostile header strings cost per character within a factor of a normal one', () => {
    const headers: [string, string][] = [
      ['deep arrays', `{"a":${'['.repeat(SIZE / 2 - 4)}${']'.repeat(SIZE / 2 - 4)}}`],
      ['deep objects', `{"a":${'{"a":'.repeat(SIZE / 6)}1${'}'.repeat(SIZE / 6)}}`],
      ['many pairs', 'a=1;'.repeat(SIZE / 4)],
      ['many separators', ';'.repeat(SIZE)],
      [
        'many keys',
        `{${Array.from({ length: SIZE / 11 }, (_, i) => `"k${String(i).padStart(5, '0')}":0`).join(',')}}`,
      ],
    ];
    const run = (text: string): void => void parseExtraHeaders(text);
    const base = perChar(run, 'userId=12345;sessionId=abc', 2000, 5);
    const over = headers
      .map(([name, text]) => ({ name, ratio: Math.round(perChar(run, text, 2, 5) / base) }))
      .filter(({ ratio }) => ratio > FACTOR);
    expect(over).toEqual([]);
    expect(parseExtraHeaders(headers[0]?.[1])).toEqual({}); // too deep to be a header: skipped
  });
});
