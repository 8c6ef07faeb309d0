import type { MediaFormat } from '@callstream/core';
import {
  createFrameDecoder,
  createFrameEncoder,
  MEDIA_FORMATS,
  resolveStreamOptions,
  serializePlayAudio,
} from '@callstream/core/internal';
import { describe, expect, it } from 'vitest';
import { CommandChecker } from './command-checker.js';
import { resolveOptions, type Dialect } from './options.js';

const ids = { callId: 'c', streamId: 's', accountId: () => 'MA' };
const ENCODINGS = ['audio/x-mulaw', 'audio/x-l16'] as const;
const RATES = [8000, 11025, 16000, 22050, 24000, 32000, 44100, 48000];
const GRID: MediaFormat[] = ENCODINGS.flatMap((encoding) =>
  RATES.map((sampleRate) => ({ encoding, sampleRate })),
);
const name = (f: MediaFormat): string => `${f.encoding}/${f.sampleRate}`;
const names = (formats: MediaFormat[]): string[] => formats.map(name).sort();

const accepts = (run: () => unknown): boolean => {
  try {
    run();
    return true;
  } catch {
    return false;
  }
};

const simulatorAccepts = (format: MediaFormat, dialect: Dialect): boolean =>
  accepts(() => resolveOptions({ url: 'ws://x', format, dialect }, ids));

const checkerAccepts = (format: MediaFormat, dialect: Dialect): boolean => {
  const checker = new CommandChecker({ streamId: 's', dialect });
  const samples = format.sampleRate / 50; // 20 ms
  const bytes = format.encoding === 'audio/x-mulaw' ? samples : samples * 2;
  const text = serializePlayAudio(
    's',
    format.encoding,
    format.sampleRate,
    Buffer.alloc(bytes).toString('base64'),
  );
  const { violations } = checker.check(text);
  return !violations.some((v) => v.code === 'unsupported-format');
};

describe('the supported media formats (PROTOCOL.md §4)', () => {
  it('lists per dialect what each direction allows', () => {
    expect(MEDIA_FORMATS).toStrictEqual({
      plivo: {
        inbound: { 'audio/x-mulaw': [8000], 'audio/x-l16': [8000, 16000] },
        outbound: { 'audio/x-mulaw': [8000], 'audio/x-l16': [8000, 16000] },
      },
      vobiz: {
        inbound: { 'audio/x-mulaw': [8000], 'audio/x-l16': [8000, 16000, 24000] },
        outbound: { 'audio/x-mulaw': [8000], 'audio/x-l16': [8000, 16000, 24000] },
      },
    });
  });

  it('core decodes, encodes and sends exactly the formats some platform supports', () => {
    const any = [
      'audio/x-mulaw/8000',
      'audio/x-l16/16000',
      'audio/x-l16/24000',
      'audio/x-l16/8000',
    ];
    expect(names(GRID.filter((f) => accepts(() => createFrameDecoder(f))))).toStrictEqual(
      any.sort(),
    );
    expect(names(GRID.filter((f) => accepts(() => createFrameEncoder(f))))).toStrictEqual(
      any.sort(),
    );
    expect(
      names(GRID.filter((f) => accepts(() => resolveStreamOptions({ outputFormat: f })))),
    ).toStrictEqual(any.sort());
  });

  it('the simulator announces, and its checker lets through, only what its dialect supports', () => {
    for (const dialect of ['plivo', 'vobiz'] as const) {
      const expected = (direction: 'inbound' | 'outbound'): string[] =>
        names(
          GRID.filter((f) => MEDIA_FORMATS[dialect][direction][f.encoding].includes(f.sampleRate)),
        );
      expect(names(GRID.filter((f) => simulatorAccepts(f, dialect)))).toStrictEqual(
        expected('inbound'),
      );
      expect(names(GRID.filter((f) => checkerAccepts(f, dialect)))).toStrictEqual(
        expected('outbound'),
      );
    }
  });

  it('a Plivo call is not L16 24 kHz either way; a Vobiz call may be', () => {
    const l16At24k: MediaFormat = { encoding: 'audio/x-l16', sampleRate: 24000 };
    expect(() => resolveOptions({ url: 'ws://x', format: l16At24k }, ids)).toThrowError(
      /option "format" must be audio\/x-mulaw at 8000 Hz or audio\/x-l16 at 8000 or 16000 Hz on plivo/,
    );
    expect(simulatorAccepts(l16At24k, 'vobiz')).toBe(true);
    expect(checkerAccepts(l16At24k, 'plivo')).toBe(false);
    expect(checkerAccepts(l16At24k, 'vobiz')).toBe(true);
  });
});
