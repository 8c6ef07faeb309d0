import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isCallstreamError } from '../errors.js';
import { encodeWav, parseWav, readWavFile, toMono, wavHeader } from './wav.js';

const fixture = fileURLToPath(new URL('../../../../test/fixtures/caller-16k.wav', import.meta.url));

function chunk(id: string, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + body.length + (body.length & 1));
  const view = new DataView(out.buffer);
  for (let i = 0; i < 4; i++) out[i] = id.charCodeAt(i);
  view.setUint32(4, body.length, true);
  out.set(body, 8);
  return out;
}

function riff(...chunks: Uint8Array[]): Uint8Array {
  const body = Buffer.concat([Buffer.from('WAVE'), ...chunks]);
  const head = Buffer.alloc(8);
  head.write('RIFF', 0, 'ascii');
  head.writeUInt32LE(body.length, 4);
  return new Uint8Array(Buffer.concat([head, body]));
}

function fmtBody(tag: number, channels: number, rate: number, bits: number, extensible?: number) {
  const b = Buffer.alloc(extensible === undefined ? 16 : 40);
  b.writeUInt16LE(extensible === undefined ? tag : 0xfffe, 0);
  b.writeUInt16LE(channels, 2);
  b.writeUInt32LE(rate, 4);
  b.writeUInt32LE((rate * channels * bits) / 8, 8);
  b.writeUInt16LE((channels * bits) / 8, 12);
  b.writeUInt16LE(bits, 14);
  if (extensible !== undefined) {
    b.writeUInt16LE(22, 16); // cbSize
    b.writeUInt16LE(bits, 18); // valid bits
    b.writeUInt32LE(channels === 2 ? 3 : 4, 20); // channel mask
    b.writeUInt16LE(extensible, 24); // SubFormat GUID starts with the format tag
    Buffer.from('000000001000800000aa00389b71', 'hex').copy(b, 26);
  }
  return new Uint8Array(b);
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return isCallstreamError(err) ? err.code : 'not-a-CallstreamError';
  }
  return undefined;
}

describe('wavHeader', () => {
  it('writes the canonical 44-byte 16-bit PCM header', () => {
    const header = Buffer.from(wavHeader(320, 8000, 1));
    expect(header.toString('hex')).toBe(
      '52494646' +
        '64010000' +
        '57415645' +
        '666d7420' +
        '10000000' +
        '0100' +
        '0100' +
        '401f0000' +
        '803e0000' +
        '0200' +
        '1000' +
        '64617461' +
        '40010000',
    );
  });

  it('fills byte rate and block align for stereo', () => {
    const view = new DataView(wavHeader(0, 16000, 2).buffer);
    expect([view.getUint16(22, true), view.getUint32(28, true), view.getUint16(32, true)]).toEqual([
      2, 64000, 4,
    ]);
  });

  it('rejects sizes and rates that cannot be written', () => {
    expect(() => wavHeader(-1, 8000)).toThrow(RangeError);
    expect(() => wavHeader(2 ** 32, 8000)).toThrow(RangeError);
    expect(() => wavHeader(10, 0)).toThrow(RangeError);
    expect(() => wavHeader(10, 8000, 0)).toThrow(RangeError);
  });
});

describe('encodeWav and parseWav', () => {
  it('round-trip interleaved stereo samples exactly', () => {
    const samples = new Int16Array([0, 1, -1, 256, -256, 32767, -32768, 12345]);
    const parsed = parseWav(encodeWav(samples, 24000, 2));
    expect(parsed).toMatchObject({ sampleRate: 24000, channels: 2, bitsPerSample: 16 });
    expect(parsed.sampleFormat).toBe('pcm');
    expect(Array.from(parsed.samples)).toEqual(Array.from(samples));
  });

  it('writes samples little-endian after the header', () => {
    const bytes = encodeWav(new Int16Array([0x0102, -2]), 8000);
    expect(Buffer.from(bytes.subarray(44)).toString('hex')).toBe('0201feff');
  });

  it('rejects a sample count that is not whole frames', () => {
    expect(() => encodeWav(new Int16Array(3), 8000, 2)).toThrow(RangeError);
  });
});

