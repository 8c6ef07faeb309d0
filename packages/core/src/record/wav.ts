/**
 * A small WAV (RIFF/WAVE) reader and writer. Reads what audio tools commonly write (integer PCM of
 * 8, 16, 24 or 32 bits, 32/64-bit float, plain or WAVE_FORMAT_EXTENSIBLE headers, extra chunks such
 * as LIST anywhere) and always writes canonical 44-byte-header 16-bit PCM.
 */
import { readFile } from 'node:fs/promises';
import { CallstreamError } from '../errors.js';

/** Decoded WAV audio, converted to 16-bit samples. */
export interface WavAudio {
  sampleRate: number;
  channels: number;
  /** Bits per sample as stored in the file (8, 16, 24, 32 or 64). */
  bitsPerSample: number;
  /** Whether the file stored integer PCM or IEEE float samples. */
  sampleFormat: 'pcm' | 'float';
  /** Interleaved 16-bit samples (`channels` per frame); use {@link toMono} to mix them down. */
  samples: Int16Array;
}

const WAVE_FORMAT_PCM = 1;
const WAVE_FORMAT_IEEE_FLOAT = 3;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;
/** Size of the canonical header {@link wavHeader} writes. */
export const WAV_HEADER_BYTES = 44;

function fourcc(view: DataView, offset: number): string {
  return String.fromCharCode(
    view.getUint8(offset),
    view.getUint8(offset + 1),
    view.getUint8(offset + 2),
    view.getUint8(offset + 3),
  );
}

function clamp16(v: number): number {
  return v > 32767 ? 32767 : v < -32768 ? -32768 : v;
}

interface FmtChunk {
  tag: number;
  channels: number;
  sampleRate: number;
  bits: number;
}

function readFmt(view: DataView, start: number, size: number): FmtChunk {
  if (size < 16)
    throw new CallstreamError('ERR_INVALID_WAV', `fmt chunk too short (${size} bytes)`);
  let tag = view.getUint16(start, true);
  // WAVE_FORMAT_EXTENSIBLE keeps the real format tag in the first two bytes of its SubFormat GUID.
  if (tag === WAVE_FORMAT_EXTENSIBLE && size >= 40) tag = view.getUint16(start + 24, true);
  return {
    tag,
    channels: view.getUint16(start + 2, true),
    sampleRate: view.getUint32(start + 4, true),
    bits: view.getUint16(start + 14, true),
  };
}

function decodeSamples(view: DataView, start: number, count: number, fmt: FmtChunk): Int16Array {
  const out = new Int16Array(count);
  const { tag, bits } = fmt;
  if (tag === WAVE_FORMAT_PCM && bits === 16) {
    for (let i = 0; i < count; i++) out[i] = view.getInt16(start + 2 * i, true);
  } else if (tag === WAVE_FORMAT_PCM && bits === 8) {
    // 8-bit WAV is unsigned with 128 as zero.
    for (let i = 0; i < count; i++) out[i] = (view.getUint8(start + i) - 128) << 8;
  } else if (tag === WAVE_FORMAT_PCM && bits === 24) {
    for (let i = 0; i < count; i++) {
      const o = start + 3 * i;
      const v = (view.getInt8(o + 2) << 16) | (view.getUint8(o + 1) << 8) | view.getUint8(o);
      out[i] = clamp16((v + 128) >> 8);
    }
  } else if (tag === WAVE_FORMAT_PCM && bits === 32) {
    for (let i = 0; i < count; i++) {
      out[i] = clamp16(Math.round(view.getInt32(start + 4 * i, true) / 65536));
    }
  } else if (tag === WAVE_FORMAT_IEEE_FLOAT && (bits === 32 || bits === 64)) {
    for (let i = 0; i < count; i++) {
      const f =
        bits === 32 ? view.getFloat32(start + 4 * i, true) : view.getFloat64(start + 8 * i, true);
      out[i] = Number.isNaN(f) ? 0 : clamp16(Math.round(f * 32768));
    }
  } else {
    throw new CallstreamError(
      'ERR_UNSUPPORTED_FORMAT',
      `Unsupported WAV sample format (format tag ${tag}, ${bits} bits)`,
    );
  }
  return out;
}

/**
 * Parses a WAV file held in memory. Unknown chunks (LIST, fact, cue, ...) are skipped; a data
 * chunk whose declared size runs past the end of the bytes (a recording that was never finalized)
 * is read up to the last whole frame present.
 *
 * @throws CallstreamError `ERR_INVALID_WAV` when the bytes are not RIFF/WAVE or lack fmt/data,
 *   `ERR_UNSUPPORTED_FORMAT` for sample formats other than integer PCM or float.
 * @example
 * const wav = parseWav(await readFile('caller.wav'));
 * const mono = toMono(wav.samples, wav.channels);
 */
