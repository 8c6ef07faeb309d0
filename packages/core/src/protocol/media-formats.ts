/**
 * The audio formats each platform supports, per direction (PROTOCOL.md §3 and §4): the one table
 * behind the codec (`createFrameDecoder` / `createFrameEncoder`), `StreamOptions.outputFormat`,
 * the simulator's `format` option and its command checker.
 *
 * | dialect | inbound (`start`, `media`)                 | outbound (`playAudio`)                     |
 * | ------- | ------------------------------------------ | ------------------------------------------ |
 * | plivo   | mu-law 8000; L16 8000, 16000               | mu-law 8000; L16 8000, 16000               |
 * | vobiz   | mu-law 8000; L16 8000, 16000, 24000        | mu-law 8000; L16 8000, 16000, 24000        |
 *
 * L16 24 kHz inbound is not documented by either platform; it is listed for Vobiz, which plays
 * 24 kHz, so a stream configured for it both ways can be received (and simulated). Core does not
 * know which platform dialled in, so it accepts the union of the dialects' formats.
 */

import type { WireEncoding } from './messages.js';

/** The platforms callstream speaks to. */
export type Dialect = 'plivo' | 'vobiz';

/** `inbound`: what a platform announces in `start` and sends as `media`; `outbound`: what it plays from `playAudio`. */
export type MediaDirection = 'inbound' | 'outbound';

/** Sample rates (Hz) per wire encoding. */
export type RateTable = Readonly<Record<WireEncoding, readonly number[]>>;

/** The supported formats of each dialect and direction. */
export const MEDIA_FORMATS: Readonly<Record<Dialect, Readonly<Record<MediaDirection, RateTable>>>> =
  {
    plivo: {
      inbound: { 'audio/x-mulaw': [8000], 'audio/x-l16': [8000, 16000] },
      outbound: { 'audio/x-mulaw': [8000], 'audio/x-l16': [8000, 16000] },
    },
    vobiz: {
      inbound: { 'audio/x-mulaw': [8000], 'audio/x-l16': [8000, 16000, 24000] },
      outbound: { 'audio/x-mulaw': [8000], 'audio/x-l16': [8000, 16000, 24000] },
    },
  };

const DIALECTS = Object.keys(MEDIA_FORMATS) as Dialect[];
const ENCODINGS: readonly WireEncoding[] = ['audio/x-mulaw', 'audio/x-l16'];

/**
 * True when `encoding` is one of the two wire encodings.
 *
 * @example
 * isWireEncoding('audio/x-l16'); // true
 * isWireEncoding('audio/x-l16;rate=16000'); // false: the bare type only
 */
export function isWireEncoding(encoding: unknown): encoding is WireEncoding {
  return ENCODINGS.includes(encoding as WireEncoding);
}

/**
 * The sample rates supported for `encoding` in `direction`: of one dialect, or of any dialect
 * (the union, what core accepts) when `dialect` is undefined. Empty for an unknown encoding.
 *
 * @example
 * supportedRates('audio/x-l16', 'outbound', 'plivo'); // [8000, 16000]
 * supportedRates('audio/x-l16', 'outbound'); // [8000, 16000, 24000]
 */
export function supportedRates(
  encoding: string,
  direction: MediaDirection,
  dialect?: Dialect,
): readonly number[] {
  if (!isWireEncoding(encoding)) return [];
  if (dialect !== undefined) return MEDIA_FORMATS[dialect][direction][encoding];
  const rates = new Set<number>();
  for (const d of DIALECTS) for (const r of MEDIA_FORMATS[d][direction][encoding]) rates.add(r);
  return [...rates].sort((a, b) => a - b);
}

/**
 * True when `format` is supported in `direction` (by `dialect`, or by any dialect).
 *
 * @example
 * isSupportedFormat({ encoding: 'audio/x-l16', sampleRate: 48000 }, 'inbound'); // false
 */
export function isSupportedFormat(
  format: { readonly encoding: string; readonly sampleRate: number },
  direction: MediaDirection,
  dialect?: Dialect,
): boolean {
  return supportedRates(format.encoding, direction, dialect).includes(format.sampleRate);
}

/**
 * The supported formats in words, for error messages.
 *
 * @example
 * describeFormats('outbound', 'plivo'); // 'audio/x-mulaw at 8000 Hz or audio/x-l16 at 8000 or 16000 Hz'
 */
export function describeFormats(direction: MediaDirection, dialect?: Dialect): string {
  return ENCODINGS.map((encoding) => {
    const rates = supportedRates(encoding, direction, dialect).map(String);
    const list =
      rates.length > 1 ? `${rates.slice(0, -1).join(', ')} or ${rates.at(-1)}` : rates[0];
    return `${encoding} at ${list} Hz`;
  }).join(' or ');
}