describe('parseWav', () => {
  it('reads WAVE_FORMAT_EXTENSIBLE 16-bit PCM and skips a LIST chunk before data', () => {
    const pcm = new Uint8Array(new Int16Array([100, -100, 7, 8]).buffer);
    const list = new Uint8Array(Buffer.from('INFOISFT\x05\x00\x00\x00abcd\x00\x00', 'latin1'));
    const wav = parseWav(
      riff(chunk('fmt ', fmtBody(1, 2, 44100, 16, 1)), chunk('LIST', list), chunk('data', pcm)),
    );
    expect(wav).toMatchObject({ sampleRate: 44100, channels: 2 });
    expect(Array.from(wav.samples)).toEqual([100, -100, 7, 8]);
  });

  it('honours the pad byte after an odd-sized chunk', () => {
    const odd = chunk('junk', new Uint8Array([1, 2, 3]));
    expect(odd.length).toBe(12);
    const pcm = new Uint8Array(new Int16Array([5, 6]).buffer);
    const wav = parseWav(riff(odd, chunk('fmt ', fmtBody(1, 1, 8000, 16)), chunk('data', pcm)));
    expect(Array.from(wav.samples)).toEqual([5, 6]);
  });

  it('converts unsigned 8-bit samples around 128', () => {
    const wav = parseWav(
      riff(
        chunk('fmt ', fmtBody(1, 1, 8000, 8)),
        chunk('data', new Uint8Array([128, 255, 0, 129])),
      ),
    );
    expect(Array.from(wav.samples)).toEqual([0, 32512, -32768, 256]);
  });

  it('rounds 24-bit samples to 16 bits', () => {
    // 0x000180 → 1.5 → 2; 0x7fffff → clamps to 32767; 0x800000 → -32768; 0xffff00 (-256) → -1
    const body = new Uint8Array([
      0x80, 0x01, 0x00, 0xff, 0xff, 0x7f, 0x00, 0x00, 0x80, 0x00, 0xff, 0xff,
    ]);
    const wav = parseWav(riff(chunk('fmt ', fmtBody(1, 1, 48000, 24)), chunk('data', body)));
    expect(Array.from(wav.samples)).toEqual([2, 32767, -32768, -1]);
  });

  it('converts 32-bit float (extensible) with clipping', () => {
    const body = new Uint8Array(new Float32Array([0, 0.5, -1, 1.5, -0.25]).buffer);
    const wav = parseWav(riff(chunk('fmt ', fmtBody(3, 1, 16000, 32, 3)), chunk('data', body)));
    expect(wav.sampleFormat).toBe('float');
    expect(Array.from(wav.samples)).toEqual([0, 16384, -32768, 32767, -8192]);
  });

  it('converts 32-bit integer PCM to its top 16 bits', () => {
    const body = new Uint8Array(new Int32Array([65536 * 3, -65536 * 5, 0x7fffffff]).buffer);
    const wav = parseWav(riff(chunk('fmt ', fmtBody(1, 1, 8000, 32)), chunk('data', body)));
    expect(Array.from(wav.samples)).toEqual([3, -5, 32767]);
  });

  it('reads what is present of a data chunk whose size was never finalized', () => {
    const file = riff(
      chunk('fmt ', fmtBody(1, 1, 8000, 16)),
      chunk('data', new Uint8Array(new Int16Array([1, 2, 3]).buffer)),
    );
    const view = new DataView(file.buffer);
    view.setUint32(file.length - 6 - 4, 0xffffffff, true); // the data chunk's size field
    // and cut the last byte off: only whole samples are returned
    expect(Array.from(parseWav(file.subarray(0, file.length - 1)).samples)).toEqual([1, 2]);
  });

  it('rejects non-WAV bytes and files without fmt or data', () => {
    expect(codeOf(() => parseWav(new Uint8Array(Buffer.from('OggS and then some'))))).toBe(
      'ERR_INVALID_WAV',
    );
    expect(codeOf(() => parseWav(riff(chunk('data', new Uint8Array(4)))))).toBe('ERR_INVALID_WAV');
    expect(codeOf(() => parseWav(riff(chunk('fmt ', fmtBody(1, 1, 8000, 16)))))).toBe(
      'ERR_INVALID_WAV',
    );
  });

  it('rejects compressed formats with ERR_UNSUPPORTED_FORMAT', () => {
    const adpcm = riff(chunk('fmt ', fmtBody(2, 1, 8000, 4 * 2)), chunk('data', new Uint8Array(4)));
    expect(codeOf(() => parseWav(adpcm))).toBe('ERR_UNSUPPORTED_FORMAT');
  });

  it('reads a WAV held in a Buffer view at an odd offset', () => {
    const file = encodeWav(new Int16Array([-300, 300]), 8000);
    const backing = new Uint8Array(file.length + 1);
    backing.set(file, 1);
    expect(Array.from(parseWav(backing.subarray(1)).samples)).toEqual([-300, 300]);
  });
});

describe('readWavFile', () => {
  it('reads the 16 kHz caller fixture', async () => {
    const wav = await readWavFile(fixture);
    expect(wav).toMatchObject({ sampleRate: 16000, channels: 1, bitsPerSample: 16 });
    expect(wav.samples.length).toBe(93618);
    expect(Array.from(wav.samples.subarray(0, 10))).toEqual([0, 1, 0, 0, 0, 0, 1, 0, 1, -1]);
  });
});

describe('toMono', () => {
  it('averages the channels of each frame, rounding', () => {
    expect(Array.from(toMono(new Int16Array([100, 200, -5, -7, 32767, 32767]), 2))).toEqual([
      150, -6, 32767,
    ]);
    expect(Array.from(toMono(new Int16Array([1, 2, 4]), 3))).toEqual([2]);
  });

  it('returns mono input unchanged', () => {
    const mono = new Int16Array([1, 2]);
    expect(toMono(mono, 1)).toBe(mono);
  });
});