export function parseWav(bytes: Uint8Array): WavAudio {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 12 || fourcc(view, 0) !== 'RIFF' || fourcc(view, 8) !== 'WAVE') {
    throw new CallstreamError('ERR_INVALID_WAV', 'Not a RIFF/WAVE file');
  }
  let fmt: FmtChunk | undefined;
  let data: { start: number; size: number } | undefined;
  let offset = 12;
  while (offset + 8 <= bytes.byteLength && !(fmt && data)) {
    const id = fourcc(view, offset);
    const declared = view.getUint32(offset + 4, true);
    const start = offset + 8;
    const size = Math.min(declared, bytes.byteLength - start);
    if (id === 'fmt ') fmt = readFmt(view, start, size);
    else if (id === 'data') data = { start, size };
    // Chunks are word-aligned: an odd-sized chunk is followed by one pad byte.
    offset = start + declared + (declared & 1);
  }
  if (!fmt) throw new CallstreamError('ERR_INVALID_WAV', 'WAV file has no fmt chunk');
  if (!data) throw new CallstreamError('ERR_INVALID_WAV', 'WAV file has no data chunk');
  if (fmt.channels < 1 || fmt.sampleRate < 1 || fmt.bits % 8 !== 0 || fmt.bits === 0) {
    throw new CallstreamError(
      'ERR_INVALID_WAV',
      `Invalid WAV fmt (${fmt.channels} channels, ${fmt.sampleRate} Hz, ${fmt.bits} bits)`,
    );
  }
  const bytesPerFrame = (fmt.bits / 8) * fmt.channels;
  const frames = Math.floor(data.size / bytesPerFrame);
  return {
    sampleRate: fmt.sampleRate,
    channels: fmt.channels,
    bitsPerSample: fmt.bits,
    sampleFormat: fmt.tag === WAVE_FORMAT_IEEE_FLOAT ? 'float' : 'pcm',
    samples: decodeSamples(view, data.start, frames * fmt.channels, fmt),
  };
}

/**
 * Reads and parses a WAV file.
 *
 * @example
 * const { samples, channels, sampleRate } = await readWavFile('test/fixtures/caller-16k.wav');
 */
export async function readWavFile(path: string): Promise<WavAudio> {
  return parseWav(await readFile(path));
}

/**
 * Mixes interleaved samples down to mono by averaging the channels of each frame (rounded).
 * Returns `samples` itself when `channels` is 1.
 *
 * @example
 * const mono = toMono(new Int16Array([100, 200, -5, -6]), 2); // [150, -6]
 */
export function toMono(samples: Int16Array, channels: number): Int16Array {
  if (!Number.isInteger(channels) || channels < 1) {
    throw new RangeError(`channels must be a positive integer, got ${channels}`);
  }
  if (channels === 1) return samples;
  const frames = Math.floor(samples.length / channels);
  const out = new Int16Array(frames);
  for (let f = 0, i = 0; f < frames; f++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += samples[i++] as number;
    out[f] = Math.round(sum / channels);
  }
  return out;
}

/**
 * The canonical 44-byte header of a 16-bit PCM WAV file whose data chunk holds `dataBytes` bytes.
 * A streaming writer can write it with `dataBytes` 0 first and rewrite it once the size is known.
 *
 * @example
 * const header = wavHeader(pcm.byteLength, 16000, 1);
 */
export function wavHeader(dataBytes: number, sampleRate: number, channels = 1): Uint8Array {
  if (!Number.isInteger(dataBytes) || dataBytes < 0 || dataBytes > 0xffffffff - 36) {
    throw new RangeError(`dataBytes must be an integer from 0 to 2^32 - 37, got ${dataBytes}`);
  }
  if (!Number.isInteger(sampleRate) || sampleRate < 1) {
    throw new RangeError(`sampleRate must be a positive integer, got ${sampleRate}`);
  }
  if (!Number.isInteger(channels) || channels < 1 || channels > 0xffff) {
    throw new RangeError(`channels must be a positive integer, got ${channels}`);
  }
  const header = new Uint8Array(WAV_HEADER_BYTES);
  const view = new DataView(header.buffer);
  const ascii = (offset: number, text: string): void => {
    for (let i = 0; i < text.length; i++) view.setUint8(offset + i, text.charCodeAt(i));
  };
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + dataBytes, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, WAVE_FORMAT_PCM, true);
  view.setUint16(22, channels, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * channels * 2, true);
  view.setUint16(32, channels * 2, true);
  view.setUint16(34, 16, true);
  ascii(36, 'data');
  view.setUint32(40, dataBytes, true);
  return header;
}

/**
 * Encodes interleaved 16-bit samples as a complete WAV file (canonical header + little-endian data).
 *
 * @example
 * await writeFile('heard.wav', encodeWav(result.heard, 8000));
 */
export function encodeWav(samples: Int16Array, sampleRate: number, channels = 1): Uint8Array {
  const header = wavHeader(samples.length * 2, sampleRate, channels);
  if (samples.length % channels !== 0) {
    throw new RangeError(`samples.length (${samples.length}) is not a multiple of channels`);
  }
  const out = new Uint8Array(WAV_HEADER_BYTES + samples.length * 2);
  out.set(header, 0);
  const view = new DataView(out.buffer);
  for (let i = 0; i < samples.length; i++) {
    view.setInt16(WAV_HEADER_BYTES + 2 * i, samples[i] as number, true);
  }
  return out;
}
